/**
 * Runs the pending numbered migrations, each in its own transaction, and records them in
 * `schema_migrations`. Several processes may start at once on PostgreSQL: an advisory lock serialises
 * them; on SQLite `BEGIN IMMEDIATE` does.
 *
 * Migrations only move forward and keep every row: a database from any earlier release opens with the newest
 * code (test/integration/store-upgrade.test.ts opens the committed fixture of each release). A database that
 * holds migrations this code does not know was written by a newer release: it is refused, never changed.
 */
import { sql, type Kysely } from 'kysely';
import { PermanentError } from '../util/errors.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import type { Dialect } from './transaction.js';

/** Any 64-bit number works as long as it is stable; this one spells "kodisync" loosely. */
const MIGRATION_LOCK = 0x6b6f6469;

async function ensureLedger(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function appliedIds(db: Kysely<unknown>): Promise<Set<string>> {
  const rows = await sql<{ id: string }>`select id from schema_migrations`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

/** Migrations not yet applied, in order. */
export async function pendingMigrations(
  db: Kysely<unknown>,
  migrations: readonly Migration[] = allMigrations,
): Promise<Migration[]> {
  await ensureLedger(db);
  const done = await appliedIds(db);
  const known = new Set(migrations.map((m) => m.id));
  const newer = [...done].filter((id) => !known.has(id)).sort();
  if (newer.length > 0) {
    throw new PermanentError(
      `The database was written by a newer Kodi Sync (migration ${newer.join(', ')} is unknown to this version). ` +
        'Install that version again, or restore a backup made before the upgrade (`kodi-sync backups`).',
    );
  }
  return [...migrations].sort((a, b) => a.id.localeCompare(b.id)).filter((m) => !done.has(m.id));
}

export async function runMigrations(
  db: Kysely<unknown>,
  dialect: Dialect,
  migrations: readonly Migration[] = allMigrations,
): Promise<string[]> {
  const pending = await pendingMigrations(db, migrations);
  const applied: string[] = [];
  for (const migration of pending) {
    const ran = await db.connection().execute(async (conn) => {
      await sql.raw(dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
      try {
        if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(conn);
        // Another process may have applied it while this one waited for the lock.
        if ((await appliedIds(conn)).has(migration.id)) {
          await sql`commit`.execute(conn);
          return false;
        }
        await migration.up(conn, dialect);
        await sql`insert into schema_migrations (id, applied_at) values (${migration.id}, ${Date.now()})`.execute(
          conn,
        );
        await sql`commit`.execute(conn);
        return true;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    });
    if (ran) applied.push(migration.id);
  }
  return applied;
}
