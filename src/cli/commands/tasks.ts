/** `kodi-sync tasks list|run|runs`: the scheduled tasks (clean, drift report) and their recorded runs. */
import type { Command } from 'commander';
import { apiClientFor, wantsJson } from '../api-client.js';
import { action, formatTime, printJson, printTable } from '../output.js';

interface TaskView {
  id: number;
  name: string;
  kind: string;
  groupId: number | null;
  cron: string;
  timezone: string;
  enabled: boolean;
  nextRunAt: number | null;
}

interface RunView {
  id: number;
  taskId: number;
  groupId: number | null;
  startedAt: number;
  finishedAt: number | null;
  outcome: string | null;
  report: unknown;
}

function runSummary(run: RunView): string {
  const report = run.report as Record<string, unknown> | null;
  if (!report) return '';
  if (typeof report.error === 'string') return report.error;
  if (typeof report.reason === 'string') return report.reason;
  if (typeof report.removedCount === 'number')
    return `${String(report.removedCount)} removed of ${String(report.dryRunCount)} in the dry run`;
  const count = (key: string) => (Array.isArray(report[key]) ? (report[key] as unknown[]).length : 0);
  if ('missing' in report)
    return `${count('missing')} missing, ${count('deletedButPresent')} deleted but present, ${count('stale')} stale, ${count('unknown')} unknown`;
  return '';
}

function printRuns(runs: RunView[]): void {
  printTable(runs, {
    RUN: (r) => r.id,
    TASK: (r) => r.taskId,
    GROUP: (r) => r.groupId,
    STARTED: (r) => formatTime(r.startedAt),
    FINISHED: (r) => formatTime(r.finishedAt),
    OUTCOME: (r) => r.outcome ?? 'running',
    REPORT: (r) => runSummary(r).slice(0, 90),
  });
}

export function registerTasksCommand(program: Command): void {
  const tasks = program
    .command('tasks')
    .description('Scheduled tasks (library clean, drift report): list, run now, recorded runs');
  tasks
    .command('list')
    .description('Every task with its schedule and next run')
    .action(
      action(async (_options: unknown, command: Command) => {
        const list = await apiClientFor(command).get<TaskView[]>('/api/v1/tasks');
        if (wantsJson(command)) {
          printJson(list);
          return;
        }
        printTable(list, {
          ID: (t) => t.id,
          NAME: (t) => t.name,
          KIND: (t) => t.kind,
          GROUP: (t) => t.groupId ?? 'all',
          CRON: (t) => `${t.cron} (${t.timezone})`,
          ENABLED: (t) => (t.enabled ? 'yes' : 'no'),
          NEXT: (t) => (t.nextRunAt === null ? '-' : formatTime(t.nextRunAt)),
        });
      }),
    );
  tasks
    .command('run <id>')
    .description('Run a task now, enabled or not (a clean still passes its guard)')
    .action(
      action(async (id: string, _options: unknown, command: Command) => {
        const runs = await apiClientFor(command).post<RunView[]>(
          `/api/v1/tasks/${encodeURIComponent(id)}/run`,
        );
        if (wantsJson(command)) {
          printJson(runs);
          return;
        }
        printRuns(runs);
      }),
    );
  tasks
    .command('runs <id>')
    .description("A task's recorded runs, newest first")
    .action(
      action(async (id: string, _options: unknown, command: Command) => {
        const runs = await apiClientFor(command).get<RunView[]>(
          `/api/v1/tasks/${encodeURIComponent(id)}/runs`,
        );
        if (wantsJson(command)) {
          printJson(runs);
          return;
        }
        printRuns(runs);
      }),
    );
}
