/**
 * The 'library-clean' job (DESIGN §7): runs in the group's lane like any sync job, so it never runs beside a scan
 * Kodi Sync started there. It is deferred while anything plays or any member scans or cleans (BusyError: woken by
 * Player.OnStop / OnScanFinished), then dry-runs, passes the guard or is refused (nothing removed, the refusal
 * notified with the report), and removes what the dry run found:
 * - 'remove' (default): each unreachable entry by id (`Remove*`), proven gone by a fresh lookup, never one playing;
 * - 'kodi-clean': Kodi's own `VideoLibrary.Clean`, always `showdialogs: false` (with dialogs Kodi asks Yes/No on the
 *   TV and the call hangs), whole library only (a directory-scoped clean corrupted a library, real-kodi.md §9).
 * The report sets what was really removed against the dry run; it finishes the task run (if any) and is notified.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { describeKodi } from '../kodi/errors.js';
import type { JobKind } from '../queue/index.js';
import { finishTaskRun, type Database } from '../store/index.js';
import { removeEmptyShow, removeRowsProven } from '../sync/delete.js';
import { cleaning } from '../sync/idle-tracker.js';
import { videoLibraryPort } from '../sync/library-port.js';
import { chooseMembers, playingFiles, type Member } from '../sync/member.js';
import type { MemberAction } from '../sync/operation.js';
import { DEFAULT_SCAN_TIMING, waitUntilIdle } from '../sync/scan-wait.js';
import type { StepRecorder } from '../sync/steps.js';
import type { SyncPlayer, SyncStore } from '../sync/types.js';
import type { KodiClient } from '../kodi/client.js';
import { BusyError, errorMessage, PermanentError, retryClassOf } from '../util/errors.js';
import { cleanDryRun, type DryRunReport, type UnreachableEntry } from './dry-run.js';
import { DEFAULT_CLEAN_LIMITS, guardRefusals, type Refusal } from './guard.js';
import { loadGroupScope } from './group-scope.js';
import { listLibrary } from './library-listing.js';

export const CLEAN_JOB_KIND = 'library-clean';

export const cleanSettings = z
  .object({
    maxItems: z.number().int().min(0).max(100_000).optional(),
    maxPercent: z.number().min(0).max(100).optional(),
    anchorFile: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^/\\.][^/\\]*$/, {
        error: 'must be a file name without a folder, not starting with "." (Kodi hides dot files)',
      })
      .optional(),
    method: z.enum(['remove', 'kodi-clean']).optional(),
  })
  .strict();

export type CleanSettings = z.infer<typeof cleanSettings>;

export const cleanPayload = z
  .object({
    settings: cleanSettings,
    /** The scheduled task's run this job reports to. */
    runId: z.number().int().positive().optional(),
  })
  .strict();

export type CleanPayload = z.infer<typeof cleanPayload>;

export const cleanJobKind: JobKind = { payload: cleanPayload };

export interface MemberCleanReport {
  dryRun: DryRunReport;
  refusals: Refusal[];
  method: 'remove' | 'kodi-clean';
  /** Entries really gone afterwards (checked by a fresh listing or lookup). */
  removed: UnreachableEntry[];
}

export interface CleanReport {
  outcome: 'cleaned' | 'refused' | 'nothing to clean';
  group: string;
  members: MemberCleanReport[];
  dryRunCount: number;
  removedCount: number;
}

/** What the clean reports (the notifier's event shape; library/ sits below notify/ and does not import it). */
export interface CleanNotification {
  type: 'clean-report' | 'clean-refused';
  title: string;
  message: string;
}

export interface CleanDeps {
  db: Kysely<Database>;
  store: SyncStore;
  clientFor: (player: SyncPlayer) => KodiClient | Promise<KodiClient>;
  notify?: (event: CleanNotification) => Promise<unknown>;
}

export interface CleanJobInput {
  lane: number;
  payload: unknown;
  firstDeferredAt?: number | null;
}

/** Deferred while anything plays, or any member scans or cleans (IsScanningVideo is true during a clean, §17). */
async function requireIdle(members: readonly Member[], steps: StepRecorder): Promise<void> {
  for (const member of members) {
    const playing = await playingFiles(member, steps);
    if (playing.length > 0) {
      throw new BusyError(
        `something plays on ${describeKodi(member.player.endpoint)}: the clean waits until playback stops`,
        ['player-stopped'],
        5 * 60_000,
      );
    }
    const scanning =
      cleaning(member.client) ||
      (await steps.call(
        `XBMC.GetInfoBooleans Library.IsScanningVideo ${member.player.name}`,
        () => member.client.isScanningVideo(),
        String,
      ));
    if (scanning) {
      throw new BusyError(
        `${describeKodi(member.player.endpoint)} is scanning or cleaning its library: the clean waits until it ends`,
        ['scan-finished'],
        60_000,
      );
    }
  }
}

async function removeOneByOne(
  member: Member,
  answering: Member[],
  steps: StepRecorder,
  unreachable: readonly UnreachableEntry[],
  signal: AbortSignal,
): Promise<UnreachableEntry[]> {
  const removed: UnreachableEntry[] = [];
  for (const kind of ['movie', 'episode'] as const) {
    const ofKind = unreachable.filter((e) => e.kind === kind);
    if (ofKind.length === 0) continue;
    const action: MemberAction = {
      member,
      answering,
      library: videoLibraryPort(member.client, steps, kind, signal),
      steps,
      signal,
    };
    const byFile = new Map<string, UnreachableEntry[]>();
    for (const e of ofKind) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    for (const [file, rows] of byFile) {
      await removeRowsProven(action, file, rows, 'clean');
      removed.push(...rows);
    }
    // A show left without episodes goes too (Kodi keeps it, real-kodi.md §8).
    const shows = new Set(ofKind.map((e) => e.tvshowid).filter((id): id is number => id !== undefined));
    for (const tvshowid of shows) await removeEmptyShow(action, tvshowid);
  }
  return removed;
}

