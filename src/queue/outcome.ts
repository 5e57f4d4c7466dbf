/**
 * The end of a run, decided from the error's retry class (src/util/errors.ts):
 * - success → `succeeded` with the result;
 * - transient → back to `queued` with run_after = now + backoff, until the give-up horizon → `failed`;
 * - permanent (and unknown errors) → `failed` with the message — except passing database failures
 *   (store/errors.ts), which are transient;
 * - busy → `deferred` until a matching wake() or the timer (BusyError.retryAfterMs or the default);
 *   firstDeferredAt keeps the start of the busy streak for the engine's maximum-deferral rule;
 * - a job whose cancel was requested ends `cancelled`, whatever the handler returned;
 * - a job that would wait again while a follow-up for its item waits behind it hands over to it (handover.ts).
 * Every write checks that `workerId` still holds the lease: a worker that lost it (reaped after a stall)
 * cannot overwrite what the next holder does; its outcome is dropped and the call returns undefined.
 */
import { sql, type ExpressionBuilder, type Selectable, type UpdateObject } from 'kysely';
import type { Store } from '../store/open.js';
import type { Database, JobsTable } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { isTransientDatabaseError } from '../store/errors.js';
import { BusyError, errorMessage, retryClassOf, type RetryClass } from '../util/errors.js';
import { nextRetryAt, type BackoffPolicy } from './backoff.js';
import type { JobKinds } from './enqueue.js';
import { handOver, waitingFollowUp } from './handover.js';

export interface OutcomePolicy {
  /** The queue's job kinds: their merge folds a run into its follow-up. */
  kinds: JobKinds;
  backoff: BackoffPolicy;
  /** Deferral timer when a BusyError gives no retryAfterMs. */
  defaultDeferMs: number;
  random?: () => number;
}

/**
 * The retry class of a run's error: its own, except that a passing database failure (a PostgreSQL restart,
 * SQLITE_BUSY — even wrapped as the cause of a permanent error) is transient: the next try will load and
 * save again.
 */
export function jobRetryClass(error: unknown): RetryClass {
  const retry = retryClassOf(error);
  return retry === 'permanent' && isTransientDatabaseError(error) ? 'transient' : retry;
}

/** Longest stored answer of a step; job steps are a log for people, not an archive. */
export const MAX_STEP_ANSWER_CHARS = 2_000;
export const MAX_ERROR_CHARS = 4_000;

function resultText(result: unknown): string | null {
  if (result === undefined) return null;
  try {
    // JSON.stringify gives undefined (despite its typing) for functions and symbols.
    const text: unknown = JSON.stringify(result);
    return typeof text === 'string' ? text : null;
  } catch (error) {
    return JSON.stringify({ unserialisable: errorMessage(error) });
  }
}

/** The job is still running under `workerId`'s lease: the guard of every write a worker makes. */
function heldBy(jobId: number, workerId: string) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([eb('id', '=', jobId), eb('state', '=', 'running'), eb('lease_owner', '=', workerId)]);
}

/** Ends `workerId`'s run with `change`, clearing the lease; undefined when the lease was lost. */
function endRun(
  db: Store['db'],
  jobId: number,
  workerId: string,
  now: number,
  change: UpdateObject<Database, 'jobs'>,
): Promise<Selectable<JobsTable> | undefined> {
  return db
    .updateTable('jobs')
    .set({ ...change, updated_at: now, lease_owner: null, lease_expires_at: null })
    .where(heldBy(jobId, workerId))
    .returningAll()
    .executeTakeFirst();
}

export async function succeedJob(
  store: Store,
  jobId: number,
  workerId: string,
  result: unknown,
): Promise<Selectable<JobsTable> | undefined> {
  const now = Date.now();
  return endRun(store.db, jobId, workerId, now, {
    state: sql<'succeeded'>`case when cancel_requested = 1 then 'cancelled' else 'succeeded' end`,
    result: resultText(result),
    finished_at: now,
  });
}

