/**
 * `Worker`: runs jobs of several lanes at once in this process — at most one per lane (the database
 * guarantees it) and at most `concurrency` handlers in total. It claims when a change event says there may
 * be work, when a slot frees (on PostgreSQL as soon as the handler returns, while the outcome is written) and
 * on a poll timer (which also reaps expired leases). One claim at a time fills every free slot: a claim visits
 * every lane, so it costs about the same for one job as for eight, and slots freed while it runs are filled by
 * the next one. It heartbeats while a job runs, aborts the handler's signal on cancel or a lost lease, and
 * records the outcome. `stop()` lets running handlers finish for `stopTimeoutMs`, then aborts them and hands
 * their jobs back to the queue.
 * A passing database failure (PostgreSQL restarting, SQLITE_BUSY) never stops it: claims and reaps try
 * again on the next tick, an outcome is written again with backoff, and a lease whose heartbeats could not
 * reach the database for a whole lease period is taken as lost (another worker may have reaped it).
 */
import type { Logger } from 'pino';
import { isTransientDatabaseError } from '../store/errors.js';
import { errorMessage, PermanentError, TransientError } from '../util/errors.js';
import type { JobQueue } from './queue.js';
import type { StepInput } from './outcome.js';
import type { Job, QueueChange } from './types.js';
import { newWorkerId } from './worker-id.js';

/** The abort reason when the job's lease was lost: another worker may already run it. */
export class LeaseLostError extends TransientError {}

/** The abort reason when someone cancelled the job. */
export class JobCancelledError extends PermanentError {}

/** The abort reason when the worker stopped past its bound: the job goes back to the queue. */
export class WorkerStoppingError extends TransientError {}

