/**
 * Repository: the scheduler's claim per task occurrence. Exactly one process wins the insert of (task, occurrence
 * time); every other process sees the unique violation and leaves the occurrence alone.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { isUniqueViolation } from './transaction.js';

/** True when this caller claimed the occurrence; false when another process already had. */
export async function claimTaskOccurrence(
  db: Kysely<Database>,
  taskId: number,
  occurrenceAt: number,
  claimedBy: string,
): Promise<boolean> {
  try {
    await db
      .insertInto('task_occurrences')
      .values({ task_id: taskId, occurrence_at: occurrenceAt, claimed_by: claimedBy, claimed_at: Date.now() })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** The newest claimed occurrence of the task (epoch ms), if any. */
export async function lastTaskOccurrence(db: Kysely<Database>, taskId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('task_occurrences')
    .select((eb) => eb.fn.max('occurrence_at').as('last'))
    .where('task_id', '=', taskId)
    .executeTakeFirst();
  return row?.last ?? undefined;
}

/** Who claimed each occurrence of a task from `since` on, oldest first (tests and diagnostics). */
export async function listTaskOccurrences(
  db: Kysely<Database>,
  taskId: number,
  since = 0,
): Promise<{ occurrenceAt: number; claimedBy: string }[]> {
  const rows = await db
    .selectFrom('task_occurrences')
    .select(['occurrence_at', 'claimed_by'])
    .where('task_id', '=', taskId)
    .where('occurrence_at', '>=', since)
    .orderBy('occurrence_at')
    .execute();
  return rows.map((r) => ({ occurrenceAt: r.occurrence_at, claimedBy: r.claimed_by }));
}
