/**
 * `JobQueue`: the one object the engine, the API and the workers use. It validates, writes through the
 * modules of this folder and publishes a change event after every change (see ./index.ts for the contract).
 */
import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Store } from '../store/open.js';
import type { JobsTable } from '../store/schema.js';
import { requireText } from '../store/rows.js';
import { isForeignKeyViolation, type Tx } from '../store/transaction.js';
import { NotFoundError, ValidationError, type WakeReason } from '../util/errors.js';
import {
  batchProgress,
  cancelBatch,
  cancelJob,
  DEFAULT_RETENTION,
  listJobRows,
  pruneJobs,
  retryBatch,
  retryJob,
  wakeLane,
  type RetentionPolicy,
} from './admin.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { claimJobs, reapExpired, runningOwners } from './claim.js';
import {
  checkInput,
  checkReferences,
  insertOrCoalesce,
  toJobKind,
  withCoalescingRetry,
  type CheckedInput,
  type JobKind,
  type PayloadSchema,
} from './enqueue.js';
import { QueueEvents } from './events.js';
import { ownerProcessGone } from './worker-id.js';
import { addJobSteps, failJob, heartbeatJob, releaseJob, succeedJob, type StepInput } from './outcome.js';
import {
  toJob,
  type BatchProgress,
  type ChangeListener,
  type EnqueuedJob,
  type EnqueueInput,
  type Job,
  type JobFilter,
  type JobWithSteps,
  type QueueChange,
} from './types.js';

export interface JobQueueOptions {
  /** Job kinds this queue accepts: the schema of each one's payload, or the schema and its merge. */
  kinds?: Record<string, PayloadSchema | JobKind>;
  backoff?: Partial<BackoffPolicy>;
  /** Deferral timer when a BusyError names no retryAfterMs (default 10 min). */
  defaultDeferMs?: number;
  retention?: Partial<RetentionPolicy>;
  /** A job whose worker stops without finishing it this many times (crash, kill, hang) fails (default 3). */
  maxCrashes?: number;
  logger?: Logger;
  /** For tests of the backoff schedule. */
  random?: () => number;
}

const DEFAULT_MAX_CRASHES = 3;

export class JobQueue {
  readonly backoff: BackoffPolicy;
  readonly retention: RetentionPolicy;
  private readonly kinds = new Map<string, JobKind>();
  private readonly events: QueueEvents;
  private readonly defaultDeferMs: number;
  private readonly random: (() => number) | undefined;

  constructor(
    readonly store: Store,
    private readonly options: JobQueueOptions = {},
  ) {
    for (const [kind, definition] of Object.entries(options.kinds ?? {}))
      this.kinds.set(kind, toJobKind(definition));
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.defaultDeferMs = options.defaultDeferMs ?? 10 * 60_000;
    this.random = options.random;
    this.events = new QueueEvents(store, options.logger);
  }

  /** Starts the cross-process change feed (PostgreSQL); harmless on SQLite. */
  async start(): Promise<void> {
    await this.events.start();
  }

  /** Stops the change feed. The store stays open (its owner closes it). */
  async close(): Promise<void> {
    await this.events.close();
  }

  defineKind(kind: string, definition: PayloadSchema | JobKind): void {
    this.kinds.set(requireText('kind', kind), toJobKind(definition));
  }

  onChange(listener: ChangeListener): () => void {
    return this.events.onChange(listener);
  }

  async enqueue(input: EnqueueInput): Promise<EnqueuedJob> {
    const checked = checkInput(input, this.kinds);
    const write = (tx: Tx) => insertOrCoalesce(tx, this.store.dialect, this.kinds, checked, Date.now());
    // Without an item there is nothing to coalesce with: one INSERT, atomic on its own.
    const { row, coalesced } = await this.explainingMissingReferences([checked], () =>
      checked.itemId === null ? write(this.store.db) : withCoalescingRetry(this.store, write),
    );
    await this.publishJob('enqueued', row);
    return { ...toJob(row), coalesced };
  }

