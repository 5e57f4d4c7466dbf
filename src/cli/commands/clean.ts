/**
 * `kodi-sync clean --dry-run [--group]` and `kodi-sync clean --run [--yes]`: the guarded library clean (DESIGN §7)
 * through the running service. The dry run lists what Kodi itself cannot reach now and whether the guard would
 * let a clean run; it changes nothing. A real clean asks first (unless --yes), is queued per group and reported.
 */
import { createInterface } from 'node:readline/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { apiClientFor, wantsJson, type ApiClient } from '../api-client.js';
import { action, printJson, printTable } from '../output.js';
import { followBatch } from '../progress.js';

export const CLEAN_WARNING =
  'WARNING: a clean removes library entries — with their watched state, resume points and ratings — for files Kodi ' +
  'cannot reach now. An offline or unmounted share looks exactly like deleted files. Kodi Sync dry-runs first and ' +
  'refuses unless every member is idle, every source root is listable and not empty (with its anchor file, if set) ' +
  'and the dry run is within the limits (default ≤ 20 entries and ≤ 5 % of the library).';

interface CleanOptions {
  dryRun?: boolean;
  run?: boolean;
  yes?: boolean;
  group?: number;
  maxItems?: number;
  maxPercent?: number;
  anchorFile?: string;
  method?: 'remove' | 'kodi-clean';
  timeout: number;
}

interface Preview {
  groupId: number;
  group: string;
  wouldRun: boolean;
  members: {
    dryRun: {
      member: string;
      libraryCount: number;
      unreachable: { kind: string; id: number; file: string; reason: string }[];
    };
    refusals: { code: string; message: string }[];
  }[];
}

interface JobView {
  id: number;
  state: string;
  lastError: string | null;
  result: { outcome?: string; removedCount?: number; dryRunCount?: number } | null;
}

function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('not a number ≥ 0');
  return n;
}

function method(value: string): 'remove' | 'kodi-clean' {
  if (value !== 'remove' && value !== 'kodi-clean') throw new InvalidArgumentError('remove or kodi-clean');
  return value;
}

async function groupIds(api: ApiClient, group: number | undefined): Promise<number[]> {
  if (group !== undefined) return [group];
  return (await api.get<{ id: number }[]>('/api/v1/groups')).map((g) => g.id);
}

function settingsOf(options: CleanOptions): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      maxItems: options.maxItems,
      maxPercent: options.maxPercent,
      anchorFile: options.anchorFile,
      method: options.method,
    }).filter(([, v]) => v !== undefined),
  );
}

function printPreview(preview: Preview): void {
  for (const m of preview.members) {
    process.stdout.write(
      `\n${preview.group} — ${m.dryRun.member}: ${m.dryRun.unreachable.length} of ${m.dryRun.libraryCount} entries unreachable from Kodi\n`,
    );
    printTable(m.dryRun.unreachable, {
      KIND: (e) => e.kind,
      ID: (e) => e.id,
      WHY: (e) => e.reason,
      FILE: (e) => e.file,
    });
    if (m.refusals.length === 0) process.stdout.write('guard: a clean would run\n');
    for (const r of m.refusals) process.stdout.write(`guard refuses: ${r.message}\n`);
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function registerCleanCommand(program: Command): void {
  program
    .command('clean')
    .description(
      'Guarded library clean: --dry-run lists what Kodi cannot reach; --run removes it (asks first)',
    )
    .addHelpText('after', `\n${CLEAN_WARNING}\n`)
    .option('--dry-run', 'list what a clean would remove and what the guard says; changes nothing')
    .option('--run', 'queue a guarded clean (asks unless --yes)')
    .option('--yes', 'do not ask before --run')
    .option('--group <id>', 'one player group (default: every group)', number)
    .option('--max-items <n>', 'most entries to remove (default 20)', number)
    .option('--max-percent <p>', 'most entries as % of the library (default 5)', number)
    .option('--anchor-file <name>', 'a file every source root must list')
    .option('--method <method>', "'remove' (default, each entry verified) or 'kodi-clean'", method)
    .option('--timeout <seconds>', 'how long --run waits for the result', number, 600)
    .action(
      action(async (options: CleanOptions, command: Command) => {
        if (options.dryRun === options.run) {
          throw new InvalidArgumentError('give exactly one of --dry-run or --run');
        }
        const api = apiClientFor(command);
        const groups = await groupIds(api, options.group);
        const settings = settingsOf(options);
        const previews: Preview[] = [];
        for (const id of groups)
          previews.push(
            await api.get<Preview>(`/api/v1/groups/${id}/clean/dry-run`, settings as Record<string, string>),
          );
        if (options.dryRun) {
          if (wantsJson(command)) printJson(previews);
          else previews.forEach(printPreview);
          return;
        }
        if (!wantsJson(command)) {
          process.stderr.write(`${CLEAN_WARNING}\n`);
          previews.forEach(printPreview);
        }
        if (!options.yes && !(await confirm('\nRun the clean now? [y/N] '))) {
          throw new Error(
            'clean not run: confirm with "y", or pass --yes (non-interactive). Nothing was removed.',
          );
        }
        const results: JobView[] = [];
        for (const id of groups) {
          const queued = await api.post<{ batchId: number; jobIds: number[] }>(`/api/v1/groups/${id}/clean`, {
            confirm: true,
            settings,
          });
          await followBatch(api, queued.batchId, {
            quiet: wantsJson(command),
            timeoutMs: options.timeout * 1000,
          });
          for (const jobId of queued.jobIds) results.push(await api.get<JobView>(`/api/v1/jobs/${jobId}`));
        }
        if (wantsJson(command)) {
          printJson(results);
          return;
        }
        printTable(results, {
          JOB: (j) => j.id,
          STATE: (j) => j.state,
          OUTCOME: (j) => j.result?.outcome ?? j.lastError ?? '',
          REMOVED: (j) => j.result?.removedCount ?? '',
          'DRY RUN': (j) => j.result?.dryRunCount ?? '',
        });
        if (results.some((j) => j.state !== 'succeeded')) process.exitCode = 1;
      }),
    );
}
