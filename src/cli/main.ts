#!/usr/bin/env node
/**
 * The `kodi-sync` command. Each sub-command lives in its own file under ./commands and registers
 * itself on the program; this file only lists them.
 */
import { Command } from 'commander';

const program = new Command();
program
  .name('kodi-sync')
  .description('Makes every Kodi show exactly what your media manager published — verified in Kodi itself.')
  .showHelpAfterError();

await program.parseAsync(process.argv);
