/**
 * One 'sync-item' job (DESIGN §6): read the item's desired state and what Kodi has NOW, act, await, verify, and
 * store the evidence. A job never succeeds without a fresh lookup in Kodi backing it (DESIGN §2.1). A transient
 * failure on one member fails over to the next member of the group (§6.6).
 */
import type { Logger } from 'pino';
import type { JobKind } from '../queue/index.js';
import { DatabaseUnavailableError } from '../store/index.js';
import type { KodiClient } from '../kodi/client.js';
import { folderBelow, kodiDirname, kodiFolder, mapManagerToKodi, type PathMapping } from '../paths/index.js';
import { errorMessage, NotFoundError, PermanentError, retryClassOf, TransientError } from '../util/errors.js';
import { decideAction } from './decide.js';
import { removeItem } from './delete.js';
import { restoreSiblings } from './folder-hash.js';
import { videoLibraryPort, type LibraryRow } from './library-port.js';
import { describeLookalikes, lookupFile, pickItemRow } from './lookup.js';
import { chooseMembers, type Member, type MemberChoice } from './member.js';
import {
  FOLDER_REMOVAL_KIND,
  folderRemovalKind,
  folderRemovalPayload,
  removeFolder,
} from './folder-removal.js';
import type { Operation, SnapshotHolder } from './operation.js';
import { publishItem, rescanFolder } from './publish.js';
import { finishReplacement, prepareReplacement, recordReplaced, type Replacement } from './replace.js';
import { refreshItem } from './republish.js';
import { withEntries } from './user-data.js';
import { DEFAULT_SCAN_TIMING, type ScanTiming } from './scan-wait.js';
import { confirmOnSecondMember, refreshOtherScreens } from './shared-database.js';
import { MAX_LANE_MATES, publishedBySharedScan, SharedScanRegistry, type LaneMate } from './shared-scan.js';
import { StepRecorder, type RecordedStep } from './steps.js';
import { itemIdOf, replacesOf, SYNC_JOB_KIND, syncJobKind } from './job-contract.js';
import type { ItemSyncRecord, SyncEvidence, SyncGroup, SyncItem, SyncPlayer, SyncStore } from './types.js';

/** The parts of a queue job this handler reads. */
export interface SyncJob {
  id: number;
  /** SYNC_JOB_KIND (default) or FOLDER_REMOVAL_KIND. */
  kind?: string;
  lane: number;
  itemId: number | null;
  payload: unknown;
  /** When the job was first deferred (busy): the group's max deferral counts from here. */
  firstDeferredAt?: number | null;
}

export interface SyncJobContext {
  signal: AbortSignal;
  step(call: string, answer: string, durationMs: number): unknown;
  /** One write for several steps (the queue's Worker has it); `step` per step otherwise. */
  addSteps?(steps: readonly RecordedStep[]): unknown;
}

/** A waiting job of a lane as the queue lists it (queue.listJobs): `runAfter` says whether it is due. */
export type LaneJob = SyncJob & { runAfter?: number };

export interface SyncEngineDeps {
  store: SyncStore;
  clientFor: (player: SyncPlayer) => KodiClient | Promise<KodiClient>;
  /**
   * The lane's waiting ('queued') sync jobs, read through the queue's API. With it a publish scans once for the new
   * movies waiting behind it (shared-scan.ts); without it every job scans for itself.
   */
  laneMates?: (lane: number) => Promise<LaneJob[]>;
  timing?: Partial<ScanTiming>;
  logger?: Logger;
  now?: () => number;
}

export type SyncJobResult = SyncEvidence;

interface Plan {
  item: SyncItem;
  group: SyncGroup;
  players: SyncPlayer[];
  kodiFile: string;
  scanFolder: string;
  sourceRoot: string;
  /** The old files this item replaces (upgrade, rename), as the manager names them and in Kodi's form. */
  replacements: Replacement[];
  /** What the last verified job recorded, and any user data held for a restore. */
  record: ItemSyncRecord | undefined;
  mappings: PathMapping[];
}

/** A movie is scanned by its folder; an episode by its show folder (the folder right below the TV source root). */
function scanFolderOf(kind: SyncItem['kind'], sourceRoot: string, kodiFile: string): string {
  return kind === 'episode'
    ? (folderBelow(sourceRoot, kodiFile) ?? kodiDirname(kodiFile))
    : kodiDirname(kodiFile);
}

