/**
 * Delete: remove every library row of the file (a multi-episode file has several), surgically by id, and prove it
 * gone by a fresh lookup — Remove answers OK and emits OnRemove even for ids that never existed (real-kodi.md §8).
 * A show left without episodes is removed too (Kodi keeps it, §8). The file being played is never removed: the job
 * waits for Player.OnStop (Kodi keeps playing a removed item, §10).
 */
import { describeKodi, KodiRpcError } from '../kodi/errors.js';
import { TransientError } from '../util/errors.js';
import { findByFile, type LibraryRow } from './lookup.js';
import { refuseIfPlaying, type Operation } from './operation.js';
import type { SyncEvidence } from './types.js';

async function removeEmptyShow(op: Operation, tvshowid: number): Promise<boolean> {
  const { client } = op.member;
  const show = await op.steps.call(
    `VideoLibrary.GetTVShowDetails ${tvshowid}`,
    () => client.getTVShowDetails(tvshowid, ['title', 'episode']),
    (r) => `${r.episode ?? '?'} episode(s)`,
  );
  if (show.episode !== 0) return false;
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

export async function removeItem(op: Operation, rows: LibraryRow[]): Promise<SyncEvidence> {
  const { client } = op.member;
  const started = performance.now();
  await refuseIfPlaying(op, 'removal');
  for (const row of rows) {
    await op.steps.call(
      `VideoLibrary.Remove${op.item.kind === 'movie' ? 'Movie' : 'Episode'} ${row.id}`,
      () => (op.item.kind === 'movie' ? client.removeMovie(row.id) : client.removeEpisode(row.id)),
    );
  }
  const left = await findByFile(client, op.steps, op.item.kind, op.kodiFile);
  if (left.length > 0) {
    throw new TransientError(
      `${describeKodi(op.member.player.endpoint)} answered OK to the removal but still lists "${op.kodiFile}" (ids ${left.map((r) => r.id).join(', ')})`,
    );
  }
  const evidence: SyncEvidence = {
    outcome: 'removed',
    member: op.member.player.name,
    kodiIds: rows.map((r) => r.id),
    file: op.kodiFile,
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
