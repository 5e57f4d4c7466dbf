/**
 * `kodi-sync items import <root>`: adopt an existing library — every video file under the library's root is recorded
 * as published desired state (no jobs). Then `kodi-sync drift` shows what Kodi lacks and `drift --repair` fixes it.
 */
import type { Command } from 'commander';
import { apiClientFor, wantsJson } from '../api-client.js';
import { action, printJson } from '../output.js';

interface ImportResult {
  libraryId: number;
  root: string;
  filesSeen: number;
  recorded: number;
  alreadyKnown: number;
}

export function registerItemsImportCommand(program: Command): void {
  program
    .command('items')
    .description('Desired state: import an existing library')
    .command('import <root>')
    .description(
      "Record every video file under a library's root as published (no jobs); then run `kodi-sync drift`",
    )
    .action(
      action(async (root: string, _options: unknown, command: Command) => {
        const result = await apiClientFor(command).post<ImportResult>('/api/v1/items/import', { root });
        if (wantsJson(command)) {
          printJson(result);
          return;
        }
        process.stdout.write(
          `${result.root}: ${result.filesSeen} video files, ${result.recorded} recorded as published, ` +
            `${result.alreadyKnown} already known. Next: kodi-sync drift (then drift --repair).\n`,
        );
      }),
    );
}