async function plan(store: SyncStore, job: SyncJob): Promise<Plan> {
  const itemId = itemIdOf(job);
  // Independent reads at once (one round trip instead of five on PostgreSQL).
  const [item, group, mappings, players, record] = await Promise.all([
    store.getItem(itemId),
    store.getGroup(job.lane),
    store.listPathMappings(job.lane),
    store.listPlayers(job.lane),
    store.getItemSync(itemId, job.lane),
  ]);
  if (!item) throw new NotFoundError('item', itemId);
  if (!group) throw new NotFoundError('player group', job.lane);
  const library = item.libraryId === null ? undefined : await store.getLibrary(item.libraryId);
  const options = { groupName: group.name };
  const kodiFile = mapManagerToKodi(mappings, item.path, options);
  const sourceRoot = library
    ? kodiFolder(mapManagerToKodi(mappings, library.rootPath, options))
    : kodiDirname(kodiFile);
  const scanFolder = scanFolderOf(item.kind, sourceRoot, kodiFile);
  const replacements = replacesOf(job).map((managerPath) => ({
    managerPath,
    kodiFile: mapManagerToKodi(mappings, managerPath, options),
  }));
  return { item, group, players, kodiFile, scanFolder, sourceRoot, replacements, record, mappings };
}

/** Never verified in this group, or verified absent: a publish of it is a new entry for Kodi. */
const isNew = (record: ItemSyncRecord | undefined): boolean => !record || record.kodiFile === null;

/**
 * The waiting lane-mates a shared scan can serve (shared-scan.ts): due sync jobs that publish a new item of the same
 * kind and library and replace nothing. One that cannot be read or mapped is left to its own job.
 */
async function laneMatesOf(deps: SyncEngineDeps, job: SyncJob, p: Plan): Promise<LaneMate[]> {
  if (!deps.laneMates || p.item.libraryId === null) return [];
  const now = Date.now();
  const waiting = (await deps.laneMates(job.lane))
    .filter(
      (j) =>
        j.id !== job.id &&
        (j.kind ?? SYNC_JOB_KIND) === SYNC_JOB_KIND &&
        (j.runAfter ?? 0) <= now &&
        replacesOf(j).length === 0,
    )
    .slice(0, MAX_LANE_MATES);
  const mates = await Promise.all(
    waiting.map(async (j): Promise<LaneMate | undefined> => {
      try {
        const itemId = itemIdOf(j);
        const [item, record] = await Promise.all([
          deps.store.getItem(itemId),
          deps.store.getItemSync(itemId, job.lane),
        ]);
        if (!item || item.kind !== p.item.kind || item.state !== 'published') return undefined;
        if (item.libraryId !== p.item.libraryId || !isNew(record)) return undefined;
        const kodiFile = mapManagerToKodi(p.mappings, item.path, { groupName: p.group.name });
        return { jobId: j.id, kodiFile, scanFolder: scanFolderOf(item.kind, p.sourceRoot, kodiFile) };
      } catch (error) {
        if (error instanceof DatabaseUnavailableError) throw error;
        return undefined;
      }
    }),
  );
  return mates.filter((m): m is LaneMate => m !== undefined);
}

/**
 * The rows a delete removes: an episode item that names its episode only its own rows (two, when two members of a
 * shared database scanned its folder at once — DESIGN §6.6); otherwise every row.
 */
function rowsToRemove(item: SyncItem, rows: LibraryRow[]): LibraryRow[] {
  if (item.kind === 'episode' && item.season !== null && item.episode !== null) {
    return rows.filter((r) => r.season === item.season && r.episode === item.episode);
  }
  return rows;
}

async function reconcile(op: Operation, record: ItemSyncRecord | undefined): Promise<SyncEvidence> {
  const started = performance.now();
  const lookup = await lookupFile(op.library, op.kodiFile);
  const row = pickItemRow(op.item, lookup.rows);
  const action = decideAction(op.item, row !== undefined, record?.revisionApplied ?? null);
  op.steps.note('decide', `${op.item.state}, ${row ? `in Kodi as ${row.id}` : 'not in Kodi'} → ${action}`);
  const base = {
    member: op.member.player.name,
    timings: { totalMs: Math.round(performance.now() - started) },
    ...(lookup.lookalikes.length > 0 && { notes: [describeLookalikes(lookup.lookalikes) ?? ''] }),
  };
  switch (action) {
    case 'publish':
      return publishItem(op);
    case 'refresh':
      return row ? refreshItem(op, row) : publishItem(op);
    case 'remove':
      return removeItem(op, rowsToRemove(op.item, lookup.rows));
    case 'in-sync': {
      const note = row && isNew(record) ? op.shared?.registry.take(op.shared.lane, op.kodiFile) : undefined;
      const inKodi = {
        ...base,
        kodiIds: lookup.rows.map((r) => r.id),
        file: row?.file ?? null,
        matchedBy: lookup.storedForm ? ('stored form' as const) : ('file' as const),
        ...(row && { title: row.title }),
      };
      // Added by a scan another job of this lane sent for it too: published by that scan, proven by this lookup.
      if (row && note?.added.has(row.id)) return publishedBySharedScan(inKodi, note);
      return { ...inKodi, outcome: 'already in sync', completion: 'lookup' };
    }
    case 'absent':
      return { ...base, outcome: 'already absent', kodiIds: [], file: op.kodiFile, completion: 'lookup' };
  }
}

