/**
 * The drift report of one player group (DESIGN §7): the desired state (items) against the group's Kodi library,
 * by exact file, from one paged listing of the library:
 * - missing: published, but Kodi has no entry for its file (for an episode item that names its episode, no row of
 *   that season and episode);
 * - deleted but present: deleted, and Kodi still lists the file;
 * - stale: in Kodi, but the last verified job applied an older revision than the item's (item_sync);
 * - unknown: Kodi entries below the group's roots that no item describes — reported, never removed.
 * Repair enqueues ordinary sync-item jobs (one batch) for missing, deleted-but-present and stale items.
 */
import type { Kysely } from 'kysely';
import { mapManagerToKodi, withoutCredentials } from '../paths/index.js';
import type { JobQueue } from '../queue/queue.js';
import { listItems, listItemSync, type Database, type Item } from '../store/index.js';
import { syncJobInput } from '../sync/job-contract.js';
import { chooseMembers } from '../sync/member.js';
import { storedBelow } from '../sync/lookup.js';
import type { StepRecorder } from '../sync/steps.js';
import type { SyncPlayer, SyncStore } from '../sync/types.js';
import type { KodiClient } from '../kodi/client.js';
import { loadGroupScope, type GroupScope } from './group-scope.js';
import { listLibrary, type LibraryEntry } from './library-listing.js';

export interface DriftItem {
  itemId: number;
  kind: 'movie' | 'episode';
  path: string;
  kodiFile: string;
  season: number | null;
  episode: number | null;
  /** Kodi's ids of the file's rows, when it has any. */
  kodiIds: number[];
  revision: number;
  revisionApplied?: number | null;
}

export interface DriftReport {
  groupId: number;
  group: string;
  member: string;
  checkedAt: number;
  itemsCompared: number;
  kodiEntries: number;
  missing: DriftItem[];
  deletedButPresent: DriftItem[];
  stale: DriftItem[];
  unknown: LibraryEntry[];
  /** Milliseconds the library listing took (the paged GetMovies / GetEpisodes). */
  listingMs: number;
}

export interface DriftDeps {
  db: Kysely<Database>;
  store: SyncStore;
  clientFor: (player: SyncPlayer) => KodiClient | Promise<KodiClient>;
}

const PAGE = 5_000;

async function itemsOf(db: Kysely<Database>, scope: GroupScope): Promise<Item[]> {
  const all: Item[] = [];
  for (const root of scope.roots) {
    for (let afterId = 0; ;) {
      const page = await listItems(db, { libraryId: root.library.id, limit: PAGE, afterId });
      all.push(...page);
      if (page.length < PAGE) break;
      afterId = page.at(-1)?.id ?? afterId;
    }
  }
  return all;
}

function fileKey(file: string): string {
  return withoutCredentials(file);
}

export async function driftReport(
  deps: DriftDeps,
  groupId: number,
  steps: StepRecorder,
  now: () => number = Date.now,
): Promise<DriftReport> {
  const scope = await loadGroupScope(deps.db, deps.store, groupId);
  const { usable } = await chooseMembers(scope.group, scope.players, deps.clientFor, steps, 0);
  const member = usable[0];
  if (!member) throw new Error(`no member of group "${scope.group.name}" answers`);
  const kinds = [...new Set(scope.roots.map((r) => r.kind))];
  const started = performance.now();
  const entries = (await listLibrary(member.client, steps, kinds)).filter((e) =>
    scope.roots.some((r) => r.kind === e.kind && storedBelow(e.file, r.kodiRoot)),
  );
  const listingMs = Math.round(performance.now() - started);
  const byFile = new Map<string, LibraryEntry[]>();
  for (const e of entries) {
    const key = `${e.kind}:${fileKey(e.file)}`;
    byFile.set(key, [...(byFile.get(key) ?? []), e]);
  }
  const items = await itemsOf(deps.db, scope);
  const applied = new Map(
    (await listItemSync(deps.db, { groupId })).map((s) => [s.itemId, s.revisionApplied] as const),
  );
  const report: DriftReport = {
    groupId,
    group: scope.group.name,
    member: member.player.name,
    checkedAt: now(),
    itemsCompared: items.length,
    kodiEntries: entries.length,
    missing: [],
    deletedButPresent: [],
    stale: [],
    unknown: [],
    listingMs,
  };
  const described = new Set<string>();
  for (const item of items) {
    const kodiFile = mapManagerToKodi(scope.mappings, item.path, { groupName: scope.group.name });
    const key = `${item.kind}:${fileKey(kodiFile)}`;
    described.add(key);
    const rows = byFile.get(key) ?? [];
    const own =
      item.kind === 'episode' && item.season !== null && item.episode !== null
        ? rows.filter((r) => r.season === item.season && r.episode === item.episode)
        : rows;
    const drift: DriftItem = {
      itemId: item.id,
      kind: item.kind,
      path: item.path,
      kodiFile,
      season: item.season,
      episode: item.episode,
      kodiIds: own.map((r) => r.id),
      revision: item.revision,
      ...(applied.has(item.id) && { revisionApplied: applied.get(item.id) ?? null }),
    };
    if (item.state === 'deleted') {
      if (own.length > 0) report.deletedButPresent.push(drift);
    } else if (own.length === 0) {
      report.missing.push(drift);
    } else {
      const revisionApplied = applied.get(item.id);
      if (revisionApplied !== undefined && (revisionApplied ?? 0) < item.revision) report.stale.push(drift);
    }
  }
  for (const [key, rows] of byFile) if (!described.has(key)) report.unknown.push(...rows);
  return report;
}

/** The items a repair reconciles: missing, deleted but present, stale. */
export function repairItemIds(report: DriftReport): number[] {
  return [...new Set([...report.missing, ...report.deletedButPresent, ...report.stale].map((d) => d.itemId))];
}

/** Enqueues one batch of ordinary sync-item jobs for what drifted; undefined when nothing did. */
export async function repairDrift(
  queue: Pick<JobQueue, 'enqueueBatch'>,
  report: DriftReport,
): Promise<{ batchId: number; jobIds: number[] } | undefined> {
  const ids = repairItemIds(report);
  if (ids.length === 0) return undefined;
  const batch = await queue.enqueueBatch(
    ids.map((id) => syncJobInput(report.groupId, id)),
    { label: `drift repair of ${report.group}` },
  );
  return { batchId: batch.batchId, jobIds: batch.jobs.map((j) => j.id) };
}
