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

/**
 * Every entry of one paged listing: asks for [start, start + pageSize) until a page comes back short or the
 * listing's total is reached. Each page is one recorded step.
 */
async function allPages<Item>(
  steps: StepRecorder,
  method: string,
  pageSize: number,
  page: (limits: { start: number; end: number }) => Promise<{ items: readonly Item[]; total: number }>,
  toEntry: (item: Item) => LibraryEntry,
): Promise<LibraryEntry[]> {
  const all: LibraryEntry[] = [];
  for (let start = 0; ; start += pageSize) {
    const { items, total } = await steps.call(
      `${method} [${start}, ${start + pageSize})`,
      () => page({ start, end: start + pageSize }),
      (r) => `${r.items.length} of ${r.total}`,
    );
    for (const item of items) all.push(toEntry(item));
    if (items.length < pageSize || start + pageSize >= total) return all;
  }
}

function listMovies(client: KodiClient, steps: StepRecorder, pageSize: number): Promise<LibraryEntry[]> {
  return allPages(
    steps,
    'VideoLibrary.GetMovies',
    pageSize,
    async (limits) => {
      const { movies, limits: got } = await client.getMovies({ properties: ['title', 'file'], limits });
      return { items: movies, total: got.total };
    },
    (m) => ({ kind: 'movie', id: m.movieid, file: m.file ?? '', title: m.title ?? m.label }),
  );
}

function listEpisodes(client: KodiClient, steps: StepRecorder, pageSize: number): Promise<LibraryEntry[]> {
  return allPages(
    steps,
    'VideoLibrary.GetEpisodes',
    pageSize,
    async (limits) => {
      const { episodes, limits: got } = await client.getEpisodes({
        properties: ['title', 'file', 'tvshowid', 'season', 'episode'],
        limits,
      });
      return { items: episodes, total: got.total };
    },
    (e) => ({
      kind: 'episode',
      id: e.episodeid,
      file: e.file ?? '',
      title: e.title ?? e.label,
      ...(e.tvshowid !== undefined && { tvshowid: e.tvshowid }),
      ...(e.season !== undefined && { season: e.season }),
      ...(e.episode !== undefined && { episode: e.episode }),
    }),
  );
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
