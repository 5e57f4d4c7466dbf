/**
 * Backups like the *arr apps' System › Backup: a folder per backup under <dataDir>/backups holding a consistent
 * copy of the SQLite database (`VACUUM INTO`, safe while the service runs), the settings files (config.json,
 * api-key.txt) and a manifest. The newest `keep` are kept. A PostgreSQL database is not copied here: it is
 * backed up with pg_dump (docs/backup.md); its backups hold the settings files only.
 *
 * A restore puts a backup's files back while the service is stopped, after saving the current state as one more
 * backup. An older database is brought up to date by the migrations on the next start (they only move forward).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { runningPid } from '../config/pid-file.js';
import { VERSION } from '../config/version.js';
import { ValidationError, errorMessage } from '../util/errors.js';
import { SQLITE_FILE_NAME } from './open.js';

export const BACKUP_FOLDER = 'backups';
const MANIFEST = 'backup.json';
const SETTINGS_FILES = ['config.json', 'api-key.txt'] as const;
const NAME = /^kodi-sync-backup-[0-9TZ-]+(-\d+)?$/;

export type BackupReason = 'manual' | 'scheduled' | 'before-restore';

export interface BackupManifest {
  version: string;
  createdAt: number;
  reason: BackupReason;
  /** What the backup holds for the database: a SQLite copy, or nothing (PostgreSQL: use pg_dump). */
  database: 'sqlite' | 'none';
  /** Migrations applied in the copied database. */
  migrations: string[];
  files: string[];
}

export interface Backup {
  name: string;
  path: string;
  manifest: BackupManifest;
}

export interface BackupOptions {
  dataDir: string;
  /** The SQLite file to copy; undefined when the database is PostgreSQL. */
  databaseFile: string | undefined;
  reason: BackupReason;
  /** Delete all but the newest `keep` backups afterwards; undefined keeps everything. */
  keep?: number | undefined;
  now?: number;
}

export function backupFolder(dataDir: string): string {
  return join(dataDir, BACKUP_FOLDER);
}

export function createBackup(options: BackupOptions): Backup {
  const createdAt = options.now ?? Date.now();
  const root = backupFolder(options.dataDir);
  mkdirSync(root, { recursive: true });
  const name = uniqueName(root, createdAt);
  const partial = join(root, `.${name}.partial`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  try {
    const files: string[] = [];
    let migrations: string[] = [];
    const dbFile = options.databaseFile;
    const hasDatabase = dbFile !== undefined && existsSync(dbFile);
    if (hasDatabase) {
      const copy = join(partial, SQLITE_FILE_NAME);
      const source = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        source.prepare('vacuum into ?').run(copy);
      } finally {
        source.close();
      }
      migrations = appliedMigrations(copy);
      files.push(SQLITE_FILE_NAME);
    }
    for (const file of SETTINGS_FILES) {
      const from = join(options.dataDir, file);
      if (!existsSync(from)) continue;
      copyFileSync(from, join(partial, file));
      files.push(file);
    }
    const manifest: BackupManifest = {
      version: VERSION,
      createdAt,
      reason: options.reason,
      database: hasDatabase ? 'sqlite' : 'none',
      migrations,
      files,
    };
    writeFileSync(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    const path = join(root, name);
    renameSync(partial, path);
    if (options.keep !== undefined) pruneBackups(options.dataDir, options.keep);
    return { name, path, manifest };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

function uniqueName(root: string, createdAt: number): string {
  const base = `kodi-sync-backup-${new Date(createdAt).toISOString().replace(/[:.]/g, '-')}`;
  let name = base;
  for (let n = 2; existsSync(join(root, name)); n++) name = `${base}-${n}`;
  return name;
}

function appliedMigrations(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const table = db
      .prepare(`select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'`)
      .get();
    if (table === undefined) return [];
    return (db.prepare('select id from schema_migrations order by id').all() as { id: string }[]).map(
      (r) => r.id,
    );
  } finally {
    db.close();
  }
}

/** Every backup in <dataDir>/backups, newest first. */
export function listBackups(dataDir: string): Backup[] {
  const root = backupFolder(dataDir);
  if (!existsSync(root)) return [];
  const backups: Backup[] = [];
  for (const name of readdirSync(root)) {
    if (!NAME.test(name)) continue;
    const manifest = readManifest(join(root, name));
    if (manifest !== undefined) backups.push({ name, path: join(root, name), manifest });
  }
  return backups.sort((a, b) => b.manifest.createdAt - a.manifest.createdAt || b.name.localeCompare(a.name));
}

function readManifest(path: string): BackupManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(path, MANIFEST), 'utf8')) as BackupManifest;
  } catch {
    return undefined;
  }
}

