/**
 * Running one scheduled task (or one asked for by hand): a clean enqueues one 'library-clean' job per group in the
 * group's lane (each reports to its own task run); a drift report compares each group now and records the report,
 * and with `settings.repair` enqueues the repair batch. A group with no answering Kodi gets a failed run with the
 * error, nothing changed.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { JobQueue } from '../queue/queue.js';
import {
  createTaskRun,
  finishTaskRun,
  listPlayerGroups,
  type Database,
  type ScheduledTask,
  type TaskRun,
} from '../store/index.js';
import { StepRecorder } from '../sync/steps.js';
import { errorMessage, ValidationError } from '../util/errors.js';
import { CLEAN_JOB_KIND, cleanSettings } from './clean.js';
import { driftReport, repairDrift, type DriftDeps } from './drift.js';

export const TASK_KINDS = ['clean', 'drift-report'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const driftTaskSettings = z.object({ repair: z.boolean().optional() }).strict();

/** The settings a task kind accepts; a ValidationError names the field. */
export function checkTaskSettings(kind: string, settings: unknown): void {
  const schema = kind === 'clean' ? cleanSettings : driftTaskSettings;
  const parsed = schema.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['settings', ...(issue?.path ?? [])].join('.');
    throw new ValidationError(field, `${field}: ${issue?.message ?? 'is invalid'}`);
  }
}

export interface TaskRunnerDeps extends DriftDeps {
  queue: Pick<JobQueue, 'enqueueBatch'>;
}

async function groupsOf(db: Kysely<Database>, task: ScheduledTask): Promise<number[]> {
  if (task.groupId !== null) return [task.groupId];
  return (await listPlayerGroups(db)).map((g) => g.id);
}

/** Starts the task's work now; resolves its runs (a clean's runs finish when their jobs do). */
export async function runTask(deps: TaskRunnerDeps, task: ScheduledTask): Promise<TaskRun[]> {
  const groups = await groupsOf(deps.db, task);
  const runs: TaskRun[] = [];
  if (groups.length === 0) {
    // Still recorded: a schedule that fires with nothing to serve is visible in the task's runs.
    const run = await createTaskRun(deps.db, task.id, Date.now(), null);
    return [
      await finishTaskRun(deps.db, run.id, { outcome: 'skipped', report: { reason: 'no player group' } }),
    ];
  }
  if (task.kind === 'clean') {
    const settings = cleanSettings.parse(task.settings);
    for (const groupId of groups) runs.push(await createTaskRun(deps.db, task.id, Date.now(), groupId));
    if (runs.length > 0) {
      await deps.queue.enqueueBatch(
        runs.map((run) => ({
          lane: run.groupId ?? 0,
          kind: CLEAN_JOB_KIND,
          itemId: null,
          payload: { settings, runId: run.id },
        })),
        { label: `clean (task "${task.name}")` },
      );
    }
    return runs;
  }
  const settings = driftTaskSettings.parse(task.settings);
  for (const groupId of groups) {
    const run = await createTaskRun(deps.db, task.id, Date.now(), groupId);
    try {
      const report = await driftReport(deps, groupId, new StepRecorder(() => undefined));
      const repair = settings.repair ? await repairDrift(deps.queue, report) : undefined;
      runs.push(
        await finishTaskRun(deps.db, run.id, { outcome: 'succeeded', report: { ...report, repair } }),
      );
    } catch (error) {
      runs.push(
        await finishTaskRun(deps.db, run.id, { outcome: 'failed', report: { error: errorMessage(error) } }),
      );
    }
  }
  return runs;
}
