/**
 * The durable job queue (DESIGN.md §5). Everything lives in the `jobs` table; no rule depends on the
 * memory of one process, so it holds with several workers on PostgreSQL and across crashes.
 *
 * The columns that matter
 * - `lane`: the player group id. `state`: queued → running → succeeded | failed | cancelled, with
 *   running → queued (transient retry, lost lease) and running → deferred → queued (busy, woken).
 * - `priority` (higher first), then `run_after` (a job is due when run_after <= now), then `id`.
 * - `lease_owner`, `lease_expires_at`: who runs it and until when, extended by heartbeats.
 * - `item_id`: the item the job reconciles; `batch_id`: the batch it was submitted in.
 * - `attempts` (runs started), `failures` + `first_failed_at` (the transient streak), `first_deferred_at`
 *   + `wake_on` (the busy streak), `cancel_requested`, `last_error` + `error_class`, `result`.
 *
 * The rules
 * 1. One running job per lane, enforced by the unique index jobs(lane) WHERE state='running'.
 * 2. A claim takes the best due jobs among lanes with nothing running — one per lane, as many as the worker
 *    has free slots — in one statement (claim.ts), and sets their leases. A worker heartbeats; a job whose lease expired is returned to `queued` by the
 *    reaper (any worker's poll tick), so a killed worker loses nothing. The price is at-least-once
 *    execution: a handler cut off by a crash runs again — handlers must be idempotent (DESIGN.md §2.2:
 *    jobs reconcile desired state, so they are). Completion is exactly once: every outcome write
 *    checks the lease owner, so a stale worker cannot overwrite the next holder's result.
 * 3. The outcome follows the error's retry class (outcome.ts): transient → backoff with jitter up to the
 *    give-up horizon (backoff.ts), permanent → failed, busy → deferred until wake(lane, reason) or the
 *    timer; a requested cancel ends the job cancelled.
 * 4. One waiting job per (item, lane) (partial unique index); a new one coalesces into it; a running job
 *    is never changed, the new one queues behind it (enqueue.ts). A kind may define how a new payload merges
 *    into the waiting one (`merge`), applied inside the enqueue transaction.
 * 5. Bad input (unknown lane/item/batch, unknown kind, payload not matching the kind's schema) is
 *    refused with a ValidationError/NotFoundError naming the field, and nothing is written.
 * 6. Every change is published: in-process at once, across processes by NOTIFY on PostgreSQL
 *    (events.ts). Finished jobs are pruned by the retention policy (admin.ts).
 */
export { JobQueue, type JobQueueOptions } from './queue.js';
export {
  Worker,
  JobCancelledError,
  LeaseLostError,
  WorkerStoppingError,
  type JobContext,
  type JobHandler,
  type WorkerOptions,
} from './worker.js';
export { DEFAULT_BACKOFF, backoffDelay, nextRetryAt, type BackoffPolicy } from './backoff.js';
export { DEFAULT_RETENTION, type RetentionPolicy } from './admin.js';
export { NOTIFY_CHANNEL } from './events.js';
export { countJobsByState, listRecentBatchIds, runningJobInLane } from './reads.js';
export type { JobKind, PayloadSchema } from './enqueue.js';
export type { StepInput } from './outcome.js';
export type * from './types.js';
