/**
 * The engine's narrow port to one Kodi's video library, per item kind: list rows by a filter, read one row's
 * details, refresh, set details, remove. Every call is recorded as a job step, and every call that CHANGES Kodi
 * first checks the job's signal: once the job's lease is lost (another worker may own it now) or the job was
 * cancelled, nothing more is changed in Kodi (the read-only calls may still finish).
 * Publish, re-publish, replace and delete talk to Kodi's library only through this port, so their decisions are
 * unit-tested against a scripted port (test/unit/sync-*.test.ts) and run unchanged against a real Kodi.
 */
import type { KodiClient } from '../kodi/client.js';
import type { KodiFilter, KodiUniqueIds } from '../kodi/types.js';
import { TransientError } from '../util/errors.js';
import type { StepRecorder } from './steps.js';
import type { ItemKind } from './types.js';

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
  playcount?: number;
  lastplayed?: string;
  dateadded?: string;
  resume?: { position: number; total: number };
  userrating?: number;
}

export interface VideoLibraryPort {
  readonly kind: ItemKind;
  /** Rows Kodi's filter returns (SQL LIKE: the caller compares `file` exactly). */
  list(filter: KodiFilter | undefined, extraProps: readonly string[], label: string): Promise<LibraryRow[]>;
  details(id: number, props: readonly string[]): Promise<LibraryRow>;
  refresh(id: number): Promise<void>;
  setDetails(id: number, fields: Record<string, unknown>): Promise<void>;
  remove(id: number): Promise<void>;
}

const MOVIE_PROPS = ['title', 'year', 'file', 'uniqueid'];
const EPISODE_PROPS = ['title', 'file', 'tvshowid', 'season', 'episode', 'uniqueid'];

/** Kodi rejects a property list with repeats (Item.Fields.Base items are unique): -32602 (real-kodi.md §16). */
function uniqueProps(base: readonly string[], extra: readonly string[]): string[] {
  return [...new Set([...base, ...extra])];
}

function ids(rows: readonly { id: number }[]): string {
  return rows.length ? `: ids ${rows.map((r) => r.id).join(',')}` : '';
}

/** Refuses a Kodi-changing call once the job lost its lease or was cancelled. */
export function assertMayChangeKodi(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new TransientError(
      `stopped before ${what}: the job lost its lease or was cancelled (another attempt finishes it)`,
    );
  }
}

export function videoLibraryPort(
  client: KodiClient,
  steps: StepRecorder,
  kind: ItemKind,
  signal?: AbortSignal,
): VideoLibraryPort {
  const noun = kind === 'movie' ? 'Movie' : 'Episode';
  const change = async (label: string, run: () => Promise<void>): Promise<void> => {
    assertMayChangeKodi(signal, label);
    await steps.call(label, run);
  };
  return {
    kind,
    async list(filter, extraProps, label) {
      if (kind === 'movie') {
        const { movies } = await steps.call(
          `VideoLibrary.GetMovies ${label}`,
          () =>
            client.getMovies({ ...(filter && { filter }), properties: uniqueProps(MOVIE_PROPS, extraProps) }),
          (r) => `${r.movies.length} movie(s)${ids(r.movies.map((m) => ({ id: m.movieid })))}`,
        );
        return movies.map((m) => ({ ...m, id: m.movieid, file: m.file ?? '', title: m.title ?? m.label }));
      }
      const { episodes } = await steps.call(
        `VideoLibrary.GetEpisodes ${label}`,
        () =>
          client.getEpisodes({
            ...(filter && { filter }),
            properties: uniqueProps(EPISODE_PROPS, extraProps),
          }),
        (r) => `${r.episodes.length} episode(s)${ids(r.episodes.map((e) => ({ id: e.episodeid })))}`,
      );
      return episodes.map((e) => ({ ...e, id: e.episodeid, file: e.file ?? '', title: e.title ?? e.label }));
    },
    async details(id, props) {
      const all = uniqueProps(['title', 'file'], props);
      if (kind === 'movie') {
        const m = await steps.call(
          `VideoLibrary.GetMovieDetails ${id}`,
          () => client.getMovieDetails(id, all),
          (r) => `playcount ${r.playcount ?? '?'}`,
        );
        return { ...m, id: m.movieid, file: m.file ?? '', title: m.title ?? m.label };
      }
      const e = await steps.call(
        `VideoLibrary.GetEpisodeDetails ${id}`,
        () => client.getEpisodeDetails(id, all),
        (r) => `playcount ${r.playcount ?? '?'}`,
      );
      return { ...e, id: e.episodeid, file: e.file ?? '', title: e.title ?? e.label };
    },
    refresh: (id) =>
      change(`VideoLibrary.Refresh${noun} ${id}`, () =>
        kind === 'movie' ? client.refreshMovie(id) : client.refreshEpisode(id),
      ),
    setDetails: (id, fields) =>
      change(`VideoLibrary.Set${noun}Details ${id} ${JSON.stringify(fields)}`, () =>
        kind === 'movie' ? client.setMovieDetails(id, fields) : client.setEpisodeDetails(id, fields),
      ),
    remove: (id) =>
      change(`VideoLibrary.Remove${noun} ${id}`, () =>
        kind === 'movie' ? client.removeMovie(id) : client.removeEpisode(id),
      ),
  };
}
