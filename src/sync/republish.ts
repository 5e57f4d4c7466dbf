/**
 * Re-publish: Kodi has the item, the manager changed it (metadata, art) → RefreshMovie / RefreshEpisode (a Scan never
 * updates an item already in the library; real-kodi.md §4). Kodi runs scan, clean and refresh one at a time: a
 * refresh sent during a scan answers OK and runs only when the scan ends (§16), so the library must be idle first,
 * as for a scan. Kodi then deletes and re-adds the row — OnRemove old id, OnUpdate added (a NEW id unless the row
 * had the highest id, §7) — invisible to IsScanningVideo. Completion only from what was observed: those events, or
 * polling that saw the row absent, its id change, its NFO data change, or its user data reset. A timeout is
 * transient, never success. The user data read before is stored durably first (user-data.ts) and every retry
 * restores from it until the restore is verified; only what the refresh reset is written back.
 */
import { describeKodi, KodiRpcError } from '../kodi/errors.js';
import { kodiDirname } from '../paths/index.js';
import { TransientError } from '../util/errors.js';
import type { LibraryRow } from './library-port.js';
import { lookupFile, pickItemRow } from './lookup.js';
import { refuseIfPlaying, waitForLibraryIdle, type Operation } from './operation.js';
import type { CompletionSignal, SyncEvidence } from './types.js';
import {
  hasWatchState,
  heldEntries,
  refreshRestore,
  snapshotEntry,
  unkeptFields,
  userDataOf,
  USER_FIELDS,
  type UserData,
} from './user-data.js';
import { KodiWatcher } from './watcher.js';

/** How long a refresh on an idle library may take to show its re-add before the job retries (transient). */
export const REFRESH_TIMEOUT_MS = 60_000;
/** Right after the refresh the row is absent for ~40 ms (real-kodi.md §7): poll fast at first. */
const FAST_POLL_WINDOW_MS = 1_000;
const DETAIL_PROPS = [...USER_FIELDS, 'title', 'art'];

/**
 * A refresh reads the item's folder (local art such as `<name>-poster.jpg`, the NFO) through Kodi's directory
 * cache, which still holds the listing of the last scan: a poster added since is silently not picked up. Listing
 * the folder first refreshes that cache entry (real-kodi.md §16).
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

/** What the row looked like before: the held snapshot of an earlier attempt wins over Kodi's current values. */
async function beforeRefresh(
  op: Operation,
  current: LibraryRow,
): Promise<{ row: LibraryRow; data: UserData }> {
  const row = await op.library.details(current.id, DETAIL_PROPS);
  const entry = heldEntries(op.snapshot.held, 'refreshed').find(
    (e) => e.season === row.season && e.episode === row.episode,
  );
  if (entry) {
    op.steps.note(
      'user data',
      `restoring from the snapshot taken ${new Date(op.snapshot.held?.takenAt ?? 0).toISOString()}`,
    );
    return { row, data: entry.data };
  }
  const data = userDataOf(row);
  if (hasWatchState(data)) {
    await op.snapshot.save([snapshotEntry(row, 'refreshed')]);
    op.steps.note('user data', `snapshot stored before the refresh: ${JSON.stringify(data)}`);
  }
  return { row, data };
}

/** The observation that proves Kodi re-added the row, or undefined when nothing proves it yet. */
export function refreshObserved(
  before: { row: LibraryRow; data: UserData },
  now: LibraryRow | undefined,
  seenAbsent: boolean,
): string | undefined {
  if (!now) return undefined;
  if (seenAbsent) return 'row absent, then present again';
  if (now.id !== before.row.id) return `id ${before.row.id} → ${now.id}`;
  if (hasWatchState(before.data) && Object.keys(refreshRestore(before.data, userDataOf(now))).length > 0)
    return 'user data reset by the refresh';
  if (now.title !== before.row.title || JSON.stringify(now.art) !== JSON.stringify(before.row.art))
    return 'title or art re-read from the NFO';
  return undefined;
}

