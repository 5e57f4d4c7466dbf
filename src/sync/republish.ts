/**
 * Re-publish: Kodi has the item, the manager changed it (metadata, art) → RefreshMovie / RefreshEpisode (a Scan never
 * updates an item already in the library; real-kodi.md §4). Kodi deletes and re-adds the row: OnRemove old id, then
 * OnUpdate added with a NEW id; IsScanningVideo stays false throughout, so completion comes from those events or,
 * without a WebSocket, from polling the lookup by file (§7). Kodi drops playcount, lastplayed and userrating (§7):
 * they are read before and written back after, then verified.
 */
import type { KodiClient } from '../kodi/client.js';
import { describeKodi, KodiRpcError } from '../kodi/errors.js';
import { kodiDirname } from '../paths/index.js';
import { TransientError } from '../util/errors.js';
import { findByFile, pickItemRow, type LibraryRow } from './lookup.js';
import { refuseIfPlaying, type Operation } from './operation.js';
import type { StepRecorder } from './steps.js';
import type { CompletionSignal, ItemKind, SyncEvidence } from './types.js';
import { KodiWatcher } from './watcher.js';

/** User data a refresh can lose; `resume` and `dateadded` are kept by Kodi 20 but restored too if they changed. */
const USER_FIELDS = ['playcount', 'lastplayed', 'userrating', 'resume', 'dateadded'] as const;
type UserData = Partial<Record<(typeof USER_FIELDS)[number], unknown>>;

/** Without events, a refresh that keeps its id (it had the highest id, §7) is invisible: accept after this long. */
const POLL_GRACE_MS = 2_000;
const REFRESH_TIMEOUT_MS = 60_000;

async function readUserData(
  client: KodiClient,
  steps: StepRecorder,
  kind: ItemKind,
  id: number,
): Promise<UserData & { title?: string; art?: Record<string, string> }> {
  const props = [...USER_FIELDS, 'title', 'art'];
  return kind === 'movie'
    ? steps.call(
        `VideoLibrary.GetMovieDetails ${id}`,
        () => client.getMovieDetails(id, props),
        (r) => `playcount ${r.playcount ?? '?'}`,
      )
    : steps.call(
        `VideoLibrary.GetEpisodeDetails ${id}`,
        () => client.getEpisodeDetails(id, props),
        (r) => `playcount ${r.playcount ?? '?'}`,
      );
}

function lost(before: UserData, after: UserData): UserData {
  const changes: UserData = {};
  for (const field of USER_FIELDS) {
    if (before[field] !== undefined && JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      changes[field] = before[field];
  }
  return changes;
}

/**
 * A refresh reads the item's folder (local art such as `<name>-poster.jpg`, the NFO) through Kodi's directory
 * cache, which still holds the listing of the last scan: a poster added since is silently not picked up. Listing
 * the folder first refreshes that cache entry (measured on Kodi 20.1; the same stale cache as real-kodi.md §4).
 */
async function primeFolder(op: Operation): Promise<void> {
  const folder = kodiDirname(op.kodiFile);
  try {
    await op.steps.call(
      `Files.GetDirectory "${folder}"`,
      () => op.member.client.getDirectory(folder),
      (r) => `${r.length} entries`,
    );
  } catch (error) {
    // Recorded as a step; the refresh and the lookup after it decide whether Kodi still has the item.
    if (!(error instanceof KodiRpcError)) throw error;
  }
}

async function awaitReAdd(
  op: Operation,
  watcher: KodiWatcher,
  oldId: number,
): Promise<{ row: LibraryRow; rows: LibraryRow[]; completion: CompletionSignal }> {
  const { client } = op.member;
  const started = performance.now();
  let seenAbsent = false;
  for (;;) {
    if (op.signal?.aborted) throw new TransientError('job cancelled while waiting for the refresh');
    const elapsed = performance.now() - started;
    const byEvents = watcher.eventsReliable;
    const removedOld = watcher.removed.some((r) => r.type === op.item.kind && r.id === oldId);
    const addedAny = watcher.added.some((a) => a.type === op.item.kind);
    if (!byEvents || (removedOld && addedAny) || elapsed >= REFRESH_TIMEOUT_MS) {
      const rows = await findByFile(client, op.steps, op.item.kind, op.kodiFile);
      const row = pickItemRow(op.item, rows);
      if (byEvents && row) return { row, rows, completion: 'OnRemove + OnUpdate added' };
      if (!row) seenAbsent = true;
      else if (seenAbsent || row.id !== oldId || elapsed >= POLL_GRACE_MS) {
        if (row.id === oldId && !seenAbsent)
          op.steps.note('refresh wait', 'no events and same id: re-add not observed, item present');
        return { row, rows, completion: 'polling' };
      }
      if (elapsed >= REFRESH_TIMEOUT_MS) {
        throw new TransientError(
          `${describeKodi(op.member.player.endpoint)} did not re-add "${op.kodiFile}" within ${REFRESH_TIMEOUT_MS / 1000} s after the refresh`,
        );
      }
    }
    await watcher.next(byEvents ? 1_000 : op.timing.pollMs, op.signal);
  }
}

export async function refreshItem(op: Operation, current: LibraryRow): Promise<SyncEvidence> {
  const { client } = op.member;
  const started = performance.now();
  await refuseIfPlaying(op, 'refresh');
  const before = await readUserData(client, op.steps, op.item.kind, current.id);
  await primeFolder(op);
  const watcher = new KodiWatcher(client);
  let result: Awaited<ReturnType<typeof awaitReAdd>>;
  try {
    await op.steps.call(
      `VideoLibrary.Refresh${op.item.kind === 'movie' ? 'Movie' : 'Episode'} ${current.id}`,
      () => (op.item.kind === 'movie' ? client.refreshMovie(current.id) : client.refreshEpisode(current.id)),
    );
    result = await awaitReAdd(op, watcher, current.id);
  } finally {
    watcher.dispose();
  }
  const newId = result.row.id;
  const after = await readUserData(client, op.steps, op.item.kind, newId);
  const restore = lost(before, after);
  let final = after;
  if (Object.keys(restore).length > 0) {
    await op.steps.call(
      `VideoLibrary.Set${op.item.kind === 'movie' ? 'Movie' : 'Episode'}Details ${newId} ${JSON.stringify(restore)}`,
      () =>
        op.item.kind === 'movie'
          ? client.setMovieDetails(newId, restore)
          : client.setEpisodeDetails(newId, restore),
    );
    final = await readUserData(client, op.steps, op.item.kind, newId);
    const still = lost(before, final);
    if (Object.keys(still).length > 0) {
      throw new TransientError(
        `${describeKodi(op.member.player.endpoint)} did not keep the restored ${Object.keys(still).join(', ')} of "${op.kodiFile}"`,
      );
    }
  }
  return {
    outcome: 'refreshed',
    member: op.member.player.name,
    kodiIds: result.rows.map((r) => r.id),
    file: result.row.file,
    matchedBy: 'file',
    completion: result.completion,
    ...(final.title !== undefined && { title: final.title }),
    ...(final.art !== undefined && { art: final.art }),
    ...(Object.keys(restore).length > 0 && { restored: restore }),
    notes: [`Kodi id ${current.id} → ${newId}`],
    timings: { totalMs: Math.round(performance.now() - started) },
  };
}