export interface JobContext {
  /**
   * Aborted when the job's lease is lost (reason: LeaseLostError — reaped after a stall, or heartbeats could
   * not reach the database for a whole lease), when it is cancelled (JobCancelledError), or when the worker
   * stops past its bound (WorkerStoppingError). A handler checks it (`signal.throwIfAborted()`) before every
   * step that changes the outside world: after a lost lease another worker may be running the same job, and
   * this run's outcome is dropped anyway.
   */
  signal: AbortSignal;
  workerId: string;
  /** Appends to the job's step log (call, answer — shortened when long —, duration). */
  step(call: string, answer: unknown, durationMs: number): Promise<void>;
  /** Appends several steps in one write (each with its own `at`), for handlers that buffer their steps. */
  addSteps(steps: readonly StepInput[]): Promise<void>;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<unknown>;

export interface WorkerOptions {
  workerId?: string;
  /** Jobs (so lanes) run at the same time; default 4. */
  concurrency?: number;
  /** Only these lanes; all when absent. */
  lanes?: readonly number[];
  leaseMs?: number;
  heartbeatMs?: number;
  pollMs?: number;
  stopTimeoutMs?: number;
  logger?: Logger;
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
  /** Set by stop(): the job goes back to the queue, whatever the aborted handler reports. */
  released: boolean;
  /** When a heartbeat last confirmed the lease (the claim counts as one). */
  heldAt: number;
  /** Its slot is free (the handler returned; on SQLite the outcome is written too). */
  handled: boolean;
}

/** Outcome writes tried this often, with backoff from 250 ms to 5 s (about 18 s in all), on a database hiccup. */
const OUTCOME_TRIES = 8;

export class Worker {
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;
  private readonly stopTimeoutMs: number;
  private readonly running = new Map<number, Running>();
  private started = false;
  private stopping = false;
  /** Jobs holding a slot (on PostgreSQL a job whose outcome is being written no longer holds one). */
  private busySlots = 0;
  /** Counts fill requests, so a request that arrives during a fill makes it look once more. */
  private fillRequests = 0;
  private filling = false;
  /** The last fill: stop() waits for it, so a claimed job is not left behind. */
  private filled: Promise<void> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly queue: JobQueue,
    private readonly handler: JobHandler,
    private readonly options: WorkerOptions = {},
  ) {
    this.workerId = options.workerId ?? newWorkerId();
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.leaseMs = options.leaseMs ?? 60_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(this.leaseMs / 3));
    this.pollMs = options.pollMs ?? 2_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  }

  get activeJobs(): number {
    return this.running.size;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.queue.onChange((change) => {
      this.onChange(change);
    });
    // Not unref'd: a started worker runs until stop(). Its poll timer can be the only thing keeping the
    // process alive — a worker process that finds every lane held by a dead worker's unexpired lease has
    // no socket (SQLite) and no running job; with an unref'd timer it exited at once, silently, and the
    // jobs stayed `running` with nobody left to reap them.
    this.pollTimer = setInterval(() => {
      void this.tick();
    }, this.pollMs);
    void this.tick();
  }

  /** Stops claiming; waits up to stopTimeoutMs for running handlers, then aborts and releases the rest. */
  async stop(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    clearInterval(this.pollTimer);
    this.unsubscribe?.();
    await this.filled;
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          resolve(true);
        }, this.stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    const left = [...this.running.values()];
    for (const run of left) {
      run.released = true;
      run.controller.abort(new WorkerStoppingError('worker stopping'));
    }
    for (const run of left) {
      await this.queue.release(run.job.id, this.workerId).catch((error: unknown) => {
        this.options.logger?.error(
          { jobId: run.job.id, err: errorMessage(error) },
          'could not release job; its lease will expire',
        );
      });
    }
  }

  private onChange(change: QueueChange): void {
    if (change.reason === 'cancel-requested') {
      if (change.jobId !== undefined)
        this.running.get(change.jobId)?.controller.abort(new JobCancelledError('cancelled'));
      else void this.checkRunning();
      return;
    }
    if (change.reason === 'claimed' || change.reason === 'retrying' || change.reason === 'deferred') return;
    this.fill();
  }

  private async tick(): Promise<void> {
    try {
      await this.queue.reap();
    } catch (error) {
      this.options.logger?.warn({ err: errorMessage(error) }, 'reaping expired leases failed');
    }
    this.fill();
  }

  private get freeSlots(): number {
    return this.concurrency - this.busySlots;
  }

  /** Claims until every slot is busy or nothing is eligible. One fill at a time; calls during it rerun it. */
  private fill(): void {
    this.fillRequests++;
    if (this.filling || this.stopping || this.freeSlots <= 0) return;
    this.filling = true;
    this.filled = this.fillLoop();
  }

  private async fillLoop(): Promise<void> {
    try {
      let seen: number;
      do {
        seen = this.fillRequests;
        while (!this.stopping && this.freeSlots > 0) {
          const limit = this.freeSlots;
          const jobs = await this.queue.claimMany(this.workerId, {
            lanes: this.options.lanes,
            leaseMs: this.leaseMs,
            limit,
          });
          for (const job of jobs) this.run(job);
          // Fewer than asked: no other free lane has a due job (or other workers are taking them).
          if (jobs.length < limit) break;
        }
      } while (this.fillRequests !== seen && !this.stopping);
    } catch (error) {
      this.options.logger?.error(
        { err: errorMessage(error) },
        'claiming a job failed; trying again on the next tick',
      );
    } finally {
      this.filling = false;
    }
  }

  private run(job: Job): void {
    const controller = new AbortController();
    const heartbeat = setInterval(() => {
      const run = this.running.get(job.id);
      if (run) void this.beat(run);
    }, this.heartbeatMs);
    const ctx: JobContext = {
      signal: controller.signal,
      workerId: this.workerId,
      step: (call, answer, durationMs) => this.queue.addStep(job.id, { call, answer, durationMs }),
      addSteps: (steps) => this.queue.addSteps(job.id, steps),
    };
    // Registered before the handler starts: a handler that throws at once frees its slot through it.
    const run: Running = {
      job,
      controller,
      done: Promise.resolve(),
      released: false,
      heldAt: Date.now(),
      handled: false,
    };
    this.running.set(job.id, run);
    this.busySlots++;
    run.done = this.execute(run, ctx).finally(() => {
      clearInterval(heartbeat);
      this.running.delete(job.id);
      // The lane is free now (a retry or deferral publishes no change a worker acts on).
      this.fill();
    });
  }

  private async execute(run: Running, ctx: JobContext): Promise<void> {
    const { job } = run;
    const log = this.options.logger;
    let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await this.handler(job, ctx) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (run.released) {
      this.freeSlot(run);
      return;
    }
    const recorded = this.record(job, outcome);
    // On PostgreSQL the slot takes another job while the outcome is written (the claim runs on another
    // connection). SQLite writes one statement at a time: there a claim would only queue behind the write, and
    // after it also sees this lane free.
    if (this.queue.store.dialect === 'postgres') this.freeSlot(run);
    try {
      const ended = await recorded;
      if (!ended) log?.warn({ jobId: job.id, lane: job.lane }, 'job outcome dropped: the lease was lost');
      else log?.debug({ jobId: job.id, lane: job.lane, state: ended.state }, 'job ended');
    } catch (error) {
      log?.error(
        { jobId: job.id, err: errorMessage(error) },
        'recording the job outcome failed; the lease will expire and it runs again',
      );
    }
    this.freeSlot(run);
  }

  /** The handler returned (and on SQLite its outcome is written): its slot takes the next job. */
  private freeSlot(run: Running): void {
    if (run.handled) return;
    run.handled = true;
    this.busySlots--;
    this.fill();
  }

  /** Writes the outcome; a passing database failure is tried again with backoff while the lease may hold. */
  private async record(
    job: Job,
    outcome: { ok: true; result: unknown } | { ok: false; error: unknown },
  ): Promise<Job | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return outcome.ok
          ? await this.queue.succeed(job.id, this.workerId, outcome.result)
          : await this.queue.fail(job.id, this.workerId, outcome.error);
      } catch (error) {
        if (!isTransientDatabaseError(error) || attempt >= OUTCOME_TRIES) throw error;
        this.options.logger?.warn(
          { jobId: job.id, attempt, err: errorMessage(error) },
          'recording the job outcome failed; trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** (attempt - 1))));
      }
    }
  }

  private async beat(run: Running): Promise<void> {
    const { job, controller } = run;
    try {
      const { held, cancelRequested } = await this.queue.heartbeat(job.id, this.workerId, this.leaseMs);
      if (!held) controller.abort(new LeaseLostError(`job ${job.id}: lease lost (another worker reaped it)`));
      else if (cancelRequested) controller.abort(new JobCancelledError('cancelled'));
      else run.heldAt = Date.now();
    } catch (error) {
      this.options.logger?.warn({ jobId: job.id, err: errorMessage(error) }, 'heartbeat failed');
      // The lease is only as good as its last confirmation: past its length another worker may reap it.
      if (Date.now() - run.heldAt >= this.leaseMs) {
        controller.abort(
          new LeaseLostError(
            `job ${job.id}: lease not confirmed for ${this.leaseMs} ms (database unreachable)`,
          ),
        );
      }
    }
  }

  /** A batch cancel names no job: look at each running one. */
  private async checkRunning(): Promise<void> {
    for (const run of this.running.values()) await this.beat(run);
  }
}
