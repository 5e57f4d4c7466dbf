/**
 * Operations people trigger: wake, cancel, retry (single jobs and batches), progress, listing and
 * history retention.
 *
 * Retention: `prune` deletes succeeded and cancelled jobs (with their steps) finished more than
 * `finishedDays` ago, failed jobs only after `failedDays` — never sooner than the others, because a
 * failure is what someone comes back to look at. Batches left without jobs go with them.
 */
import { sql, type Selectable } from 'kysely';
import type { Store } from '../store/open.js';
import type { JobState, JobsTable } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { NotFoundError, ValidationError, type WakeReason } from '../util/errors.js';
import type { BatchProgress, JobFilter, StateCounts } from './types.js';

const WAITING: JobState[] = ['queued', 'deferred'];
const DAY_MS = 24 * 3600_000;

/**
 * Deferred jobs of a lane back to queued; only those waiting for `reason` when given. A Kodi that answers again
 * ('kodi-online') also makes due the lane's jobs that were backing off after a transient failure (Kodi unreachable):
 * they would otherwise sleep out their backoff, up to minutes after the Kodi came back.
 * The engine wakes its lane on every OnScanFinished (once per job) and the lane almost never has a deferred
 * job: a read first skips the write then (measured on SQLite: ~30 µs read vs ~52 µs no-op UPDATE, and no
 * write lock). A job deferred between the two is no worse off than one deferred just after the UPDATE.
 */
export async function wakeLane(store: Store, lane: number, reason?: WakeReason): Promise<number> {
  const like = reason === undefined ? undefined : `%"${reason}"%`;
  const now = Date.now();
  const backingOff = reason === 'kodi-online';
  let found = store.db
    .selectFrom('jobs')
    .select('id')
    .where('lane', '=', lane)
    .where('state', '=', 'deferred');
  if (like !== undefined) found = found.where('wake_on', 'like', like);
  const deferred = await found.limit(1).executeTakeFirst();
  let woken = 0;
  if (deferred) {
    let query = store.db
      .updateTable('jobs')
      .set({ state: 'queued', run_after: now, updated_at: now })
      .where('lane', '=', lane)
      .where('state', '=', 'deferred');
    if (like !== undefined) query = query.where('wake_on', 'like', like);
    woken += Number((await query.executeTakeFirst()).numUpdatedRows);
  }
  if (backingOff) {
    const result = await store.db
      .updateTable('jobs')
      .set({ run_after: now, updated_at: now })
      .where('lane', '=', lane)
      .where('state', '=', 'queued')
      .where('error_class', '=', 'transient')
      .where('run_after', '>', now)
      .executeTakeFirst();
    woken += Number(result.numUpdatedRows);
  }
  return woken;
}

/**
 * Waiting jobs end `cancelled` at once; a running one is marked: its worker aborts the handler's signal
 * and the job ends `cancelled`.
 */
export async function cancelJob(store: Store, jobId: number): Promise<Selectable<JobsTable>> {
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const job = await tx.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (!job) throw new NotFoundError('job', jobId);
    const now = Date.now();
    if (WAITING.includes(job.state)) {
      return tx
        .updateTable('jobs')
        .set({ state: 'cancelled', finished_at: now, updated_at: now, last_error: 'cancelled before it ran' })
        .where('id', '=', jobId)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    if (job.state === 'running') {
      return tx
        .updateTable('jobs')
        .set({ cancel_requested: 1, updated_at: now })
        .where('id', '=', jobId)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    throw new ValidationError(
      'jobId',
      `job ${jobId} already ended (${job.state}); there is nothing to cancel`,
    );
  });
}

export async function cancelBatch(
  store: Store,
  batchId: number,
): Promise<{ cancelled: number; requested: number }> {
  await requireBatch(store, batchId);
  const now = Date.now();
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const waiting = await tx
      .updateTable('jobs')
      .set({ state: 'cancelled', finished_at: now, updated_at: now, last_error: 'cancelled before it ran' })
      .where('batch_id', '=', batchId)
      .where('state', 'in', WAITING)
      .executeTakeFirst();
    const running = await tx
      .updateTable('jobs')
      .set({ cancel_requested: 1, updated_at: now })
      .where('batch_id', '=', batchId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return { cancelled: Number(waiting.numUpdatedRows), requested: Number(running.numUpdatedRows) };
  });
}

