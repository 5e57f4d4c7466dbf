/**
 * `kodi-sync backup` (a backup of the database and settings now), `kodi-sync backups` (the list) and
 * `kodi-sync restore <backup>` (with the service stopped). They work on the data folder directly, like the *arr
 * apps' System › Backup, so they need no running service; docs/backup.md has the whole story, PostgreSQL included.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config/load.js';
import { createBackup, listBackups, restoreBackup } from '../../store/backup.js';
import { SQLITE_FILE_NAME } from '../../store/index.js';
import { wantsJson } from '../api-client.js';
import { action, formatTime, printJson, printTable } from '../output.js';

const PG_HINT =
  'The PostgreSQL database is not part of it: back it up with `pg_dump --format=custom` (docs/backup.md).';

function configOf(command: Command): Config {
  return loadConfig({ flags: command.optsWithGlobals() });
}

function sqliteFile(config: Config): string | undefined {
  return config.databaseUrl === undefined ? join(config.dataDir, SQLITE_FILE_NAME) : undefined;
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'Back up the database and settings into <data dir>/backups now (safe while the service runs)',
    )
    .action(
      action(async (_options: unknown, command: Command) => {
        const config = configOf(command);
        const backup = createBackup({
          dataDir: config.dataDir,
          databaseFile: sqliteFile(config),
          reason: 'manual',
          keep: config.backupKeep,
        });
        await Promise.resolve();
        if (wantsJson(command)) {
          printJson(backup);
          return;
        }
        process.stdout.write(
          `backup written: ${backup.path} (${backup.manifest.files.join(', ') || 'nothing'})\n`,
        );
        if (config.databaseUrl !== undefined) process.stdout.write(`${PG_HINT}\n`);
      }),
    );

  program
    .command('backups')
    .description('List the backups, newest first')
    .action(
      action(async (_options: unknown, command: Command) => {
        const backups = listBackups(configOf(command).dataDir);
        await Promise.resolve();
        if (wantsJson(command)) {
          printJson(backups);
          return;
        }
        printTable(backups, {
          NAME: (b) => b.name,
          CREATED: (b) => formatTime(b.manifest.createdAt),
          REASON: (b) => b.manifest.reason,
          VERSION: (b) => b.manifest.version,
          HOLDS: (b) => b.manifest.files.join(', '),
        });
      }),
    );

  program
    .command('restore <backup>')
    .description(
      'Put a backup (its name from `kodi-sync backups`, or a folder) back in place; the service must be stopped',
    )
    .action(
      action(async (backup: string, _options: unknown, command: Command) => {
        const config = configOf(command);
        const result = restoreBackup({ dataDir: config.dataDir, backup, databaseFile: sqliteFile(config) });
        await Promise.resolve();
        if (wantsJson(command)) {
          printJson(result);
          return;
        }
        process.stdout.write(
          `restored ${result.restored.name} (${result.restored.manifest.files.join(', ')}) into ${config.dataDir}.\n` +
            `The state before the restore is saved as ${result.saved.name}. Start the service again; ` +
            'an older database is brought up to date on start.\n',
        );
        if (config.databaseUrl !== undefined) {
          process.stdout.write(
            'Only the settings were restored: restore PostgreSQL with pg_restore (docs/backup.md).\n',
          );
        }
      }),
    );
}