/** Kodi's own Clean (no dialogs), awaited; what it removed is read back by listing the library again. */
async function kodiClean(
  member: Member,
  steps: StepRecorder,
  dryRun: DryRunReport,
  signal: AbortSignal,
): Promise<UnreachableEntry[]> {
  const before = await listLibrary(member.client, steps, ['movie', 'episode']);
  await steps.call(`VideoLibrary.Clean {showdialogs:false} ${member.player.name}`, () =>
    member.client.clean(),
  );
  await waitUntilIdle(member.client, steps, { ...DEFAULT_SCAN_TIMING, idleWaitMs: 30 * 60_000 }, signal);
  const after = await listLibrary(member.client, steps, ['movie', 'episode']);
  const left = new Set(after.map((e) => `${e.kind}:${e.id}`));
  const gone = before.filter((e) => !left.has(`${e.kind}:${e.id}`));
  const known = new Map(dryRun.unreachable.map((e) => [`${e.kind}:${e.id}`, e]));
  return gone.map((e) => known.get(`${e.kind}:${e.id}`) ?? { ...e, reason: 'file not listed' as const });
}

export function describeClean(report: CleanReport): CleanNotification {
  if (report.outcome === 'refused') {
    const reasons = report.members.flatMap((m) => m.refusals.map((r) => `${m.dryRun.member}: ${r.message}`));
    const listed = report.members
      .flatMap((m) => m.dryRun.unreachable.slice(0, 20).map((e) => e.file))
      .join('\n');
    return {
      type: 'clean-refused',
      title: `Library clean refused for ${report.group}`,
      message:
        `Nothing was removed. ${reasons.join('; ')}. The dry run listed ${report.dryRunCount} unreachable ` +
        `entr${report.dryRunCount === 1 ? 'y' : 'ies'}${listed ? `:\n${listed}` : '.'}`,
    };
  }
  return {
    type: 'clean-report',
    title: `Library clean of ${report.group}: ${report.removedCount} removed`,
    message:
      `Removed ${report.removedCount} of the ${report.dryRunCount} entr${report.dryRunCount === 1 ? 'y' : 'ies'} ` +
      `Kodi could not reach${report.removedCount > 0 ? `:\n${report.members.flatMap((m) => m.removed.map((e) => e.file)).join('\n')}` : '.'}`,
  };
}

async function finishRun(deps: CleanDeps, runId: number | undefined, outcome: string, report: unknown) {
  if (runId !== undefined) await finishTaskRun(deps.db, runId, { outcome, report });
}

/** Runs one clean job of a group; resolves the report (a refusal is a result, not an error). */
export async function runCleanJob(
  deps: CleanDeps,
  job: CleanJobInput,
  steps: StepRecorder,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<CleanReport> {
  const parsed = cleanPayload.safeParse(job.payload);
  if (!parsed.success) throw new PermanentError(`invalid clean payload: ${parsed.error.message}`);
  const { settings, runId } = parsed.data;
  const scope = await loadGroupScope(deps.db, deps.store, job.lane);
  const deferredFor = job.firstDeferredAt ? now() - job.firstDeferredAt : 0;
  let answering: Member[];
  let usable: Member[];
  try {
    ({ answering, usable } = await chooseMembers(
      scope.group,
      scope.players,
      deps.clientFor,
      steps,
      deferredFor,
    ));
  } catch (error) {
    if (retryClassOf(error) === 'busy') throw error;
    // No Kodi answers: a clear error and a recorded run, nothing removed (no hours of retries for a clean).
    await finishRun(deps, runId, 'failed', { error: errorMessage(error) });
    throw new PermanentError(
      `clean of group "${scope.group.name}": ${errorMessage(error)}; nothing was removed`,
    );
  }
  await requireIdle(answering, steps);
  const acting = scope.group.sharedDatabase ? usable.slice(0, 1) : usable;
  const limits = {
    maxItems: settings.maxItems ?? DEFAULT_CLEAN_LIMITS.maxItems,
    maxPercent: settings.maxPercent ?? DEFAULT_CLEAN_LIMITS.maxPercent,
  };
  const method = settings.method ?? 'remove';
  const dryRunOptions = settings.anchorFile === undefined ? {} : { anchorFile: settings.anchorFile };
  const members: MemberCleanReport[] = [];
  for (const member of acting) {
    const dryRun = await cleanDryRun(
      { name: member.player.name, client: member.client },
      steps,
      scope.roots,
      dryRunOptions,
      signal,
    );
    members.push({ dryRun, refusals: guardRefusals(dryRun, limits), method, removed: [] });
  }
  const dryRunCount = members.reduce((n, m) => n + m.dryRun.unreachable.length, 0);
  const refused = members.some((m) => m.refusals.length > 0);
  if (!refused) {
    for (const [i, member] of acting.entries()) {
      const report = members[i];
      if (!report || report.dryRun.unreachable.length === 0) continue;
      report.removed =
        method === 'kodi-clean'
          ? await kodiClean(member, steps, report.dryRun, signal)
          : await removeOneByOne(member, answering, steps, report.dryRun.unreachable, signal);
    }
  }
  const removedCount = members.reduce((n, m) => n + m.removed.length, 0);
  const report: CleanReport = {
    outcome: refused ? 'refused' : dryRunCount === 0 ? 'nothing to clean' : 'cleaned',
    group: scope.group.name,
    members,
    dryRunCount,
    removedCount,
  };
  await finishRun(deps, runId, refused ? 'refused' : 'succeeded', report);
  await deps.notify?.(describeClean(report));
  return report;
}
