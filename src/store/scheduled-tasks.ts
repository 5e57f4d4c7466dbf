/**
 * Repository: scheduled tasks (clean, drift report… per group, cron + IANA time zone) and their runs.
 * Cron syntax is checked by the scheduler (croner) before it gets here; this layer checks the shape.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { getPlayerGroup } from './groups.js';
import {
  fromBool,
  optionalInt,
  optionalText,
  parseJson,
  requireBool,
  requireJson,
  requireObject,
  requireText,
  uniqueField,
} from './rows.js';
import type { Database, ScheduledTasksTable, TaskRunsTable } from './schema.js';

export interface ScheduledTask {
  id: number;
  name: string;
  kind: string;
  groupId: number | null;
  cron: string;
  timezone: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface ScheduledTaskInput {
  name: string;
  kind: string;
  groupId?: number | null;
  cron: string;
  timezone?: string;
  enabled?: boolean;
  settings?: Record<string, unknown>;
}

export interface TaskRun {
  id: number;
  taskId: number;
  /** The player group the run served (null: a run not tied to one group). */
  groupId: number | null;
  startedAt: number;
  finishedAt: number | null;
  outcome: string | null;
  report: unknown;
}

function toTask(row: Selectable<ScheduledTasksTable>): ScheduledTask {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    groupId: row.group_id,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled !== 0,
    settings: parseJson(row.settings, {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRun(row: Selectable<TaskRunsTable>): TaskRun {
  return {
    id: row.id,
    taskId: row.task_id,
    groupId: row.group_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    report: parseJson<unknown>(row.report, null),
  };
}

function checked(input: Partial<ScheduledTaskInput>) {
  return {
    ...(input.name !== undefined && { name: requireText('name', input.name) }),
    ...(input.kind !== undefined && { kind: requireText('kind', input.kind) }),
    ...(input.groupId !== undefined && { group_id: optionalInt('groupId', input.groupId, 1) }),
    ...(input.cron !== undefined && { cron: requireText('cron', input.cron) }),
    ...(input.timezone !== undefined && { timezone: requireText('timezone', input.timezone) }),
    ...(input.enabled !== undefined && { enabled: fromBool(requireBool('enabled', input.enabled)) }),
    ...(input.settings !== undefined && {
      settings: requireJson('settings', requireObject('settings', input.settings)),
    }),
  };
}

export async function createScheduledTask(
  db: Kysely<Database>,
  input: ScheduledTaskInput,
): Promise<ScheduledTask> {
  const values = checked(input);
  if (values.group_id) await getPlayerGroup(db, values.group_id);
  const now = Date.now();
  const row = await uniqueField('name', `a scheduled task named "${input.name}" already exists`, () =>
    db
      .insertInto('scheduled_tasks')
      .values({
        group_id: null,
        ...values,
        name: requireText('name', input.name),
        kind: requireText('kind', input.kind),
        cron: requireText('cron', input.cron),
        timezone: values.timezone ?? 'UTC',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toTask(row);
}

export async function getScheduledTask(db: Kysely<Database>, id: number): Promise<ScheduledTask> {
  const row = await db.selectFrom('scheduled_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('scheduled task', id);
  return toTask(row);
}

export async function listScheduledTasks(
  db: Kysely<Database>,
  filter: { groupId?: number; enabled?: boolean } = {},
): Promise<ScheduledTask[]> {
  let query = db.selectFrom('scheduled_tasks').selectAll();
  if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
  if (filter.enabled !== undefined) query = query.where('enabled', '=', fromBool(filter.enabled));
  const rows = await query.orderBy('name').execute();
  return rows.map(toTask);
}

export async function updateScheduledTask(
  db: Kysely<Database>,
  id: number,
  patch: Partial<ScheduledTaskInput>,
): Promise<ScheduledTask> {
  const values = checked(patch);
  if (values.group_id) await getPlayerGroup(db, values.group_id);
  const row = await uniqueField('name', `a scheduled task named "${patch.name ?? ''}" already exists`, () =>
    db
      .updateTable('scheduled_tasks')
      .set({ ...values, updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError('scheduled task', id);
  return toTask(row);
}

export async function deleteScheduledTask(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('scheduled_tasks').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('scheduled task', id);
}

export async function createTaskRun(
  db: Kysely<Database>,
  taskId: number,
  startedAt = Date.now(),
  groupId: number | null = null,
): Promise<TaskRun> {
  await getScheduledTask(db, taskId);
  const row = await db
    .insertInto('task_runs')
    .values({
      task_id: taskId,
      group_id: groupId,
      started_at: startedAt,
      finished_at: null,
      outcome: null,
      report: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRun(row);
}

/** Records the end of a run: outcome (e.g. `succeeded`, `refused`, `failed`) and its report. */
export async function finishTaskRun(
  db: Kysely<Database>,
  id: number,
  end: { outcome: string; report?: unknown; finishedAt?: number },
): Promise<TaskRun> {
  const row = await db
    .updateTable('task_runs')
    .set({
      finished_at: end.finishedAt ?? Date.now(),
      outcome: optionalText('outcome', end.outcome),
      report: end.report === undefined ? null : requireJson('report', end.report),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('task run', id);
  return toRun(row);
}

/** Newest first. */
export async function listTaskRuns(db: Kysely<Database>, taskId: number, limit = 50): Promise<TaskRun[]> {
  const rows = await db
    .selectFrom('task_runs')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toRun);
}
