/**
 * Finding an item in Kodi's library. Primary key: the file. Kodi's `path`/`filename` filters are SQL LIKE
 * (`_`, `%` wildcards, case-insensitive; real-kodi.md §6), so the filter only narrows and the match is an exact,
 * case-sensitive comparison of `file` here. Unique ids are not filterable (§6): compared on the client.
 * Never keep a Kodi id across operations: ids change on refresh and are reused (§7, §8).
 */
import type { KodiClient } from '../kodi/client.js';
import type { KodiFilter, KodiUniqueIds } from '../kodi/types.js';
import { kodiBasename, kodiDirname, sameKodiPath } from '../paths/index.js';
import type { StepRecorder } from './steps.js';
import type { ItemKind, SyncItem } from './types.js';

export interface LibraryRow {
  id: number;
  file: string;
  title: string;
  year?: number;
  tvshowid?: number;
  season?: number;
  episode?: number;
  uniqueid?: KodiUniqueIds;
  art?: Record<string, string>;
}

const MOVIE_PROPS = ['title', 'year', 'file', 'uniqueid'];
const EPISODE_PROPS = ['title', 'file', 'tvshowid', 'season', 'episode', 'uniqueid'];

/** Kodi rejects a property list with repeats (Item.Fields.Base items are unique): -32602. */
function unique(base: readonly string[], extra: readonly string[]): string[] {
  return [...new Set([...base, ...extra])];
}

function fileFilter(kodiFile: string): KodiFilter {
  return {
    and: [
      { field: 'path', operator: 'is', value: kodiDirname(kodiFile) },
      { field: 'filename', operator: 'is', value: kodiBasename(kodiFile) },
    ],
  };
}

async function query(
  client: KodiClient,
  steps: StepRecorder,
  kind: ItemKind,
  filter: KodiFilter | undefined,
  extraProps: readonly string[],
  label: string,
): Promise<LibraryRow[]> {
  if (kind === 'movie') {
    const { movies } = await steps.call(
      `VideoLibrary.GetMovies ${label}`,
      () => client.getMovies({ ...(filter && { filter }), properties: unique(MOVIE_PROPS, extraProps) }),
      (r) =>
        `${r.movies.length} movie(s)${r.movies.length ? `: ids ${r.movies.map((m) => m.movieid).join(',')}` : ''}`,
    );
    return movies.map((m) => ({ ...m, id: m.movieid, file: m.file ?? '', title: m.title ?? m.label }));
  }
  const { episodes } = await steps.call(
    `VideoLibrary.GetEpisodes ${label}`,
    () => client.getEpisodes({ ...(filter && { filter }), properties: unique(EPISODE_PROPS, extraProps) }),
    (r) =>
      `${r.episodes.length} episode(s)${r.episodes.length ? `: ids ${r.episodes.map((e) => e.episodeid).join(',')}` : ''}`,
  );
  return episodes.map((e) => ({ ...e, id: e.episodeid, file: e.file ?? '', title: e.title ?? e.label }));
}

/** Every library row of exactly this file (a multi-episode file has several). */
export async function findByFile(
  client: KodiClient,
  steps: StepRecorder,
  kind: ItemKind,
  kodiFile: string,
  extraProps: readonly string[] = [],
): Promise<LibraryRow[]> {
  const rows = await query(
    client,
    steps,
    kind,
    fileFilter(kodiFile),
    extraProps,
    `path+filename "${kodiFile}"`,
  );
  return rows.filter((row) => sameKodiPath(row.file, kodiFile));
}

/** The row that is this item: for an episode of a multi-episode file, the one with its season/episode. */
export function pickItemRow(item: SyncItem, rows: LibraryRow[]): LibraryRow | undefined {
  if (item.kind === 'episode' && item.season !== null && item.episode !== null) {
    return rows.find((r) => r.season === item.season && r.episode === item.episode) ?? rows[0];
  }
  return rows[0];
}

function idsMatch(item: SyncItem, uniqueid: KodiUniqueIds | undefined): boolean {
  if (!uniqueid) return false;
  return (['imdb', 'tmdb', 'tvdb'] as const).some(
    (k) => item.ids[k] !== undefined && uniqueid[k] === item.ids[k],
  );
}

/**
 * Fallback lookups when the file is not found: by unique id (narrowed by title when known), then title+year.
 * The caller decides whether such a match counts (only when Kodi reported it added during this job).
 */
export async function findByIdsOrTitle(
  client: KodiClient,
  steps: StepRecorder,
  item: SyncItem,
): Promise<{ row: LibraryRow; matchedBy: 'uniqueid' | 'title+year' } | undefined> {
  const hasIds = Object.values(item.ids).some((v) => v !== undefined);
  if (!hasIds && (item.title === null || item.kind === 'episode')) return undefined;
  const filter: KodiFilter | undefined =
    item.title !== null && item.kind === 'movie'
      ? { field: 'title', operator: 'is', value: item.title }
      : undefined;
  const rows = await query(
    client,
    steps,
    item.kind,
    filter,
    [],
    filter ? `title "${item.title ?? ''}"` : 'all (uniqueid compare)',
  );
  const byId = rows.find((r) => idsMatch(item, r.uniqueid));
  if (byId) return { row: byId, matchedBy: 'uniqueid' };
  if (item.kind === 'movie' && item.title !== null && item.year !== null) {
    const byTitle = rows.find((r) => r.title === item.title && r.year === item.year);
    if (byTitle) return { row: byTitle, matchedBy: 'title+year' };
  }
  return undefined;
}
