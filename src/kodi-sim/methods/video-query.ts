/**
 * The read side of VideoLibrary: GetMovies / GetTVShows / GetEpisodes with filter, sort and limits, and the
 * Get*Details calls (-32602 for a missing id, real-kodi.md §7). The list key (`movies` …) is present even
 * when nothing matched, as measured on Kodi 20.1.
 */
import { compileFilter, requiredFolder, type FieldLookup, type FilterKind } from '../filters.js';
import type { ItemTable } from '../item-table.js';
import { invalidParams } from '../rpc-error.js';
import {
  applyLimits,
  optionalInteger,
  optionalObject,
  propertyList,
  requiredId,
  type Params,
} from './params.js';
import type { SimEpisode, SimMovie, SimTVShow } from '../library.js';
import type { MethodTable } from './types.js';
import {
  EPISODE_PROPERTIES,
  MOVIE_PROPERTIES,
  TVSHOW_PROPERTIES,
  episodeLookup,
  episodeOut,
  movieLookup,
  movieOut,
  tvshowLookup,
  tvshowOut,
} from './video-fields.js';

interface Row<T> {
  item: T;
  lookup: FieldLookup;
  file: string;
}

const SORT_FIELDS: Record<string, string> = {
  label: 'title',
  title: 'title',
  sorttitle: 'title',
  year: 'year',
  path: 'path',
  dateadded: 'dateadded',
  lastplayed: 'lastplayed',
  playcount: 'playcount',
  episode: 'episode',
  season: 'season',
  tvshowtitle: 'tvshow',
};

function sortRows<T>(rows: Row<T>[], params: Params): Row<T>[] {
  const sort = optionalObject(params, 'sort');
  const method = typeof sort?.method === 'string' ? sort.method : 'none';
  const descending = sort?.order === 'descending';
  const key = (row: Row<T>): string | number | boolean =>
    method === 'file' ? row.file : row.lookup(SORT_FIELDS[method] ?? '');
  if (method === 'none' || (method !== 'file' && !(method in SORT_FIELDS))) return rows;
  const sorted = [...rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y));
  });
  return descending ? sorted.reverse() : sorted;
}

/**
 * The rows a filter can match: with a wildcard-free `path is` rule only those of that folder (from the table's
 * index, like Kodi's SQL index); the full filter still decides about each of them.
 */
function candidates<T extends { file: string; path: string }>(params: Params, table: ItemTable<T>): T[] {
  const folder = params.filter === undefined ? undefined : requiredFolder(params.filter);
  return folder === undefined ? [...table.values()] : table.inFolder(folder);
}

function listAnswer<T>(
  params: Params,
  method: string,
  kind: FilterKind,
  rows: () => Row<T>[],
  write: (item: T) => Record<string, unknown>,
): Record<string, unknown> {
  // Validated first: a bad filter is rejected even when no row could match it.
  const filter = params.filter === undefined ? undefined : compileFilter(kind, params.filter, method);
  const all = rows();
  const matching = filter ? all.filter((row) => filter(row.lookup)) : all;
  const { limits, page } = applyLimits(params, sortRows(matching, params));
  // Real Kodi 20.1 sends the list key even when nothing matched (`"movies":[]`, contract suite).
  return { limits, [kind]: page.map((row) => write(row.item)) };
}

export const videoQueryMethods: MethodTable = {
  'VideoLibrary.GetMovies': (params, ctx, call) => {
    const properties = propertyList(params, MOVIE_PROPERTIES, 'Item.Fields.Base');
    const rows = (): Row<SimMovie>[] =>
      candidates(params, ctx.library.movies).map((movie) => ({
        item: movie,
        lookup: movieLookup(ctx, movie),
        file: movie.file,
      }));
    return listAnswer(params, call.method, 'movies', rows, (movie) => movieOut(ctx, movie, properties));
  },

  'VideoLibrary.GetMovieDetails': (params, ctx) => {
    const movieid = requiredId(params, 'movieid');
    const properties = propertyList(params, MOVIE_PROPERTIES, 'Item.Fields.Base');
    const movie = ctx.library.movies.get(movieid);
    if (!movie) throw invalidParams();
    return { moviedetails: movieOut(ctx, movie, properties) };
  },

  'VideoLibrary.GetTVShows': (params, ctx, call) => {
    const properties = propertyList(params, TVSHOW_PROPERTIES, 'Item.Fields.Base');
    const rows = (): Row<SimTVShow>[] =>
      [...ctx.library.tvshows.values()].map((show) => ({
        item: show,
        lookup: tvshowLookup(ctx, show),
        file: show.path,
      }));
    return listAnswer(params, call.method, 'tvshows', rows, (show) => tvshowOut(ctx, show, properties));
  },

  'VideoLibrary.GetTVShowDetails': (params, ctx) => {
    const tvshowid = requiredId(params, 'tvshowid');
    const properties = propertyList(params, TVSHOW_PROPERTIES, 'Item.Fields.Base');
    const show = ctx.library.tvshows.get(tvshowid);
    if (!show) throw invalidParams();
    return { tvshowdetails: tvshowOut(ctx, show, properties) };
  },

  'VideoLibrary.GetEpisodes': (params, ctx, call) => {
    const properties = propertyList(params, EPISODE_PROPERTIES, 'Item.Fields.Base');
    const tvshowid = optionalInteger(params, 'tvshowid', -1);
    const season = optionalInteger(params, 'season', -1);
    const rows = (): Row<SimEpisode>[] =>
      candidates(params, ctx.library.episodes)
        .filter((episode) => tvshowid < 0 || episode.tvshowid === tvshowid)
        .filter((episode) => tvshowid < 0 || season < 0 || episode.season === season)
        .map((episode) => ({ item: episode, lookup: episodeLookup(ctx, episode), file: episode.file }));
    return listAnswer(params, call.method, 'episodes', rows, (episode) =>
      episodeOut(ctx, episode, properties),
    );
  },

  'VideoLibrary.GetEpisodeDetails': (params, ctx) => {
    const episodeid = requiredId(params, 'episodeid');
    const properties = propertyList(params, EPISODE_PROPERTIES, 'Item.Fields.Base');
    const episode = ctx.library.episodes.get(episodeid);
    if (!episode) throw invalidParams();
    return { episodedetails: episodeOut(ctx, episode, properties) };
  },
};
