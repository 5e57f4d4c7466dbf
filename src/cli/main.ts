#!/usr/bin/env node
/**
 * The `kodi-sync` command. Each sub-command lives in its own file under ./commands and registers
 * itself on the program; this file only lists them.
 */
import { Command } from 'commander';
import { registerCleanCommand } from './commands/clean.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDriftCommand } from './commands/drift.js';
import { registerItemsImportCommand } from './commands/import.js';
import { registerTasksCommand } from './commands/tasks.js';
import { registerBatchesCommand, registerJobsCommand } from './commands/jobs.js';
import { registerPlayersCommand } from './commands/players.js';
import { registerDemoCommand, registerServeCommand } from './commands/serve.js';
import { registerItemsCommand } from './commands/items.js';
import { registerKodiCommand } from './commands/kodi.js';
import { registerSimCommand } from './commands/sim.js';

const program = new Command();
program
  .name('kodi-sync')
  .description('Makes every Kodi show exactly what your media manager published — verified in Kodi itself.')
  .showHelpAfterError()
  .option('--url <url>', 'address of the running service (env KODI_SYNC_URL; default from the local config)')
  .option('--api-key <key>', 'API key (env KODI_SYNC_API_KEY; default <data dir>/api-key.txt)')
  .option('--data-dir <dir>', 'data folder of the service (env KODI_SYNC_DATA_DIR; default ./data)')
  .option('--json', 'print JSON for scripts instead of human output');

registerServeCommand(program);
registerDemoCommand(program);
registerItemsCommand(program);
registerJobsCommand(program);
registerBatchesCommand(program);
registerPlayersCommand(program);
registerCleanCommand(program);
registerDriftCommand(program);
registerTasksCommand(program);
registerItemsImportCommand(program);
registerConfigCommand(program);
registerKodiCommand(program);
registerSimCommand(program);

await program.parseAsync(process.argv);