/** A failed or cancelled job runs again (queued, due now, fresh failure and deferral streaks). */
export async function retryJob(store: Store, jobId: number): Promise<Selectable<JobsTable>> {
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const job = await tx.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (!job) throw new NotFoundError('job', jobId);
    if (job.state !== 'failed' && job.state !== 'cancelled') {
      throw new ValidationError(
        'jobId',
        `job ${jobId} is ${job.state}; only failed or cancelled jobs can be retried`,
      );
    }
    if (job.item_id !== null) {
      const newer = await tx
        .selectFrom('jobs')
        .select('id')
        .where('item_id', '=', job.item_id)
        .where('lane', '=', job.lane)
        .where('state', 'in', WAITING)
        .executeTakeFirst();
      if (newer) {
        throw new ValidationError(
          'jobId',
          `job ${jobId} was not retried: job ${newer.id} for the same item is already waiting in this lane`,
        );
      }
    }
    const now = Date.now();
    return tx
      .updateTable('jobs')
      .set({
        state: 'queued',
        run_after: now,
        updated_at: now,
        finished_at: null,
        result: null,
        failures: 0,
        first_failed_at: null,
        first_deferred_at: null,
        cancel_requested: 0,
      })
      .where('id', '=', jobId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Retries every failed/cancelled job of a batch; those superseded by a waiting job are skipped. */
export async function retryBatch(
  store: Store,
  batchId: number,
): Promise<{ retried: number; skipped: number }> {
  await requireBatch(store, batchId);
  const jobs = await store.db
    .selectFrom('jobs')
    .select('id')
    .where('batch_id', '=', batchId)
    .where('state', 'in', ['failed', 'cancelled'])
    .orderBy('id')
    .execute();
  let retried = 0;
  for (const { id } of jobs) {
    try {
      await retryJob(store, id);
      retried++;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  return { retried, skipped: jobs.length - retried };
}

async function requireBatch(store: Store, batchId: number) {
  const batch = await store.db.selectFrom('batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!batch) throw new NotFoundError('batch', batchId);
  return batch;
}

function emptyCounts(): StateCounts {
  return { total: 0, queued: 0, running: 0, deferred: 0, succeeded: 0, failed: 0, cancelled: 0 };
}

export async function batchProgress(store: Store, batchId: number): Promise<BatchProgress> {
  const batch = await requireBatch(store, batchId);
  const rows = await store.db
    .selectFrom('jobs')
    .select(['lane', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('batch_id', '=', batchId)
    .groupBy(['lane', 'state'])
    .orderBy('lane')
    .execute();
  const overall = emptyCounts();
  const lanes = new Map<number, StateCounts & { lane: number }>();
  for (const row of rows) {
    const n = row.n;
    const lane = lanes.get(row.lane) ?? { lane: row.lane, ...emptyCounts() };
    lanes.set(row.lane, lane);
    lane[row.state] += n;
    lane.total += n;
    overall[row.state] += n;
    overall.total += n;
  }
  return { batchId, label: batch.label, createdAt: batch.created_at, ...overall, lanes: [...lanes.values()] };
}

export async function listJobRows(store: Store, filter: JobFilter = {}): Promise<Selectable<JobsTable>[]> {
  let query = store.db.selectFrom('jobs').selectAll();
  if (filter.lane !== undefined) query = query.where('lane', '=', filter.lane);
  if (filter.states !== undefined && filter.states.length > 0)
    query = query.where('state', 'in', filter.states);
  if (filter.batchId !== undefined) query = query.where('batch_id', '=', filter.batchId);
  if (filter.itemId !== undefined) query = query.where('item_id', '=', filter.itemId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query
    .orderBy('id', 'desc')
    .limit(Math.min(filter.limit ?? 100, 10_000))
    .execute();
}

export interface RetentionPolicy {
  /** Succeeded and cancelled jobs are kept this many days (default 14). */
  finishedDays: number;
  /** Failed jobs are kept this many days, at least as long as finishedDays (default 30). */
  failedDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { finishedDays: 14, failedDays: 30 };

export async function pruneJobs(store: Store, policy: RetentionPolicy, now = Date.now()): Promise<number> {
  const finishedBefore = now - policy.finishedDays * DAY_MS;
  const failedBefore = now - Math.max(policy.failedDays, policy.finishedDays) * DAY_MS;
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const finished = await tx
      .deleteFrom('jobs')
      .where('state', 'in', ['succeeded', 'cancelled'])
      .where('finished_at', '<', finishedBefore)
      .executeTakeFirst();
    const failed = await tx
      .deleteFrom('jobs')
      .where('state', '=', 'failed')
      .where('finished_at', '<', failedBefore)
      .executeTakeFirst();
    await tx
      .deleteFrom('batches')
      .where('created_at', '<', finishedBefore)

      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('jobs')
              .select(sql`1`.as('one'))
              .whereRef('jobs.batch_id', '=', 'batches.id'),
          ),
        ),
      )
      .execute();
    return Number(finished.numDeletedRows) + Number(failed.numDeletedRows);
  });
}
