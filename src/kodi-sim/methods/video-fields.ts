/**
 * Which properties GetMovies/GetEpisodes/GetTVShows accept (Video.Fields.*; e.g. "path" is NOT a movie
 * property, real-kodi.md §6) and how an item is written out with them. Properties Kodi knows but the
 * simulator does not model come back empty ('' / 0 / []), never missing.
 */
import type { SimContext } from '../context.js';
import type { SimArt, SimEpisode, SimMovie, SimTVShow } from '../library.js';
import type { FieldLookup } from '../filters.js';

// prettier-ignore
export const MOVIE_PROPERTIES = new Set([
  'title', 'genre', 'year', 'rating', 'director', 'trailer', 'tagline', 'plot', 'plotoutline', 'originaltitle',
  'lastplayed', 'playcount', 'writer', 'studio', 'mpaa', 'cast', 'country', 'imdbnumber', 'runtime', 'set',
  'showlink', 'streamdetails', 'top250', 'votes', 'fanart', 'thumbnail', 'file', 'sorttitle', 'resume', 'setid',
  'dateadded', 'tag', 'art', 'userrating', 'ratings', 'premiered', 'uniqueid',
]);

// prettier-ignore
export const EPISODE_PROPERTIES = new Set([
  'title', 'plot', 'votes', 'rating', 'writer', 'firstaired', 'playcount', 'runtime', 'director', 'productioncode',
  'season', 'episode', 'originaltitle', 'showtitle', 'cast', 'streamdetails', 'lastplayed', 'fanart', 'thumbnail',
  'file', 'resume', 'tvshowid', 'dateadded', 'uniqueid', 'art', 'specialsortseason', 'specialsortepisode',
  'userrating', 'seasonid', 'ratings',
]);

// prettier-ignore
export const TVSHOW_PROPERTIES = new Set([
  'title', 'genre', 'year', 'rating', 'plot', 'studio', 'mpaa', 'cast', 'playcount', 'episode', 'imdbnumber',
  'premiered', 'votes', 'lastplayed', 'fanart', 'thumbnail', 'file', 'originaltitle', 'sorttitle', 'episodeguide',
  'season', 'watchedepisodes', 'dateadded', 'tag', 'art', 'userrating', 'ratings', 'runtime', 'uniqueid',
]);

const ARRAY_PROPERTIES = new Set([
  'genre',
  'director',
  'writer',
  'studio',
  'cast',
  'country',
  'showlink',
  'tag',
]);
// prettier-ignore
const NUMBER_PROPERTIES = new Set([
  'rating', 'runtime', 'top250', 'setid', 'specialsortseason', 'specialsortepisode', 'seasonid', 'season',
  'watchedepisodes',
]);

function emptyValue(property: string): unknown {
  if (ARRAY_PROPERTIES.has(property)) return [];
  if (NUMBER_PROPERTIES.has(property)) return 0;
  if (property === 'streamdetails') return { audio: [], subtitle: [], video: [] };
  if (property === 'ratings') return {};
  if (property === 'votes') return '0';
  return '';
}

function artValues(art: SimArt, property: string): unknown {
  if (property === 'art') return { ...art };
  if (property === 'thumbnail') return art.thumb ?? art.poster ?? '';
  return art.fanart ?? '';
}

function pick(known: Record<string, unknown>, art: SimArt, properties: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const property of properties) {
    if (property in known) out[property] = known[property];
    else if (property === 'art' || property === 'thumbnail' || property === 'fanart')
      out[property] = artValues(art, property);
    else out[property] = emptyValue(property);
  }
  return out;
}

function userData(
  ctx: SimContext,
  file: string,
): { dateadded: string; resume: { position: number; total: number } } {
  const row = ctx.library.existingFileRow(file);
  return { dateadded: row?.dateadded ?? '', resume: { ...(row?.resume ?? { position: 0, total: 0 }) } };
}