  /**
   * Runs a write whose references (lane, item, batch) the foreign keys check; when one is missing, the
   * write failed as a whole, and the lookup names the field. Cheaper than looking them up before every
   * write.
   */
  private async explainingMissingReferences<T>(
    inputs: readonly CheckedInput[],
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isForeignKeyViolation(error)) await checkReferences(this.store.db, inputs);
      throw error;
    }
  }

  /** Publishes a change of one job (the row as written). */
  private publishJob(reason: QueueChange['reason'], row: Selectable<JobsTable>): Promise<void> {
    return this.events.publish({ reason, jobId: row.id, lane: row.lane, batchId: row.batch_id });
  }

  /** Creates a batch and enqueues all jobs in one transaction: all are written, or none. */
  async enqueueBatch(
    jobs: readonly Omit<EnqueueInput, 'batchId'>[],
    options: { label?: string } = {},
  ): Promise<{ batchId: number; jobs: EnqueuedJob[] }> {
    const checked = this.checkBatch(jobs);
    const result = await this.explainingMissingReferences(checked, () =>
      withCoalescingRetry(this.store, (tx) => this.writeBatch(tx, checked, options)),
    );
    await this.announceBatch(result);
    return result;
  }

  /**
   * Creates a batch and enqueues its jobs inside the caller's write transaction (from writeTransaction on
   * this queue's store), so the caller's own writes and the jobs commit together or not at all. On
   * PostgreSQL a unique violation means a concurrent enqueue of the same new (item, lane) won: run the whole
   * transaction again (it then coalesces). Call announceBatch(result) after the commit.
   */
  async enqueueBatchIn(
    tx: Tx,
    jobs: readonly Omit<EnqueueInput, 'batchId'>[],
    options: { label?: string } = {},
  ): Promise<{ batchId: number; jobs: EnqueuedJob[] }> {
    return this.writeBatch(tx, this.checkBatch(jobs), options);
  }

  /** Tells every listener (and other processes) about a committed batch. */
  async announceBatch(batch: { batchId: number; jobs: readonly unknown[] }): Promise<void> {
    await this.events.publish({ reason: 'enqueued', batchId: batch.batchId, count: batch.jobs.length });
  }

  private checkBatch(jobs: readonly Omit<EnqueueInput, 'batchId'>[]): CheckedInput[] {
    if (jobs.length === 0) throw new ValidationError('jobs', 'a batch needs at least one job');
    return jobs.map((job, index) => {
      try {
        return checkInput(job, this.kinds);
      } catch (error) {
        if (error instanceof ValidationError) {
          throw new ValidationError(`jobs[${index}].${error.field}`, `jobs[${index}]: ${error.message}`);
        }
        throw error;
      }
    });
  }

  private async writeBatch(
    tx: Tx,
    checked: readonly CheckedInput[],
    options: { label?: string },
  ): Promise<{ batchId: number; jobs: EnqueuedJob[] }> {
    const now = Date.now();
    const batch = await tx
      .insertInto('batches')
      .values({ label: options.label ?? null, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const written: EnqueuedJob[] = [];
    for (const input of checked) {
      const { row, coalesced } = await insertOrCoalesce(
        tx,
        this.store.dialect,
        this.kinds,
        { ...input, batchId: batch.id },
        now,
      );
      written.push({ ...toJob(row), coalesced });
    }
    return { batchId: batch.id, jobs: written };
  }

  /** The best eligible job of a free lane, now running under `workerId`'s lease; undefined when none. */
  async claim(
    workerId: string,
    options: { lanes?: readonly number[] | undefined; leaseMs: number },
  ): Promise<Job | undefined> {
    return (await this.claimMany(workerId, { ...options, limit: 1 }))[0];
  }

  /**
   * Up to `limit` eligible jobs, each of another free lane, now running under `workerId`'s lease — in one
   * statement; best first, empty when none.
   */
  async claimMany(
    workerId: string,
    options: { lanes?: readonly number[] | undefined; leaseMs: number; limit: number },
  ): Promise<Job[]> {
    const rows = await claimJobs(this.store, workerId, options);
    await this.events.publishAll(
      rows.map((row) => ({ reason: 'claimed', jobId: row.id, lane: row.lane, batchId: row.batch_id })),
    );
    return rows.map(toJob);
  }

  heartbeat(
    jobId: number,
    workerId: string,
    leaseMs: number,
  ): Promise<{ held: boolean; cancelRequested: boolean }> {
    return heartbeatJob(this.store, jobId, workerId, leaseMs);
  }

  /** Ends a run successfully (or `cancelled` if cancel was requested); undefined when the lease was lost. */
  async succeed(jobId: number, workerId: string, result: unknown): Promise<Job | undefined> {
    const row = await succeedJob(this.store, jobId, workerId, result);
    if (!row) return undefined;
    await this.publishJob(row.state === 'cancelled' ? 'cancelled' : 'succeeded', row);
    return toJob(row);
  }

  /** Ends a run by its error's retry class; undefined when the lease was lost. */
  async fail(jobId: number, workerId: string, error: unknown): Promise<Job | undefined> {
    const policy = {
      kinds: this.kinds,
      backoff: this.backoff,
      defaultDeferMs: this.defaultDeferMs,
      ...(this.random && { random: this.random }),
    };
    const row = await failJob(this.store, jobId, workerId, error, policy);
    if (!row) return undefined;
    const reason =
      row.state === 'queued'
        ? 'retrying'
        : row.state === 'deferred'
          ? 'deferred'
          : row.state === 'cancelled'
            ? 'cancelled'
            : 'failed';
    await this.publishJob(reason, row);
    return toJob(row);
  }

  /** Hands a running job back without counting it as a failure (worker shutting down). */
  async release(jobId: number, workerId: string): Promise<Job | undefined> {
    const row = await releaseJob(this.store, jobId, workerId, this.kinds);
    if (!row) return undefined;
    await this.publishJob('released', row);
    return toJob(row);
  }

  /**
   * Running jobs whose lease expired — or, on SQLite, whose worker process is gone (worker-id.ts) — go back to the queue (or hand over to the follow-up of their item) — or, when
   * their worker stopped without finishing them `maxCrashes` times, fail (a poison job). Each crash is recorded as a
   * step of the job (claim.ts).
   */
  async reap(): Promise<number> {
    const goneOwners =
      this.store.dialect === 'sqlite'
        ? (await runningOwners(this.store)).filter((owner) => ownerProcessGone(owner))
        : [];
    const { requeued, failed } = await reapExpired(
      this.store,
      this.options.maxCrashes ?? DEFAULT_MAX_CRASHES,
      this.kinds,
      Date.now(),
      goneOwners,
    );
    for (const row of [...requeued, ...failed]) {
      const poisoned = row.state === 'failed';
      const handedOver = row.state === 'cancelled';
      this.options.logger?.warn(
        { jobId: row.id, lane: row.lane, crashes: row.crashes },
        poisoned
          ? 'lease expired again: poison job failed'
          : handedOver
            ? 'lease expired: job handed over to the follow-up of its item'
            : 'lease expired: job returned to the queue',
      );
      await this.publishJob(poisoned ? 'failed' : handedOver ? 'cancelled' : 'reaped', row);
    }
    return requeued.length + failed.length;
  }

  async addStep(jobId: number, step: StepInput): Promise<void> {
    await addJobSteps(this.store, jobId, [step]);
  }

  /** Appends several steps of one job in one INSERT, keeping their order and each step's own `at`. */
  async addSteps(jobId: number, steps: readonly StepInput[]): Promise<void> {
    if (steps.length > 0) await addJobSteps(this.store, jobId, steps);
  }

  /** Wakes the deferred jobs of a lane: those waiting for `reason`, or all of them. Returns how many. */
  async wake(lane: number, reason?: WakeReason): Promise<number> {
    const count = await wakeLane(this.store, lane, reason);
    if (count > 0) await this.events.publish({ reason: 'woken', lane, count });
    return count;
  }

  async cancel(jobId: number): Promise<Job> {
    const row = await cancelJob(this.store, jobId);
    await this.publishJob(row.state === 'running' ? 'cancel-requested' : 'cancelled', row);
    return toJob(row);
  }

  async cancelBatch(batchId: number): Promise<{ cancelled: number; requested: number }> {
    const counts = await cancelBatch(this.store, batchId);
    await this.events.publish({
      reason: 'cancel-requested',
      batchId,
      count: counts.cancelled + counts.requested,
    });
    return counts;
  }

  async retry(jobId: number): Promise<Job> {
    const row = await retryJob(this.store, jobId);
    await this.publishJob('retried', row);
    return toJob(row);
  }

  async retryBatch(batchId: number): Promise<{ retried: number; skipped: number }> {
    const counts = await retryBatch(this.store, batchId);
    if (counts.retried > 0) await this.events.publish({ reason: 'retried', batchId, count: counts.retried });
    return counts;
  }

  batchProgress(batchId: number): Promise<BatchProgress> {
    return batchProgress(this.store, batchId);
  }

  async listJobs(filter: JobFilter = {}): Promise<Job[]> {
    return (await listJobRows(this.store, filter)).map(toJob);
  }

  async getJob(jobId: number): Promise<JobWithSteps> {
    const row = await this.store.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (!row) throw new NotFoundError('job', jobId);
    const steps = await this.store.db
      .selectFrom('job_steps')
      .selectAll()
      .where('job_id', '=', jobId)
      .orderBy('id')
      .execute();
    return {
      ...toJob(row),
      steps: steps.map((s) => ({
        id: s.id,
        jobId: s.job_id,
        at: s.at,
        call: s.call,
        answer: s.answer,
        durationMs: s.duration_ms,
      })),
    };
  }

  /** Applies the retention policy (see ./admin.ts); returns how many jobs were deleted. */
  async prune(now = Date.now()): Promise<number> {
    const count = await pruneJobs(this.store, this.retention, now);
    if (count > 0) await this.events.publish({ reason: 'pruned', count });
    return count;
  }
}
