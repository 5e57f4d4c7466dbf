/**
 * One VideoLibrary.Clean job (research/real-kodi.md §9, kodi-jsonrpc.md §6): removes library entries whose
 * file is gone, but only when the item's source root folder exists — a missing root ("NAS offline") keeps
 * everything, while an existing but EMPTY root (an unmounted mount point) wipes everything below it.
 */
import { delay, type SimContext } from './context.js';
import { isDirectory, isFile } from './disk.js';

export interface CleanScope {
  content: 'video' | 'movies' | 'tvshows';
  /** Only entries below this folder ('' = everything). */
  directory: string;
}

async function removable(file: string, root: string): Promise<boolean> {
  return !(await isFile(file)) && (await isDirectory(root));
}

function announceRemoved(ctx: SimContext, id: number, type: string): void {
  ctx.notify('VideoLibrary.OnRemove', { id, transaction: true, type });
}

export async function runClean(ctx: SimContext, scope: CleanScope): Promise<void> {
  ctx.notify('VideoLibrary.OnCleanStarted', null);
  const inScope = (path: string): boolean => scope.directory === '' || path.startsWith(scope.directory);
  if (scope.content !== 'tvshows') {
    for (const movie of [...ctx.library.movies.values()]) {
      if (!inScope(movie.file) || !(await removable(movie.file, ctx.moviesRoot))) continue;
      await delay(ctx.settings.scanMsPerItem);
      ctx.library.deleteMovie(movie.movieid);
      announceRemoved(ctx, movie.movieid, 'movie');
    }
  }
  if (scope.content !== 'movies') {
    for (const episode of [...ctx.library.episodes.values()]) {
      if (!inScope(episode.file) || !(await removable(episode.file, ctx.tvRoot))) continue;
      await delay(ctx.settings.scanMsPerItem);
      ctx.library.deleteEpisode(episode.episodeid);
      announceRemoved(ctx, episode.episodeid, 'episode');
    }
    // Shows go when their folder (the path link) is gone, not when they merely have no episodes (§8).
    for (const show of [...ctx.library.tvshows.values()]) {
      if (!inScope(show.path) || (await isDirectory(show.path)) || !(await isDirectory(ctx.tvRoot))) continue;
      for (const episodeid of ctx.library.removeTVShow(show.tvshowid))
        announceRemoved(ctx, episodeid, 'episode');
      announceRemoved(ctx, show.tvshowid, 'tvshow');
    }
  }
  ctx.notify('VideoLibrary.OnCleanFinished', null);
}
