/** `kodi-sync jobs list|show|cancel|retry` and `kodi-sync batches list|show|cancel|retry`, through the running service. */
import type { Command } from 'commander';
import { apiClientFor, wantsJson } from '../api-client.js';
import { action, formatTime, printJson, printTable } from '../output.js';
import type { BatchCounts } from '../progress.js';

interface JobView {
  id: number;
  lane: number;
  kind: string;
  itemId: number | null;
  batchId: number | null;
  state: string;
  attempts: number;
  lastError: string | null;
  result: { outcome?: string; member?: string } | null;
  updatedAt: number;
  steps?: { at: number; call: string; answer: string | null; durationMs: number }[];
}

function outcome(job: JobView): string {
  if (job.state === 'succeeded') return `${job.result?.outcome ?? 'done'} on ${job.result?.member ?? '?'}`;
  return job.lastError ?? '';
}

export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('Queue jobs: list, show (with steps), cancel, retry');
  jobs
    .command('list', { isDefault: true })
    .description('Newest jobs first (the default)')
    .option('--state <states>', 'comma-separated: queued,running,deferred,succeeded,failed,cancelled')
    .option('--lane <groupId>', 'only this player group')
    .option('--batch <id>', 'only this batch')
    .option('--limit <n>', 'how many', '50')
    .action(
      action(
        async (
          options: { state?: string; lane?: string; batch?: string; limit: string },
          command: Command,
        ) => {
          const list = await apiClientFor(command).get<JobView[]>('/api/v1/jobs', {
            state: options.state,
            lane: options.lane,
            batch: options.batch,
            limit: options.limit,
          });
          if (wantsJson(command)) {
            printJson(list);
            return;
          }
          printTable(list, {
            ID: (j) => j.id,
            GROUP: (j) => j.lane,
            STATE: (j) => j.state,
            ITEM: (j) => j.itemId,
            BATCH: (j) => j.batchId,
            TRIES: (j) => j.attempts,
            UPDATED: (j) => formatTime(j.updatedAt),
            OUTCOME: (j) => outcome(j).slice(0, 90),
          });
        },
      ),
    );
  jobs
    .command('show <id>')
    .description('One job with every step it took and the evidence')
    .action(
      action(async (id: string, _options: unknown, command: Command) => {
        const job = await apiClientFor(command).get<JobView>(`/api/v1/jobs/${encodeURIComponent(id)}`);
        if (wantsJson(command)) {
          printJson(job);
          return;
        }
        process.stdout.write(`job ${job.id} (group ${job.lane}, item ${String(job.itemId)}): ${job.state}\n`);
        if (job.lastError) process.stdout.write(`error: ${job.lastError}\n`);
        if (job.result) process.stdout.write(`result: ${JSON.stringify(job.result)}\n`);
        printTable(job.steps ?? [], {
          AT: (s) => formatTime(s.at),
          MS: (s) => s.durationMs,
          CALL: (s) => s.call,
          ANSWER: (s) => (s.answer ?? '').slice(0, 80),
        });
      }),
    );
  for (const verb of ['cancel', 'retry'] as const) {
    jobs
      .command(`${verb} <id>`)
      .description(
        verb === 'cancel'
          ? 'Cancel a waiting job or stop a running one'
          : 'Queue a failed or cancelled job again',
      )
      .action(
        action(async (id: string, _options: unknown, command: Command) => {
          const job = await apiClientFor(command).post<JobView>(
            `/api/v1/jobs/${encodeURIComponent(id)}/${verb}`,
          );
          if (wantsJson(command)) {
            printJson(job);
            return;
          }
          process.stdout.write(`job ${job.id}: ${job.state}\n`);
        }),
      );
  }
}

interface BatchView extends BatchCounts {
  id: number;
  label: string | null;
  createdAt: number;
}

export function registerBatchesCommand(program: Command): void {
  const batches = program
    .command('batches')
    .description('Batches (jobs created together) and their progress');
  batches
    .command('list', { isDefault: true })
    .description('Newest batches first (the default)')
    .option('--limit <n>', 'how many', '20')
    .action(
      action(async (options: { limit: string }, command: Command) => {
        const list = await apiClientFor(command).get<BatchView[]>('/api/v1/batches', {
          limit: options.limit,
        });
        if (wantsJson(command)) {
          printJson(list);
          return;
        }
        printTable(list, {
          ID: (b) => b.id,
          CREATED: (b) => formatTime(b.createdAt),
          DONE: (b) => `${b.succeeded}/${b.total}`,
          FAILED: (b) => b.failed,
          WAITING: (b) => b.queued + b.running + b.deferred,
          LABEL: (b) => b.label,
        });
      }),
    );
  batches.command('show <id>').action(
    action(async (id: string, _options: unknown, command: Command) => {
      const batch = await apiClientFor(command).get<BatchView>(`/api/v1/batches/${encodeURIComponent(id)}`);
      if (wantsJson(command)) {
        printJson(batch);
        return;
      }
      process.stdout.write(
        `batch ${batch.id} ${batch.label ?? ''}: ${batch.succeeded}/${batch.total} synced, ${batch.running} running, ` +
          `${batch.queued} queued, ${batch.deferred} deferred, ${batch.failed} failed, ${batch.cancelled} cancelled\n`,
      );
    }),
  );
  for (const verb of ['cancel', 'retry'] as const) {
    batches.command(`${verb} <id>`).action(
      action(async (id: string, _options: unknown, command: Command) => {
        const answer = await apiClientFor(command).post<Record<string, number>>(
          `/api/v1/batches/${encodeURIComponent(id)}/${verb}`,
        );
        if (wantsJson(command)) {
          printJson(answer);
          return;
        }
        process.stdout.write(
          `${Object.entries(answer)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')}\n`,
        );
      }),
    );
  }
}
