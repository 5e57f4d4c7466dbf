/**
 * One 'sync-item' job (DESIGN §6): read the item's desired state and what Kodi has NOW, act, await, verify, and
 * store the evidence. A job never succeeds without a fresh lookup in Kodi backing it (DESIGN §2.1). A transient
 * failure on one member fails over to the next member of the group (§6.6).
 */
import type { Logger } from 'pino';
import type { KodiClient } from '../kodi/client.js';
import { folderBelow, kodiDirname, kodiFolder, mapManagerToKodi } from '../paths/index.js';
import { errorMessage, NotFoundError, retryClassOf } from '../util/errors.js';
import { decideAction } from './decide.js';
import { removeItem } from './delete.js';
import { findByFile, pickItemRow } from './lookup.js';
import { chooseMembers } from './member.js';
import type { Operation } from './operation.js';
import { publishItem } from './publish.js';
import { recordReplaced, replaceOldFiles } from './replace.js';
import { refreshItem } from './republish.js';
import { DEFAULT_SCAN_TIMING, type ScanTiming } from './scan-wait.js';
import { confirmOnSecondMember, refreshOtherScreens } from './shared-database.js';
import { StepRecorder, type RecordedStep } from './steps.js';
import { itemIdOf, replacesOf } from './job-contract.js';
import type { SyncEvidence, SyncGroup, SyncItem, SyncPlayer, SyncStore } from './types.js';

/** The parts of a queue job this handler reads. */
export interface SyncJob {
  id: number;
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

export interface SyncEngineDeps {
  store: SyncStore;
  clientFor: (player: SyncPlayer) => KodiClient | Promise<KodiClient>;
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
  /** The replaced old files as the manager sees them, and in Kodi's form (same order). */
  replaces: string[];
  replacedFiles: string[];
}

async function plan(store: SyncStore, job: SyncJob): Promise<Plan> {
  const itemId = itemIdOf(job);
  // Independent reads at once (one round trip instead of four on PostgreSQL).
  const [item, group, mappings, players] = await Promise.all([
    store.getItem(itemId),
    store.getGroup(job.lane),
    store.listPathMappings(job.lane),
    store.listPlayers(job.lane),
  ]);
  if (!item) throw new NotFoundError('item', itemId);
  if (!group) throw new NotFoundError('player group', job.lane);
  const library = item.libraryId === null ? undefined : await store.getLibrary(item.libraryId);
  const options = { groupName: group.name };
  const kodiFile = mapManagerToKodi(mappings, item.path, options);
  const sourceRoot = library
    ? kodiFolder(mapManagerToKodi(mappings, library.rootPath, options))
    : kodiDirname(kodiFile);
  // A movie is scanned by its folder; an episode by its show folder (the folder right below the TV source root).
  const scanFolder =
    item.kind === 'episode'
      ? (folderBelow(sourceRoot, kodiFile) ?? kodiDirname(kodiFile))
      : kodiDirname(kodiFile);
  const replaces = replacesOf(job);
  const replacedFiles = replaces.map((path) => mapManagerToKodi(mappings, path, options));
  return { item, group, players, kodiFile, scanFolder, sourceRoot, replaces, replacedFiles };
}

async function reconcile(op: Operation, store: SyncStore): Promise<SyncEvidence> {
  const started = performance.now();
  const [rows, record] = await Promise.all([
    findByFile(op.member.client, op.steps, op.item.kind, op.kodiFile),
    store.getItemSync(op.item.id, op.group.id),
  ]);
  const row = pickItemRow(op.item, rows);
  const action = decideAction(op.item, row !== undefined, record?.revisionApplied ?? null);
  op.steps.note('decide', `${op.item.state}, ${row ? `in Kodi as ${row.id}` : 'not in Kodi'} → ${action}`);
  const base = {
    member: op.member.player.name,
    timings: { totalMs: Math.round(performance.now() - started) },
  };
  switch (action) {
    case 'publish':
      return publishItem(op);
    case 'refresh':
      return row ? refreshItem(op, row) : publishItem(op);
    case 'remove':
      return removeItem(op, rows);
    case 'in-sync':
      return {
        ...base,
        outcome: 'already in sync',
        kodiIds: rows.map((r) => r.id),
        file: row?.file ?? null,
        matchedBy: 'file',
        completion: 'lookup',
        ...(row && { title: row.title }),
      };
    case 'absent':
      return { ...base, outcome: 'already absent', kodiIds: [], file: op.kodiFile, completion: 'lookup' };
  }
}

/**
 * Only once the new file is verified in Kodi (the old entries hold the user data until then). The replaced items
 * have no jobs of their own (submit.ts), so when the new item is not wanted either, they are still removed.
 */
async function replaceAfter(op: Operation, evidence: SyncEvidence, replacedFiles: string[]): Promise<void> {
  const present = evidence.outcome !== 'removed' && evidence.outcome !== 'already absent';
  evidence.replaced = await replaceOldFiles(op, replacedFiles, present);
}

export function createSyncJobHandler(
  deps: SyncEngineDeps,
): (job: SyncJob, ctx: SyncJobContext) => Promise<SyncJobResult> {
  const timing: ScanTiming = { ...DEFAULT_SCAN_TIMING, ...deps.timing };
  const now = deps.now ?? Date.now;
  return async (job, ctx) => {
    const steps = new StepRecorder(
      (batch) =>
        ctx.addSteps
          ? ctx.addSteps(batch)
          : Promise.all(batch.map((s) => ctx.step(s.call, s.answer, s.durationMs))),
      (error) => deps.logger?.warn({ err: error, job: job.id }, 'recording a step failed'),
    );
    try {
      const p = await plan(deps.store, job);
      const deferredFor = job.firstDeferredAt ? now() - job.firstDeferredAt : 0;
      const choice = await chooseMembers(p.group, p.players, deps.clientFor, steps, deferredFor);
      let lastError: unknown;
      for (const member of choice.usable) {
        const op: Operation = {
          ...p,
          member,
          answering: choice.answering,
          steps,
          timing,
          signal: ctx.signal,
        };
        try {
          const evidence = await reconcile(op, deps.store);
          if (p.replacedFiles.length > 0) await replaceAfter(op, evidence, p.replacedFiles);
          if (p.group.sharedDatabase) {
            const others = choice.answering.filter((m) => m !== member);
            await confirmOnSecondMember(op, evidence, others);
            await refreshOtherScreens(op, evidence, others);
          }
          evidence.timings.kodiMs = Math.round(steps.kodiMs * 100) / 100;
          const present = evidence.outcome !== 'removed' && evidence.outcome !== 'already absent';
          await deps.store.saveItemSync(p.item.id, p.group.id, {
            kodiIds: present ? evidence.kodiIds : [],
            kodiFile: present ? evidence.file : null,
            revisionApplied: p.item.revision,
            verifiedAt: now(),
            evidence,
          });
          await recordReplaced(deps.store, p.group.id, p.replaces, evidence, now());
          return evidence;
        } catch (error) {
          if (retryClassOf(error) !== 'transient' || member === choice.usable.at(-1)) throw error;
          lastError = error;
          steps.note('failover', `${member.player.name}: ${errorMessage(error)} → next member`);
        }
      }
      throw lastError;
    } finally {
      await steps.flush();
    }
  };
}
