/**
 * `kodi-sync drift [--group] [--repair]`: the drift report per player group (desired state against Kodi's library
 * by exact file) and, with --repair, one batch of ordinary sync jobs for what is missing, deleted or stale
 * (followed with a progress bar). Entries unknown to Kodi Sync are reported, never removed.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { apiClientFor, wantsJson } from '../api-client.js';
import { action, printJson, printTable } from '../output.js';
import { followBatch } from '../progress.js';

interface DriftEntry {
  path?: string;
  file?: string;
  kodiFile?: string;
}

interface Drift {
  groupId: number;
  group: string;
  member: string;
  itemsCompared: number;
  kodiEntries: number;
  missing: DriftEntry[];
  deletedButPresent: DriftEntry[];
  stale: DriftEntry[];
  unknown: DriftEntry[];
  listingMs: number;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a group id');
  return n;
}

function printDrift(d: Drift): void {
  process.stdout.write(
    `\n${d.group} (via ${d.member}): ${d.itemsCompared} items against ${d.kodiEntries} Kodi entries (listed in ${d.listingMs} ms)\n`,
  );
  const rows = [
    ...d.missing.map((e) => ({ what: 'missing in Kodi', file: e.kodiFile ?? '' })),
    ...d.deletedButPresent.map((e) => ({ what: 'deleted, still in Kodi', file: e.kodiFile ?? '' })),
    ...d.stale.map((e) => ({ what: 'revision not applied', file: e.kodiFile ?? '' })),
    ...d.unknown.map((e) => ({ what: 'unknown to Kodi Sync', file: e.file ?? '' })),
  ];
  if (rows.length === 0) process.stdout.write('no drift\n');
  else printTable(rows, { DRIFT: (r) => r.what, FILE: (r) => r.file });
}

export function registerDriftCommand(program: Command): void {
  program
    .command('drift')
    .description("Compare the desired state with each group's Kodi library; --repair queues the fixing jobs")
    .option('--group <id>', 'one player group (default: every group)', positive)
    .option('--repair', 'queue sync jobs for what is missing, deleted or stale (run without it first)')
    .option('--timeout <seconds>', 'how long --repair follows its jobs', Number, 600)
    .action(
      action(async (options: { group?: number; repair?: boolean; timeout: number }, command: Command) => {
        const api = apiClientFor(command);
        const groups =
          options.group !== undefined
            ? [options.group]
            : (await api.get<{ id: number }[]>('/api/v1/groups')).map((g) => g.id);
        const out: unknown[] = [];
        for (const id of groups) {
          if (!options.repair) {
            const drift = await api.get<Drift>(`/api/v1/groups/${id}/drift`);
            out.push(drift);
            if (!wantsJson(command)) printDrift(drift);
            continue;
          }
          const repaired = await api.post<{ report: Drift; batch?: { batchId: number } }>(
            `/api/v1/groups/${id}/drift/repair`,
          );
          out.push(repaired);
          if (!wantsJson(command)) printDrift(repaired.report);
          if (repaired.batch) {
            const counts = await followBatch(api, repaired.batch.batchId, {
              quiet: wantsJson(command),
              timeoutMs: options.timeout * 1000,
            });
            if (counts.failed > 0) process.exitCode = 1;
          }
        }
        if (wantsJson(command)) printJson(out);
      }),
    );
}