export function movieOut(ctx: SimContext, movie: SimMovie, properties: string[]): Record<string, unknown> {
  const known = {
    ...userData(ctx, movie.file),
    title: movie.title,
    originaltitle: movie.title,
    year: movie.year,
    premiered: movie.premiered,
    file: movie.file,
    imdbnumber: movie.imdbnumber,
    uniqueid: { ...movie.uniqueid },
    playcount: movie.playcount,
    lastplayed: movie.lastplayed,
    userrating: movie.userrating,
  };
  return { ...pick(known, movie.art, properties), label: movie.title, movieid: movie.movieid };
}

export function episodeOut(
  ctx: SimContext,
  episode: SimEpisode,
  properties: string[],
): Record<string, unknown> {
  const known = {
    ...userData(ctx, episode.file),
    title: episode.title,
    originaltitle: episode.title,
    season: episode.season,
    episode: episode.episode,
    tvshowid: episode.tvshowid,
    showtitle: ctx.library.tvshows.get(episode.tvshowid)?.title ?? '',
    file: episode.file,
    uniqueid: { ...episode.uniqueid },
    playcount: episode.playcount,
    lastplayed: episode.lastplayed,
    userrating: episode.userrating,
  };
  return { ...pick(known, episode.art, properties), episodeid: episode.episodeid, label: episode.title };
}

export function tvshowOut(ctx: SimContext, show: SimTVShow, properties: string[]): Record<string, unknown> {
  const known = {
    title: show.title,
    originaltitle: show.title,
    year: show.year,
    file: show.path,
    imdbnumber: show.imdbnumber,
    uniqueid: { ...show.uniqueid },
    dateadded: show.dateadded,
    episode: ctx.library.episodeCount(show.tvshowid),
    playcount: 0,
    userrating: 0,
  };
  return { ...pick(known, show.art, properties), label: show.title, tvshowid: show.tvshowid };
}

/** Filter-field values (kodi-jsonrpc.md §7): `path` is the item's folder with '/', `filename` the name. */
export function movieLookup(ctx: SimContext, movie: SimMovie): FieldLookup {
  return (field) => {
    switch (field) {
      case 'title':
      case 'originaltitle':
        return movie.title;
      case 'year':
        return movie.year;
      case 'path':
        return movie.path;
      case 'filename':
        return movie.filename;
      case 'playcount':
        return movie.playcount;
      case 'userrating':
        return movie.userrating;
      case 'lastplayed':
        return movie.lastplayed;
      case 'dateadded':
        return userData(ctx, movie.file).dateadded;
      case 'inprogress':
        return userData(ctx, movie.file).resume.position > 0;
      default:
        return '';
    }
  };
}

export function episodeLookup(ctx: SimContext, episode: SimEpisode): FieldLookup {
  return (field) => {
    switch (field) {
      case 'title':
      case 'originaltitle':
        return episode.title;
      case 'tvshow':
        return ctx.library.tvshows.get(episode.tvshowid)?.title ?? '';
      case 'season':
        return episode.season;
      case 'episode':
        return episode.episode;
      case 'path':
        return episode.path;
      case 'filename':
        return episode.filename;
      case 'playcount':
        return episode.playcount;
      case 'userrating':
        return episode.userrating;
      case 'lastplayed':
        return episode.lastplayed;
      case 'dateadded':
        return userData(ctx, episode.file).dateadded;
      case 'inprogress':
        return userData(ctx, episode.file).resume.position > 0;
      default:
        return '';
    }
  };
}

export function tvshowLookup(ctx: SimContext, show: SimTVShow): FieldLookup {
  return (field) => {
    switch (field) {
      case 'title':
      case 'originaltitle':
        return show.title;
      case 'year':
        return show.year;
      case 'path':
        return show.path;
      case 'numepisodes':
        return ctx.library.episodeCount(show.tvshowid);
      case 'dateadded':
        return show.dateadded;
      default:
        return '';
    }
  };
}