/** Deletes all but the newest `keep` backups; returns the names deleted. */
export function pruneBackups(dataDir: string, keep: number): string[] {
  const old = listBackups(dataDir).slice(Math.max(keep, 1));
  for (const backup of old) rmSync(backup.path, { recursive: true, force: true });
  return old.map((b) => b.name);
}

export interface RestoreOptions {
  dataDir: string;
  /** A backup's name (in <dataDir>/backups) or the path of a backup folder. */
  backup: string;
  /** The SQLite file the service uses; undefined for PostgreSQL (only the settings are restored then). */
  databaseFile: string | undefined;
}

export interface RestoreResult {
  restored: Backup;
  /** The state before the restore, saved as a backup of its own. */
  saved: Backup;
}

export function restoreBackup(options: RestoreOptions): RestoreResult {
  const pid = runningPid(options.dataDir);
  if (pid !== undefined) {
    throw new ValidationError(
      'service',
      `Kodi Sync (pid ${pid}) is running on ${options.dataDir}; stop it first ` +
        '(`systemctl stop kodi-sync`, or Ctrl+C), then restore, then start it again.',
    );
  }
  const path =
    isAbsolute(options.backup) || options.backup.includes('/')
      ? resolve(options.backup)
      : join(backupFolder(options.dataDir), options.backup);
  const manifest = readManifest(path);
  if (manifest === undefined) {
    throw new ValidationError(
      'backup',
      `${path} is not a Kodi Sync backup (no readable ${MANIFEST}); \`kodi-sync backups\` shows the backups.`,
    );
  }
  if (manifest.database === 'sqlite' && options.databaseFile === undefined) {
    throw new ValidationError(
      'backup',
      'This backup holds a SQLite database but the service is configured for PostgreSQL (databaseUrl); ' +
        'unset DATABASE_URL to restore it, or restore PostgreSQL with pg_restore (docs/backup.md).',
    );
  }
  const restored: Backup = { name: basename(path), path, manifest };
  const saved = createBackup({
    dataDir: options.dataDir,
    databaseFile: options.databaseFile,
    reason: 'before-restore',
  });
  if (manifest.database === 'sqlite' && options.databaseFile !== undefined) {
    const target = options.databaseFile;
    const incoming = `${target}.restoring`;
    copyFileSync(join(path, SQLITE_FILE_NAME), incoming);
    // The old write-ahead log belongs to the old database: replayed onto the restored file it would corrupt it.
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(incoming, target);
  }
  for (const file of SETTINGS_FILES) {
    const current = join(options.dataDir, file);
    if (manifest.files.includes(file)) copyFileSync(join(path, file), current);
    else rmSync(current, { force: true });
  }
  return { restored, saved };
}

export interface BackupScheduleOptions {
  dataDir: string;
  databaseFile: string | undefined;
  intervalHours: number;
  keep: number;
  logger: Logger;
}

/** The longest delay setTimeout takes (about 24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Backs up every `intervalHours`, counted from the newest backup (so a restart does not postpone it forever).
 * Returns the function that stops the schedule.
 */
export function scheduleBackups(options: BackupScheduleOptions): () => void {
  if (options.intervalHours <= 0) return () => undefined;
  const intervalMs = options.intervalHours * 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const plan = (from: number) => {
    if (stopped) return;
    const wait = Math.max(0, from + intervalMs - Date.now());
    timer = setTimeout(
      () => {
        if (Date.now() < from + intervalMs) {
          plan(from);
          return;
        }
        run();
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    timer.unref();
  };
  const run = () => {
    try {
      const backup = createBackup({ ...options, reason: 'scheduled' });
      options.logger.info({ backup: backup.path }, 'scheduled backup written');
    } catch (error) {
      options.logger.warn(
        { err: errorMessage(error) },
        'scheduled backup failed; trying again next interval',
      );
    }
    plan(Date.now());
  };
  const newest = listBackups(options.dataDir)[0];
  plan(newest?.manifest.createdAt ?? Date.now());
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