export async function failJob(
  store: Store,
  jobId: number,
  workerId: string,
  error: unknown,
  policy: OutcomePolicy,
): Promise<Selectable<JobsTable> | undefined> {
  const message = errorMessage(error).slice(0, MAX_ERROR_CHARS);
  const retry = jobRetryClass(error);
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const job = await tx.selectFrom('jobs').selectAll().where(heldBy(jobId, workerId)).executeTakeFirst();
    if (!job) return undefined;
    const now = Date.now();
    const common = {
      last_error: message,
      error_class: retry,
      updated_at: now,
      lease_owner: null,
      lease_expires_at: null,
    };
    let change: Partial<Selectable<JobsTable>>;
    if (job.cancel_requested !== 0) {
      change = { state: 'cancelled', finished_at: now, last_error: `cancelled while running: ${message}` };
    } else if (retry === 'busy') {
      const busy = error as BusyError;
      change = {
        state: 'deferred',
        first_deferred_at: job.first_deferred_at ?? now,
        wake_on: JSON.stringify(busy.wakeOn),
        run_after: now + (busy.retryAfterMs ?? policy.defaultDeferMs),
      };
    } else if (retry === 'transient') {
      const firstFailedAt = job.first_failed_at ?? now;
      const failures = job.failures + 1;
      const at = nextRetryAt(now, firstFailedAt, failures, policy.backoff, policy.random);
      change =
        at === undefined
          ? {
              state: 'failed',
              finished_at: now,
              failures,
              last_error: `gave up after ${failures} tries over ${Math.round((now - firstFailedAt) / 60_000)} min: ${message}`,
            }
          : { state: 'queued', run_after: at, failures, first_failed_at: firstFailedAt };
    } else {
      change = { state: 'failed', finished_at: now };
    }
    if (change.state === 'queued' || change.state === 'deferred') {
      const followUp = await waitingFollowUp(tx, job);
      if (followUp) {
        const why = retry === 'busy' ? `deferred: ${message}` : `to be retried: ${message}`;
        return handOver(tx, policy.kinds, job, followUp, { why, now, errorClass: retry });
      }
    }
    return tx
      .updateTable('jobs')
      .set({ ...common, ...change })
      .where('id', '=', jobId)
      .returningAll()
      .executeTakeFirst();
  });
}

/** Extends the lease; tells the worker whether it still holds the job and whether cancel was asked. */
export async function heartbeatJob(
  store: Store,
  jobId: number,
  workerId: string,
  leaseMs: number,
): Promise<{ held: boolean; cancelRequested: boolean }> {
  const now = Date.now();
  const row = await store.db
    .updateTable('jobs')
    .set({ lease_expires_at: now + leaseMs })
    .where(heldBy(jobId, workerId))
    .returning('cancel_requested')
    .executeTakeFirst();
  return { held: row !== undefined, cancelRequested: row?.cancel_requested === 1 };
}

/** Gives a running job back (worker stopping): queued again, due now — or handed over to its follow-up. */
export async function releaseJob(
  store: Store,
  jobId: number,
  workerId: string,
  kinds: JobKinds,
): Promise<Selectable<JobsTable> | undefined> {
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const job = await tx.selectFrom('jobs').selectAll().where(heldBy(jobId, workerId)).executeTakeFirst();
    if (!job) return undefined;
    const now = Date.now();
    const followUp = job.cancel_requested === 0 ? await waitingFollowUp(tx, job) : undefined;
    if (followUp) return handOver(tx, kinds, job, followUp, { why: 'released by a stopping worker', now });
    return endRun(tx, jobId, workerId, now, {
      state: sql<'queued'>`case when cancel_requested = 1 then 'cancelled' else 'queued' end`,
      // The cast types the parameter for PostgreSQL, which would otherwise take it for text.
      finished_at: sql<
        number | null
      >`case when cancel_requested = 1 then cast(${now} as bigint) else null end`,
      run_after: now,
    });
  });
}

export interface StepInput {
  call: string;
  answer?: unknown;
  durationMs: number;
  /** When the step happened (epoch ms); now when absent. */
  at?: number;
}

/** Rows per INSERT: 5 parameters each stays far below SQLite's and PostgreSQL's parameter limits. */
const STEPS_PER_INSERT = 500;

function stepRow(jobId: number, step: StepInput, now: number) {
  const answer =
    step.answer === undefined
      ? null
      : typeof step.answer === 'string'
        ? step.answer
        : resultText(step.answer);
  return {
    job_id: jobId,
    at: step.at ?? now,
    call: step.call.slice(0, 500),
    answer:
      answer !== null && answer.length > MAX_STEP_ANSWER_CHARS
        ? `${answer.slice(0, MAX_STEP_ANSWER_CHARS)}…`
        : answer,
    duration_ms: Math.max(0, Math.round(step.durationMs)),
  };
}

/** Appends steps to a job's log in their order, as one multi-row INSERT (per 500 steps). */
export async function addJobSteps(store: Store, jobId: number, steps: readonly StepInput[]): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < steps.length; i += STEPS_PER_INSERT) {
    const rows = steps.slice(i, i + STEPS_PER_INSERT).map((step) => stepRow(jobId, step, now));
    await store.db.insertInto('job_steps').values(rows).execute();
  }
}