function isPresent(evidence: SyncEvidence): boolean {
  return evidence.outcome !== 'removed' && evidence.outcome !== 'already absent';
}

/**
 * An item that replaces old files (upgrade, rename): the old entries' user data is stored first, then the item's own
 * reconcile runs (a publish that finds the folder skipped as unchanged removes the old entry first, folder-hash.ts),
 * then the user data is carried over and the old rows removed (replace.ts).
 */
async function reconcileReplacing(op: Operation, p: Plan): Promise<SyncEvidence> {
  const prepared = await prepareReplacement(op, p.replacements);
  const evidence = await reconcile(op, p.record);
  const replaced = await finishReplacement(op, prepared, isPresent(evidence));
  // Removals followed the verification: prove once more that the new entry is what Kodi shows now.
  const { rows } = await lookupFile(op.library, op.kodiFile);
  const now = pickItemRow(op.item, rows);
  if (isPresent(evidence) && !now) {
    throw new TransientError(
      `"${op.kodiFile}" was verified, but is gone from Kodi after the replaced entries were removed; the retry publishes it again`,
    );
  }
  return { ...evidence, ...(now && { kodiIds: rows.map((r) => r.id) }), replaced };
}

/** Entries removed by an earlier step to reset a folder hash get their user data back (every attempt retries it). */
async function withSiblingsRestored(op: Operation, evidence: SyncEvidence): Promise<SyncEvidence> {
  const restored = await restoreSiblings(op, () => rescanFolder(op));
  if (restored.length === 0) return evidence;
  return {
    ...evidence,
    notes: [
      ...(evidence.notes ?? []),
      ...restored.map((f) => `user data of "${f}" restored after its re-add`),
    ],
  };
}

/** Runs `act` through the usable members in order; a transient failure moves on to the next member (§6.6). */
async function throughMembers<T>(
  choice: MemberChoice,
  steps: StepRecorder,
  act: (member: Member) => Promise<T>,
): Promise<T> {
  let lastError: unknown;
  for (const member of choice.usable) {
    try {
      return await act(member);
    } catch (error) {
      // Only Kodi's trouble moves on to the next member: a database outage is the same for every member.
      if (retryClassOf(error) !== 'transient' || error instanceof DatabaseUnavailableError) throw error;
      if (member === choice.usable.at(-1)) throw error;
      lastError = error;
      steps.note('failover', `${member.player.name}: ${errorMessage(error)} → next member`);
    }
  }
  throw lastError;
}

interface JobRun {
  deps: SyncEngineDeps;
  job: SyncJob;
  ctx: SyncJobContext;
  steps: StepRecorder;
  timing: ScanTiming;
  now: () => number;
  /** performance.now() when the handler took the job. */
  started: number;
  registry: SharedScanRegistry;
}

/**
 * The job's own timings: Kodi time (every call's wait, member choice included) and the whole job's time, so the
 * Kodi part is never larger than the total it is part of.
 */
function withKodiTime(evidence: SyncEvidence, steps: StepRecorder, started: number): SyncEvidence {
  const totalMs = Math.round(performance.now() - started);
  const kodiMs = Math.min(totalMs, Math.round(steps.kodiMs * 100) / 100);
  return { ...evidence, timings: { ...evidence.timings, kodiMs, totalMs } };
}

