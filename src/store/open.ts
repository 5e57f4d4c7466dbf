/**
 * Opens the database: SQLite in the data directory by default, PostgreSQL when a `postgres://` URL is
 * given. Applies the connection settings, backs up an existing SQLite file when migrations are pending,
 * and runs the migrations. Passing failures (server restart, SQLITE_BUSY) surface as DatabaseUnavailableError.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { ValidationError } from '../util/errors.js';
import { mappingDatabaseErrors } from './error-mapping.js';
import { pendingMigrations, runMigrations } from './migrate.js';
import type { Database as Schema } from './schema.js';
import type { Dialect } from './transaction.js';

export const SQLITE_FILE_NAME = 'kodi-sync.db';

export interface StoreOptions {
  dataDir: string;
  /** `postgres://…` or `postgresql://…`; SQLite in `dataDir` when absent. */
  databaseUrl?: string | undefined;
  logger?: Logger | undefined;
}

export interface Store {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /** The PostgreSQL URL (holds the password: never log it); used for the LISTEN connection. */
  readonly databaseUrl?: string;
  /** The SQLite file. */
  readonly file?: string;
  close(): Promise<void>;
}

/** pg returns int8 (our epoch-ms columns, count(*)) as strings; epoch ms and counts fit a double exactly. */
function pgTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return types;
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

async function openSqlite(dataDir: string, logger: Logger | undefined): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE_NAME);
  const existed = existsSync(file);
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: mappingDatabaseErrors(new SqliteDialect({ database: raw })) });
  try {
    const pending = await pendingMigrations(db as Kysely<unknown>);
    if (pending.length > 0 && existed) {
      const backup = `${file}.backup-${new Date().toISOString().replace(/[:.]/g, '-')}-before-${pending[0]?.id ?? ''}`;
      await raw.backup(backup);
      logger?.info(
        { backup, pending: pending.map((m) => m.id) },
        'SQLite database backed up before migrating',
      );
    }
    const applied = await runMigrations(db as Kysely<unknown>, 'sqlite');
    if (applied.length > 0) logger?.info({ applied, file }, 'database migrated');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect: 'sqlite', file, close: () => db.destroy() };
}

async function openPostgres(databaseUrl: string, logger: Logger | undefined): Promise<Store> {
  const pool = new pg.Pool({ connectionString: databaseUrl, types: pgTypes(), max: 10 });
  // An idle client that loses its server emits 'error' on the pool; without a listener that crashes the process.
  pool.on('error', (error) => logger?.warn({ err: error.message }, 'PostgreSQL idle connection lost'));
  // A client that loses its server while checked out (a restart between two queries of a transaction) emits
  // 'error' too, where the pool no longer listens: without this the process crashes; its next query fails
  // as DatabaseUnavailableError instead, and the pool drops it on release.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger?.warn({ err: error.message }, 'PostgreSQL connection lost'));
  });
  const db = new Kysely<Schema>({ dialect: mappingDatabaseErrors(new PostgresDialect({ pool })) });
  try {
    const applied = await runMigrations(db as Kysely<unknown>, 'postgres');
    if (applied.length > 0) logger?.info({ applied }, 'database migrated');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect: 'postgres', databaseUrl, close: () => db.destroy() };
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const url = options.databaseUrl?.trim();
  if (url) {
    if (!isPostgresUrl(url)) {
      throw new ValidationError(
        'databaseUrl',
        'DATABASE_URL must start with postgres:// or postgresql:// (leave it unset to use SQLite in the data directory)',
      );
    }
    return openPostgres(url, options.logger);
  }
  return openSqlite(options.dataDir, options.logger);
}
