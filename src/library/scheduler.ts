/**
 * The scheduler (DESIGN §7): every enabled task runs at each occurrence of its cron in its IANA time zone
 * (croner). Each process checks the enabled tasks every `tickMs`; the occurrence is claimed in the database
 * (task_occurrences, one row per task and occurrence time) and only the process whose insert wins runs it — with
 * PostgreSQL and several service processes, exactly one runs each occurrence.
 * A run missed while no process was up (the service stopped across 04:00) runs ONCE when the service starts: the
 * newest occurrence since the last claimed one (or since the task was last changed) is claimed and run; older
 * missed occurrences are skipped, never replayed one by one. Occurrences that pass while a tick is late are
 * handled the same way (the newest runs).
 */
import { Cron } from 'croner';
import type { Logger } from 'pino';
import {
  claimTaskOccurrence,
  lastTaskOccurrence,
  listScheduledTasks,
  type ScheduledTask,
} from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import { runTask, type TaskRunnerDeps } from './tasks.js';

export interface SchedulerOptions {
  /** How often each process looks (default 1 s: per-second schedules are allowed). */
  tickMs?: number;
  /** Names this process in the claims (diagnostics). */
  processId: string;
  logger?: Logger;
  now?: () => number;
  /** Runs a claimed task (default: runTask). */
  run?: (task: ScheduledTask) => Promise<unknown>;
}

/** The newest occurrence of the task's cron in (after, until], if any. */
export function newestOccurrence(
  task: Pick<ScheduledTask, 'cron' | 'timezone'>,
  after: number,
  until: number,
): number | undefined {
  const cron = new Cron(task.cron, { paused: true, timezone: task.timezone });
  const latest = cron.previousRuns(1, new Date(until + 1))[0]?.getTime();
  return latest !== undefined && latest > after ? latest : undefined;
}

export class TaskScheduler {
  /** Per task: occurrences up to this time were considered (and the task's version it was computed for). */
  private readonly cursors = new Map<number, { at: number; updatedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => number;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: TaskRunnerDeps,
    private readonly options: SchedulerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        if (!this.stopped) this.timer = setTimeout(loop, this.options.tickMs ?? 1_000);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.running]);
  }

  /** One look at every enabled task: claim and run the newest occurrence that passed since the last look. */
  async tick(): Promise<void> {
    let tasks: ScheduledTask[];
    try {
      tasks = await listScheduledTasks(this.deps.db, { enabled: true });
    } catch (error) {
      this.options.logger?.warn({ err: errorMessage(error) }, 'scheduler: reading the tasks failed');
      return;
    }
    const now = this.now();
    for (const task of tasks) {
      try {
        await this.consider(task, now);
      } catch (error) {
        this.options.logger?.warn(
          { task: task.id, err: errorMessage(error) },
          'scheduler: task check failed',
        );
      }
    }
  }

  private async consider(task: ScheduledTask, now: number): Promise<void> {
    const cursor = this.cursors.get(task.id);
    let after: number;
    if (cursor && cursor.updatedAt === task.updatedAt) {
      after = cursor.at;
    } else {
      // First look at this task (service start, new or changed task): catch up once since the last claim.
      const last = await lastTaskOccurrence(this.deps.db, task.id);
      after = Math.max(last ?? 0, task.updatedAt);
    }
    this.cursors.set(task.id, { at: now, updatedAt: task.updatedAt });
    const occurrence = newestOccurrence(task, after, now);
    if (occurrence === undefined) return;
    if (!(await claimTaskOccurrence(this.deps.db, task.id, occurrence, this.options.processId))) return;
    this.options.logger?.info(
      { task: task.id, name: task.name, occurrence: new Date(occurrence).toISOString() },
      'scheduled task runs',
    );
    const run = (this.options.run ?? ((t: ScheduledTask) => runTask(this.deps, t)))(task)
      .catch((error: unknown) => {
        this.options.logger?.warn({ task: task.id, err: errorMessage(error) }, 'scheduled task failed');
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
