/**
 * RefreshMovie / RefreshEpisode jobs (research/real-kodi.md §7, kodi-jsonrpc.md §4): Kodi deletes the row
 * (OnRemove old id), re-reads the NFO and re-adds the item with a NEW id (max + 1, so the same id when it
 * was the highest), announcing OnUpdate twice WITHOUT `transaction`. playcount, lastplayed and userrating
 * are lost; resume and dateadded survive (they live in the file's row). No scan notifications, and
 * Library.IsScanningVideo stays false. Like Remove*, the delete makes Kodi forget the folder's scan hash
 * (for an episode the show folder's too; measured for RefreshEpisode), and the re-add stores none. Local
 * art is looked up among the folder's file names as Kodi's directory cache last listed them
 * (directory-cache.ts); the NFO is read fresh.
 */
import { delay, type SimContext } from './context.js';
import type { DirectoryCache } from './directory-cache.js';
import { isFile, readEpisodes, readMovie } from './disk.js';

function announceReadded(ctx: SimContext, id: number, type: string): void {
  ctx.notify('VideoLibrary.OnUpdate', { item: { id, type } });
  ctx.notify('VideoLibrary.OnUpdate', { added: true, item: { id, type } });
}

function artNames(ctx: SimContext, cache: DirectoryCache, path: string): Promise<Set<string>> {
  return cache.artNames(path, ctx.settings.staleDirectoryCache);
}

export async function refreshMovie(
  ctx: SimContext,
  cache: DirectoryCache,
  movieid: number,
  stopped: () => boolean,
): Promise<void> {
  await delay(2);
  const old = ctx.library.movies.get(movieid);
  if (!old || stopped()) return;
  ctx.library.deleteMovie(movieid);
  ctx.notify('VideoLibrary.OnRemove', { id: movieid, type: 'movie' });
  await delay(ctx.settings.refreshMs);
  // When the re-add fails after the delete (file gone), the item is simply gone: OnRemove, no OnUpdate.
  if (stopped() || !(await isFile(old.file))) return;
  const { movie, dateadded } = await readMovie(old.file, await artNames(ctx, cache, old.path));
  const added = ctx.library.addMovie(movie, dateadded);
  announceReadded(ctx, added.movieid, 'movie');
}

export async function refreshEpisode(
  ctx: SimContext,
  cache: DirectoryCache,
  episodeid: number,
  stopped: () => boolean,
): Promise<void> {
  await delay(2);
  const old = ctx.library.episodes.get(episodeid);
  if (!old || stopped()) return;
  ctx.library.deleteEpisode(episodeid);
  ctx.notify('VideoLibrary.OnRemove', { id: episodeid, type: 'episode' });
  await delay(ctx.settings.refreshMs);
  if (stopped() || !(await isFile(old.file))) return;
  // A multi-episode file: the part with this row's numbers, else the first.
  const rows = await readEpisodes(old.file, old.tvshowid, await artNames(ctx, cache, old.path));
  const read =
    rows.find(({ episode }) => episode.season === old.season && episode.episode === old.episode) ?? rows[0];
  if (!read) return;
  const added = ctx.library.addEpisode(read.episode, read.dateadded);
  announceReadded(ctx, added.episodeid, 'episode');
}
