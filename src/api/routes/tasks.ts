/**
 * Scheduled tasks (library clean, drift report — per group or all groups, cron + IANA time zone): CRUD, their runs,
 * and running one now. The cron is checked with croner, the time zone with Intl and the settings per kind, so a
 * saved schedule is one that will run. The service's scheduler runs enabled tasks (src/library/scheduler.ts).
 */
import { Cron } from 'croner';
import { z } from 'zod';
import {
  createScheduledTask,
  deleteScheduledTask,
  getPlayerGroup,
  getScheduledTask,
  listScheduledTasks,
  listTaskRuns,
  updateScheduledTask,
} from '../../store/index.js';
import { checkTaskSettings, TASK_KINDS } from '../../library/tasks.js';
import { errorMessage } from '../../util/errors.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { defined, Deleted, errors, Id, IdParams, Name, requireRef } from './common.js';
import { CLEAN_WARNING, registerLibraryOperationRoutes } from './library-ops.js';

export { TASK_KINDS };

function cronError(cron: string): string | undefined {
  try {
    new Cron(cron, { paused: true }).stop();
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

function timezoneError(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return undefined;
  } catch {
    return `"${timezone}" is not an IANA time zone; use e.g. "Europe/Berlin", "America/New_York" or "UTC"`;
  }
}

const Cronline = z
  .string({ error: 'must be a text' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(120)
  .superRefine((value, ctx) => {
    const problem = cronError(value);
    if (problem !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `is not a valid cron expression (${problem}); e.g. "0 4 * * *" for 04:00 daily`,
      });
  });
const TimeZone = z
  .string({ error: 'must be a text' })
  .min(1)
  .max(64)
  .superRefine((value, ctx) => {
    const problem = timezoneError(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

const TaskCreate = z.strictObject({
  name: Name,
  kind: z.enum(TASK_KINDS, { error: `must be one of ${TASK_KINDS.join(', ')}` }),
  groupId: Id.nullable().optional(),
  cron: Cronline,
  timezone: TimeZone.optional().describe('IANA time zone, default UTC'),
  enabled: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe('Default false: a task runs only once enabled. ' + CLEAN_WARNING),
  settings: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      "clean: {maxItems (20), maxPercent (5), anchorFile, method 'remove' | 'kodi-clean'}; drift-report: {repair: boolean}",
    ),
});
const TaskUpdate = TaskCreate.partial();

export const Task = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.string(),
    groupId: z.number().int().nullable(),
    cron: z.string(),
    timezone: z.string(),
    enabled: z.boolean(),
    settings: z.record(z.string(), z.unknown()),
    nextRunAt: z.number().nullable().describe('Epoch ms of the next run (null when disabled)'),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'ScheduledTask' });

const TaskRun = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  groupId: z.number().int().nullable(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  outcome: z.string().nullable(),
  report: z.unknown(),
});

function withNextRun<T extends { cron: string; timezone: string; enabled: boolean }>(
  task: T,
): T & { nextRunAt: number | null } {
  if (!task.enabled) return { ...task, nextRunAt: null };
  const next = new Cron(task.cron, { paused: true, timezone: task.timezone }).nextRun();
  return { ...task, nextRunAt: next?.getTime() ?? null };
}

export function registerTaskRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  const tags = ['tasks'];
  app.get('/api/v1/tasks', { schema: { tags, response: { 200: z.array(Task) } } }, async () =>
    (await listScheduledTasks(db)).map(withNextRun),
  );
  app.post(
    '/api/v1/tasks',
    { schema: { tags, body: TaskCreate, response: { 201: Task, ...errors } } },
    async (request, reply) => {
      const body = request.body;
      checkTaskSettings(body.kind, body.settings);
      const groupId = body.groupId;
      if (groupId !== undefined && groupId !== null)
        await requireRef('groupId', () => getPlayerGroup(db, groupId));
      const task = await createScheduledTask(db, {
        ...defined(body),
        name: body.name,
        kind: body.kind,
        cron: body.cron,
        timezone: body.timezone ?? 'UTC',
        enabled: body.enabled ?? false,
      });
      return reply.code(201).send(withNextRun(task));
    },
  );
  app.get(
    '/api/v1/tasks/:id',
    { schema: { tags, params: IdParams, response: { 200: Task, ...errors } } },
    async (request) => withNextRun(await getScheduledTask(db, request.params.id)),
  );
  app.get(
    '/api/v1/tasks/:id/runs',
    { schema: { tags, params: IdParams, response: { 200: z.array(TaskRun), ...errors } } },
    async (request) => {
      await getScheduledTask(db, request.params.id);
      return listTaskRuns(db, request.params.id);
    },
  );
  app.post(
    '/api/v1/tasks/:id/run',
    {
      schema: {
        tags,
        description:
          'Runs the task now, enabled or not (a clean is queued per group and still passes the guard). ' +
          CLEAN_WARNING,
        params: IdParams,
        response: { 202: z.array(TaskRun), ...errors },
      },
    },
    async (request, reply) => {
      const task = await getScheduledTask(db, request.params.id);
      if (!deps.library) throw new Error('running tasks is not available in this process');
      return reply.code(202).send(await deps.library.runTask(task));
    },
  );
  app.put(
    '/api/v1/tasks/:id',
    { schema: { tags, params: IdParams, body: TaskUpdate, response: { 200: Task, ...errors } } },
    async (request) => {
      const current = await getScheduledTask(db, request.params.id);
      if (request.body.settings !== undefined || request.body.kind !== undefined)
        checkTaskSettings(request.body.kind ?? current.kind, request.body.settings ?? current.settings);
      const groupId = request.body.groupId;
      if (groupId !== undefined && groupId !== null)
        await requireRef('groupId', () => getPlayerGroup(db, groupId));
      return withNextRun(await updateScheduledTask(db, request.params.id, defined(request.body)));
    },
  );
  app.delete(
    '/api/v1/tasks/:id',
    { schema: { tags, params: IdParams, response: { 204: Deleted, ...errors } } },
    async (request, reply) => {
      await deleteScheduledTask(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
  registerLibraryOperationRoutes(app, deps);
}
