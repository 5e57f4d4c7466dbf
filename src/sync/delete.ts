/**
 * Delete: remove every library row of the file (a multi-episode file has several), surgically by id, and prove it
 * gone by a fresh lookup — Remove answers OK and emits OnRemove even for ids that never existed (real-kodi.md §8).
 * A show left without episodes is removed too (Kodi keeps it, §8). The file being played is never removed: the job
 * waits for Player.OnStop (Kodi keeps playing a removed item, §10).
 */
import { describeKodi, KodiRpcError } from '../kodi/errors.js';
import { maskCredentials } from '../paths/index.js';
import { TransientError } from '../util/errors.js';
import { assertMayChangeKodi, type LibraryRow } from './library-port.js';
import { findByFile } from './lookup.js';
import { refuseIfPlaying, type MemberAction, type Operation } from './operation.js';
import type { SyncEvidence } from './types.js';

export async function removeEmptyShow(op: MemberAction, tvshowid: number): Promise<boolean> {
  const { client } = op.member;
  const show = await op.steps.call(
    `VideoLibrary.GetTVShowDetails ${tvshowid}`,
    () => client.getTVShowDetails(tvshowid, ['title', 'episode']),
    (r) => `${r.episode ?? '?'} episode(s)`,
  );
  if (show.episode !== 0) return false;
  assertMayChangeKodi(op.signal, `VideoLibrary.RemoveTVShow ${tvshowid}`);
  await op.steps.call(`VideoLibrary.RemoveTVShow ${tvshowid}`, () => client.removeTVShow(tvshowid));
  try {
    await op.steps.call(`VideoLibrary.GetTVShowDetails ${tvshowid} (verify)`, () =>
      client.getTVShowDetails(tvshowid, ['title']),
    );
  } catch (error) {
    if (error instanceof KodiRpcError && error.code === -32602) return true;
    throw error;
  }
  throw new TransientError(
    `${describeKodi(op.member.player.endpoint)} still lists the empty show ${tvshowid} after RemoveTVShow`,
  );
}

/**
 * Removes `rows` (every row of the item's file, or of one episode of it) and proves them gone by a fresh lookup.
 * A path-only episode item removes every row of its file; an item with season/episode only its own row.
 */
/**
 * Removes `rows` of `file` (none of them playing: checked first) and proves them gone by a fresh lookup: Remove
 * answers OK even for unknown ids (real-kodi.md §8). Other rows of the same file (other episodes) may stay.
 */
export async function removeRowsProven(
  op: MemberAction,
  file: string,
  rows: readonly LibraryRow[],
  what: string,
): Promise<void> {
  if (rows.length === 0) return;
  await refuseIfPlaying(op, what, file);
  for (const row of rows) await op.library.remove(row.id);
  const removed = new Set(rows.map((r) => r.id));
  const left = (await findByFile(op.library, file)).filter((r) => removed.has(r.id));
  if (left.length > 0) {
    throw new TransientError(
      maskCredentials(
        `${describeKodi(op.member.player.endpoint)} answered OK to the ${what} but still lists "${file}" (ids ${left.map((r) => r.id).join(', ')})`,
      ),
    );
  }
}

/**
 * Deletes the item: `rows` are every row of its file, or for an episode item that names its episode, its own row.
 */
export async function removeItem(op: Operation, rows: LibraryRow[]): Promise<SyncEvidence> {
  const started = performance.now();
  await removeRowsProven(op, op.kodiFile, rows, 'removal');
  const evidence: SyncEvidence = {
    outcome: 'removed',
    member: op.member.player.name,
    kodiIds: rows.map((r) => r.id),
    file: rows[0]?.file ?? op.kodiFile,
    matchedBy: 'file',
    completion: 'lookup',
    timings: { totalMs: Math.round(performance.now() - started) },
  };
  const shows = new Set(rows.map((r) => r.tvshowid).filter((id): id is number => id !== undefined));
  for (const tvshowid of shows) {
    if (await removeEmptyShow(op, tvshowid)) evidence.removedShowId = tvshowid;
  }
  return evidence;
}
