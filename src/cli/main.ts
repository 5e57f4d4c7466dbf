#!/usr/bin/env node
/**
 * The `kodi-sync` command. Each sub-command lives in its own file under ./commands and registers
 * itself on the program; this file lists them and sets the process-wide manners: a closed pipe
 * (`kodi-sync jobs list | head`) ends the command quietly, and a failure shows its message — the stack
 * only with --debug.
 */
import { Command } from 'commander';
import { VERSION } from '../config/version.js';
import { registerBackupCommands } from './commands/backup.js';
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
import { reportFailure } from './output.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (head, less quit): nothing more to say, and nobody to say it to.
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
const fail = (error: unknown) => {
  reportFailure(error);
  process.exit(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const program = new Command();
program
  .name('kodi-sync')
  .description('Makes every Kodi show exactly what your media manager published — verified in Kodi itself.')
  .version(VERSION)
  .showHelpAfterError()
  .option('--url <url>', 'address of the running service (env KODI_SYNC_URL; default from the local config)')
  .option('--api-key <key>', 'API key (env KODI_SYNC_API_KEY; default <data dir>/api-key.txt)')
  .option(
    '--data-dir <dir>',
    'data folder of the service (env KODI_SYNC_DATA_DIR; default ~/.config/kodi-sync, see docs/configuration.md)',
  )
  .option('--json', 'print JSON for scripts instead of human output')
  .option('--debug', 'show stack traces of failures');

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
registerBackupCommands(program);
registerKodiCommand(program);
registerSimCommand(program);

await program.parseAsync(process.argv);
