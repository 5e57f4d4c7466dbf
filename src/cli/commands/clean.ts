/**
 * `kodi-sync clean --dry-run`: the guarded library clean (DESIGN §7) is not built yet. The command exists so the
 * docs can name it, and says so plainly instead of showing a result it did not compute.
 */
import type { Command } from 'commander';
import { action } from '../output.js';

export function registerCleanCommand(program: Command): void {
  program
    .command('clean')
    .description('Library clean with dry run and guard — NOT AVAILABLE YET (next release)')
    .option('--dry-run', 'list what a clean would remove')
    .option('--group <id>', 'player group')
    .action(
      action(async () => {
        await Promise.resolve();
        throw new Error(
          'clean is not available yet: the guarded clean and its dry run arrive in the next release. Nothing was checked ' +
            'and nothing was removed. Kodi Sync never runs a library-wide clean on its own.',
        );
      }),
    );
}