async function runItemJob({
  deps,
  job,
  ctx,
  steps,
  timing,
  now,
  started,
  registry,
}: JobRun): Promise<SyncEvidence> {
  const p = await plan(deps.store, job);
  const deferredFor = job.firstDeferredAt ? now() - job.firstDeferredAt : 0;
  const choice = await chooseMembers(p.group, p.players, deps.clientFor, steps, deferredFor);
  const snapshot: SnapshotHolder = {
    held: p.record?.userDataSnapshot ?? null,
    save: async (entries) => {
      const taken = withEntries(snapshot.held, entries, now());
      await deps.store.saveUserDataSnapshot(p.item.id, p.group.id, taken);
      snapshot.held = taken;
    },
  };
  return throughMembers(choice, steps, async (member) => {
    const op: Operation = {
      ...p,
      member,
      library: videoLibraryPort(member.client, steps, p.item.kind, ctx.signal),
      snapshot,
      answering: choice.answering,
      steps,
      timing,
      signal: ctx.signal,
      shared: { lane: job.lane, jobId: job.id, registry, mates: () => laneMatesOf(deps, job, p) },
    };
    let evidence = await withSiblingsRestored(
      op,
      p.replacements.length > 0 ? await reconcileReplacing(op, p) : await reconcile(op, p.record),
    );
    if (p.group.sharedDatabase) {
      const others = choice.answering.filter((m) => m !== member);
      evidence = await confirmOnSecondMember(op, evidence, others);
      evidence = await refreshOtherScreens(op, evidence, others);
    }
    evidence = withKodiTime(evidence, steps, started);
    const present = isPresent(evidence);
    await deps.store.saveItemSync(p.item.id, p.group.id, {
      kodiIds: present ? evidence.kodiIds : [],
      kodiFile: present ? evidence.file : null,
      revisionApplied: p.item.revision,
      verifiedAt: now(),
      evidence,
    });
    await recordReplaced(deps.store, p.group.id, p.replacements, evidence, now());
    return evidence;
  });
}

async function runFolderRemoval({ deps, job, ctx, steps, now, started }: JobRun): Promise<SyncEvidence> {
  const parsed = folderRemovalPayload.safeParse(job.payload);
  if (!parsed.success) throw new PermanentError(`job ${job.id}: invalid folder removal payload`);
  const { kind, folder, libraryId } = parsed.data;
  const [group, mappings, players, library] = await Promise.all([
    deps.store.getGroup(job.lane),
    deps.store.listPathMappings(job.lane),
    deps.store.listPlayers(job.lane),
    deps.store.getLibrary(libraryId),
  ]);
  if (!group) throw new NotFoundError('player group', job.lane);
  if (!library) throw new NotFoundError('library', libraryId);
  const options = { groupName: group.name };
  const target = {
    kind,
    groupName: group.name,
    kodiFolder: kodiFolder(mapManagerToKodi(mappings, folder, options)),
    sourceRoot: kodiFolder(mapManagerToKodi(mappings, library.rootPath, options)),
  };
  const deferredFor = job.firstDeferredAt ? now() - job.firstDeferredAt : 0;
  const choice = await chooseMembers(group, players, deps.clientFor, steps, deferredFor);
  const evidence = await throughMembers(choice, steps, (member) =>
    removeFolder({
      ...target,
      member,
      answering: choice.answering,
      library: videoLibraryPort(member.client, steps, kind, ctx.signal),
      steps,
      signal: ctx.signal,
    }),
  );
  const recorded = withKodiTime(evidence, steps, started);
  for (const item of await deps.store.listItemsBelow(folder)) {
    if (item.state !== 'deleted' || item.kind !== kind) continue;
    await deps.store.saveItemSync(item.id, group.id, {
      kodiIds: [],
      kodiFile: null,
      revisionApplied: item.revision,
      verifiedAt: now(),
      evidence: recorded,
    });
  }
  return recorded;
}

/** Every job kind this handler runs, as the queue registers them. */
export const syncJobKinds: Record<string, JobKind> = {
  [SYNC_JOB_KIND]: syncJobKind,
  [FOLDER_REMOVAL_KIND]: folderRemovalKind,
};

export function createSyncJobHandler(
  deps: SyncEngineDeps,
): (job: SyncJob, ctx: SyncJobContext) => Promise<SyncJobResult> {
  const timing: ScanTiming = { ...DEFAULT_SCAN_TIMING, ...deps.timing };
  const now = deps.now ?? Date.now;
  const registry = new SharedScanRegistry();
  return async (job, ctx) => {
    const jobStarted = performance.now();
    const steps = new StepRecorder(
      (batch) =>
        ctx.addSteps
          ? ctx.addSteps(batch)
          : Promise.all(batch.map((s) => ctx.step(s.call, s.answer, s.durationMs))),
      (error) => deps.logger?.warn({ err: error, job: job.id }, 'recording a step failed'),
    );
    const run: JobRun = { deps, job, ctx, steps, timing, now, started: jobStarted, registry };
    try {
      return job.kind === FOLDER_REMOVAL_KIND ? await runFolderRemoval(run) : await runItemJob(run);
    } finally {
      await steps.flush();
    }
  };
}
