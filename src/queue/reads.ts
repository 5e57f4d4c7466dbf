/**
 * Read-only questions the API, the UI and the metrics ask the queue: how many jobs are in each state, the
 * newest batches, and whether a lane is running something.
 */
import type { Store } from '../store/open.js';
import type { JobState } from '../store/schema.js';

export async function countJobsByState(store: Store): Promise<Partial<Record<JobState, number>>> {
  const rows = await store.db
    .selectFrom('jobs')
    .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

/** Ids of the newest batches, newest first. */
export async function listRecentBatchIds(store: Store, limit = 20): Promise<number[]> {
  const rows = await store.db.selectFrom('batches').select('id').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => row.id);
}

/** The id of the job running in a lane, if one is. */
export async function runningJobInLane(store: Store, lane: number): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('jobs')
    .select('id')
    .where('lane', '=', lane)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return row?.id;
}
