/**
 * One paged listing of a Kodi's whole video library with each entry's file (`VideoLibrary.GetMovies` /
 * `GetEpisodes` with `limits`), what the clean dry run and the drift report compare against. Pages keep each answer
 * small enough for a slow Kodi; the page size is measured in bench/library-listing.bench.ts.
 */
import type { KodiClient } from '../kodi/client.js';
import type { StepRecorder } from '../sync/steps.js';

export interface LibraryEntry {
  kind: 'movie' | 'episode';
  id: number;
  file: string;
  title: string;
  tvshowid?: number;
  season?: number;
  episode?: number;
}

export const LIBRARY_PAGE_SIZE = 2_000;

async function listMovies(
  client: KodiClient,
  steps: StepRecorder,
  pageSize: number,
): Promise<LibraryEntry[]> {
  const all: LibraryEntry[] = [];
  for (let start = 0; ; start += pageSize) {
    const { movies, limits } = await steps.call(
      `VideoLibrary.GetMovies [${start}, ${start + pageSize})`,
      () => client.getMovies({ properties: ['title', 'file'], limits: { start, end: start + pageSize } }),
      (r) => `${r.movies.length} of ${r.limits.total}`,
    );
    for (const m of movies)
      all.push({ kind: 'movie', id: m.movieid, file: m.file ?? '', title: m.title ?? m.label });
    if (movies.length < pageSize || start + pageSize >= limits.total) return all;
  }
}

async function listEpisodes(
  client: KodiClient,
  steps: StepRecorder,
  pageSize: number,
): Promise<LibraryEntry[]> {
  const all: LibraryEntry[] = [];
  for (let start = 0; ; start += pageSize) {
    const { episodes, limits } = await steps.call(
      `VideoLibrary.GetEpisodes [${start}, ${start + pageSize})`,
      () =>
        client.getEpisodes({
          properties: ['title', 'file', 'tvshowid', 'season', 'episode'],
          limits: { start, end: start + pageSize },
        }),
      (r) => `${r.episodes.length} of ${r.limits.total}`,
    );
    for (const e of episodes) {
      all.push({
        kind: 'episode',
        id: e.episodeid,
        file: e.file ?? '',
        title: e.title ?? e.label,
        ...(e.tvshowid !== undefined && { tvshowid: e.tvshowid }),
        ...(e.season !== undefined && { season: e.season }),
        ...(e.episode !== undefined && { episode: e.episode }),
      });
    }
    if (episodes.length < pageSize || start + pageSize >= limits.total) return all;
  }
}

/** Every movie and/or episode of the Kodi with its file. */
export async function listLibrary(
  client: KodiClient,
  steps: StepRecorder,
  kinds: readonly ('movie' | 'episode')[],
  pageSize = LIBRARY_PAGE_SIZE,
): Promise<LibraryEntry[]> {
  const all: LibraryEntry[] = [];
  if (kinds.includes('movie')) all.push(...(await listMovies(client, steps, pageSize)));
  if (kinds.includes('episode')) all.push(...(await listEpisodes(client, steps, pageSize)));
  return all;
}