async function awaitReAdd(
  op: Operation,
  watcher: KodiWatcher,
  before: { row: LibraryRow; data: UserData },
): Promise<{ row: LibraryRow; rows: LibraryRow[]; completion: CompletionSignal; how: string }> {
  const started = performance.now();
  let seenAbsent = false;
  for (;;) {
    if (op.signal?.aborted)
      throw new TransientError('job cancelled or lease lost while waiting for the refresh');
    const elapsed = performance.now() - started;
    const byEvents = watcher.eventsReliable;
    const removedOld = watcher.removed.some((r) => r.type === op.item.kind && r.id === before.row.id);
    const addedAny = watcher.added.some((a) => a.type === op.item.kind);
    if (!byEvents || (removedOld && addedAny) || elapsed >= REFRESH_TIMEOUT_MS) {
      const { rows } = await lookupFile(op.library, op.kodiFile, DETAIL_PROPS);
      const row = pickItemRow(op.item, rows);
      if (!row) seenAbsent = true;
      else if (byEvents && removedOld && addedAny) {
        return { row, rows, completion: 'OnRemove + OnUpdate added', how: `id ${before.row.id} → ${row.id}` };
      } else {
        const how = refreshObserved(before, row, seenAbsent);
        if (how) return { row, rows, completion: 'polling', how };
      }
      if (performance.now() - started >= REFRESH_TIMEOUT_MS) {
        throw new TransientError(
          `${describeKodi(op.member.player.endpoint)} answered OK to the refresh of "${op.kodiFile}" but no re-add ` +
            `was observed within ${REFRESH_TIMEOUT_MS / 1000} s (${byEvents ? 'no OnRemove/OnUpdate' : 'polling saw the same row'}); ` +
            `Kodi may have queued it behind a scan or clean. The user data stays stored and the retry restores it`,
        );
      }
    }
    const gap = elapsed < FAST_POLL_WINDOW_MS ? Math.max(10, op.timing.pollMs / 4) : op.timing.pollMs;
    await watcher.next(byEvents ? 1_000 : gap, op.signal);
  }
}

async function restore(
  op: Operation,
  before: UserData,
  row: LibraryRow,
): Promise<{ restored: UserData; final: LibraryRow }> {
  const restored = refreshRestore(before, userDataOf(row));
  if (Object.keys(restored).length === 0) return { restored, final: row };
  await op.library.setDetails(row.id, restored as Record<string, unknown>);
  const final = await op.library.details(row.id, DETAIL_PROPS);
  const lost = unkeptFields(restored, final);
  if (lost.length > 0) {
    throw new TransientError(
      `${describeKodi(op.member.player.endpoint)} did not keep the restored ${lost.join(', ')} of "${op.kodiFile}"; ` +
        `the stored user data is used by the retry`,
    );
  }
  return { restored, final };
}

export async function refreshItem(op: Operation, current: LibraryRow): Promise<SyncEvidence> {
  const started = performance.now();
  await refuseIfPlaying(op, 'refresh', op.kodiFile);
  await waitForLibraryIdle(op);
  const before = await beforeRefresh(op, current);
  await primeFolder(op);
  const watcher = new KodiWatcher(op.member.client);
  let result: Awaited<ReturnType<typeof awaitReAdd>>;
  try {
    await op.library.refresh(before.row.id);
    result = await awaitReAdd(op, watcher, before);
  } finally {
    watcher.dispose();
  }
  const { restored, final } = await restore(op, before.data, result.row);
  return {
    outcome: 'refreshed',
    member: op.member.player.name,
    kodiIds: result.rows.map((r) => r.id),
    file: final.file,
    matchedBy: 'file',
    completion: result.completion,
    title: final.title,
    ...(final.art !== undefined && { art: final.art }),
    ...(Object.keys(restored).length > 0 && { restored: restored as Record<string, unknown> }),
    notes: [`re-add observed: ${result.how}`],
    timings: { totalMs: Math.round(performance.now() - started) },
  };
}
