/**
 * The write side of VideoLibrary: Scan, Clean, Refresh*, Remove*, Set*Details, with the semantics measured
 * on Kodi 20.1 (research/real-kodi.md §2–§9).
 */
import type { SimContext } from '../context.js';
import type { SimEpisode, SimMovie } from '../library.js';
import { invalidParams } from '../rpc-error.js';
import { optionalBoolean, optionalObject, optionalString, requiredId, type Params } from './params.js';
import { OK, type MethodTable } from './types.js';

const CLEAN_CONTENT = new Set(['video', 'movies', 'tvshows', 'musicvideos']);

function remove(ctx: SimContext, type: 'movie' | 'episode', id: number): string {
  // Kodi forgets the folder's scan hash with the row (library.ts), so the next scan of it lists it again.
  if (type === 'movie') ctx.library.deleteMovie(id);
  else ctx.library.deleteEpisode(id);
  // No existence check: OK and OnRemove even for an id that never existed (§8). The OnRemove goes out
  // before the answer. The playing item is not protected (§10).
  ctx.notify('VideoLibrary.OnRemove', { id, type });
  return OK;
}

function refresh(
  ctx: SimContext,
  params: Params,
  type: 'movie' | 'episode',
  id: number,
  exists: boolean,
): string {
  if (!exists) throw invalidParams();
  // With the local NFO scraper, ignorenfo:true answers OK and changes nothing (§7).
  if (!optionalBoolean(params, 'ignorenfo', false)) ctx.jobs.requestRefresh(type, id);
  return OK;
}

/** SetMovieDetails / SetEpisodeDetails: the user-data fields the sync restores after a refresh. */
function setDetails(
  ctx: SimContext,
  params: Params,
  item: SimMovie | SimEpisode,
  type: string,
  id: number,
): string {
  const row = ctx.library.fileRow(item.file, '');
  if (params.title !== undefined) item.title = optionalString(params, 'title', item.title);
  if (params.lastplayed !== undefined) item.lastplayed = optionalString(params, 'lastplayed', '');
  if (params.dateadded !== undefined) row.dateadded = optionalString(params, 'dateadded', row.dateadded);
  if (params.userrating !== undefined) item.userrating = integerField(params, 'userrating');
  const resume = optionalObject(params, 'resume');
  if (resume) {
    const position = typeof resume.position === 'number' ? resume.position : 0;
    const total = typeof resume.total === 'number' ? resume.total : 0;
    row.resume = { position, total };
  }
  if (params.playcount !== undefined) {
    item.playcount = integerField(params, 'playcount');
    ctx.notify('VideoLibrary.OnUpdate', { item: { id, type }, playcount: item.playcount });
  } else {
    ctx.notify('VideoLibrary.OnUpdate', { item: { id, type } });
  }
  return OK;
}

function integerField(params: Params, name: string): number {
  const value = params[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidParams({ stack: { message: 'Invalid type integer received', name, type: 'integer' } });
  }
  return value;
}

export const videoWriteMethods: MethodTable = {
  'VideoLibrary.Scan': (params, ctx) => {
    const directory = optionalString(params, 'directory', '');
    optionalBoolean(params, 'showdialogs', true);
    ctx.jobs.requestScan(directory);
    return OK;
  },

  'VideoLibrary.Clean': async (params, ctx) => {
    const modal = optionalBoolean(params, 'showdialogs', true);
    const content = optionalString(params, 'content', 'video');
    const directory = optionalString(params, 'directory', '');
    if (!CLEAN_CONTENT.has(content)) {
      throw invalidParams({
        stack: { message: 'Received value does not match any enum value', name: 'content', type: 'string' },
      });
    }
    if (content === 'musicvideos') return OK;
    // showdialogs:true runs the clean modally: the answer comes only when it is over (§9).
    await ctx.jobs.requestClean({ content: content as 'video' | 'movies' | 'tvshows', directory }, modal);
    return OK;
  },

  'VideoLibrary.RefreshMovie': (params, ctx) => {
    const id = requiredId(params, 'movieid');
    return refresh(ctx, params, 'movie', id, ctx.library.movies.has(id));
  },

  'VideoLibrary.RefreshEpisode': (params, ctx) => {
    const id = requiredId(params, 'episodeid');
    return refresh(ctx, params, 'episode', id, ctx.library.episodes.has(id));
  },

  'VideoLibrary.RemoveMovie': (params, ctx) => remove(ctx, 'movie', requiredId(params, 'movieid')),

  'VideoLibrary.RemoveEpisode': (params, ctx) => remove(ctx, 'episode', requiredId(params, 'episodeid')),

  'VideoLibrary.RemoveTVShow': (params, ctx) => {
    const id = requiredId(params, 'tvshowid');
    // Kodi deletes the show's episodes one by one (each announced), then the show.
    for (const episodeid of ctx.library.removeTVShow(id)) {
      ctx.notify('VideoLibrary.OnRemove', { id: episodeid, type: 'episode' });
    }
    ctx.notify('VideoLibrary.OnRemove', { id, type: 'tvshow' });
    return OK;
  },

  'VideoLibrary.SetMovieDetails': (params, ctx) => {
    const id = requiredId(params, 'movieid');
    const movie = ctx.library.movies.get(id);
    if (!movie) throw invalidParams();
    return setDetails(ctx, params, movie, 'movie', id);
  },

  'VideoLibrary.SetEpisodeDetails': (params, ctx) => {
    const id = requiredId(params, 'episodeid');
    const episode = ctx.library.episodes.get(id);
    if (!episode) throw invalidParams();
    return setDetails(ctx, params, episode, 'episode', id);
  },
};
