/**
 * Write transactions that behave the same on both databases.
 *
 * SQLite: Kysely's `transaction()` starts a deferred BEGIN, which fails with SQLITE_BUSY instead of waiting
 * when it later needs the write lock while another process writes (research/stack.md pitfall 7). Every
 * read-then-write here therefore takes the write lock up front with `BEGIN IMMEDIATE` (busy_timeout waits).
 * PostgreSQL: an ordinary transaction (READ COMMITTED).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** What a write transaction body receives: a Kysely bound to the transaction's connection. */
export type Tx = Kysely<Database>;

export async function writeTransaction<T>(
  db: Kysely<Database>,
  dialect: Dialect,
  body: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (dialect === 'postgres') return db.transaction().execute((trx: Transaction<Database>) => body(trx));
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await body(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}

/** True when `error` is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when `error` is a foreign-key violation (SQLite or PostgreSQL). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** True when PostgreSQL cut the transaction short to break a deadlock or a serialisation conflict. */
function isConflictAbort(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return code === '40P01' || code === '40001' || (cause !== undefined && isConflictAbort(cause));
}

/**
 * A write transaction run again (up to `attempts` times in all) when it lost a race it can win on a second
 * try: a unique violation — on PostgreSQL two transactions that insert the same new row (an item, a job of
 * one (item, lane)) both pass their read, and the unique index stops the second; running it again finds the
 * first one's row — or a deadlock / serialisation abort (two intakes locking the same items in another
 * order).
 */
export async function writeTransactionWithRetry<T>(
  db: Kysely<Database>,
  dialect: Dialect,
  body: (tx: Tx) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeTransaction(db, dialect, body);
    } catch (error) {
      if (!(isUniqueViolation(error) || isConflictAbort(error)) || attempt >= attempts) throw error;
    }
  }
}
