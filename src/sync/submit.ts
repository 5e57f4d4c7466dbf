/**
 * Edge in, level out (DESIGN §2.2): events update each item's DESIRED state (publish → published; republish →
 * published with revision + 1; delete → deleted) and enqueue one 'sync-item' job per player group serving the item's
 * library (lane = group id), all in one batch — desired state, batch and jobs in ONE transaction, so a crash
 * leaves either all of it or none (never an item without its job). The queue coalesces a waiting job of the same
 * (item, lane), merging `replaces` (job-contract.ts). Everything is validated and resolved before the first write,
 * so a bad event writes nothing.
 * A publish that `replaces` old files (upgrade, rename) marks their items deleted WITHOUT jobs of their own: the
 * replacing job copies their user data and removes them from Kodi (replace.ts), so no removal can run first.
 *
 * Item identity (one rule for every webhook and the API): a movie is its path; an episode is (path, season,
 * episode). An episode event that names no season/episode (Sonarr Rename, Import Complete with several files)
 * addresses EVERY known item of that path, and creates a path-only item only when none is known; an event with
 * season/episode for a path known only path-only takes that item over (gives it the season/episode). So one file
 * never becomes two items with opposite states.
 */
import type { Kysely } from 'kysely';
import { parsePath } from '../paths/index.js';
import type { JobQueue } from '../queue/queue.js';
import {
  insertDesiredItem,
  itemsAtPath,
  listGroupsForLibrary,
  lockItemPaths,
  listLibraries,
  markPathDeleted,
  updateDesiredItem,
  writeTransactionWithRetry,
  type Database,
  type DesiredDetails,
  type Dialect,
  type Library,
  type Tx,
} from '../store/index.js';
import { ValidationError } from '../util/errors.js';
import { validateItemEvents, type ItemEvent } from './events.js';
import { syncJobInput } from './job-contract.js';

export interface SubmitDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  queue: Pick<JobQueue, 'enqueueBatchIn' | 'announceBatch'>;
}

export interface SubmitResult {
  batchId: number;
  jobIds: number[];
  itemIds: number[];
}

function covers(root: string, path: string): number {
  const r = parsePath(root);
  const p = parsePath(path);
  if (!r || !p || r.style !== p.style || r.bareRoot.toUpperCase() !== p.bareRoot.toUpperCase()) return -1;
  const insensitive = r.style === 'windows' || r.style === 'unc';
  const same = (a: string, b: string | undefined): boolean =>
    insensitive ? a.toUpperCase() === b?.toUpperCase() : a === b;
  return r.segments.length < p.segments.length && r.segments.every((s, i) => same(s, p.segments[i]))
    ? r.segments.length
    : -1;
}

/** The library named by the event, or the one with the longest root that contains the path. */
function libraryFor(event: ItemEvent, libraries: Library[], field: string): Library {
  if (event.libraryId !== undefined) {
    const library = libraries.find((l) => l.id === event.libraryId);
    if (!library)
      throw new ValidationError(`${field}.libraryId`, `${field}.libraryId ${event.libraryId} does not exist`);
    return library;
  }
  let best: Library | undefined;
  let depth = -1;
  for (const library of libraries) {
    const d = covers(library.rootPath, event.path);
    if (d > depth) [best, depth] = [library, d];
  }
  if (!best) {
    const roots = libraries.map((l) => `"${l.rootPath}"`).join(', ') || 'none';
    throw new ValidationError(
      `${field}.path`,
      `${field}.path "${event.path}" lies in no library root (roots: ${roots}); add a library for it or send libraryId`,
    );
  }
  const wanted = event.kind === 'movie' ? 'movies' : 'tvshows';
  if (best.kind !== wanted) {
    throw new ValidationError(
      `${field}.kind`,
      `${field} is a ${event.kind} but library "${best.name}" holds ${best.kind}`,
    );
  }
  return best;
}

export async function submitItemEvents(
  deps: SubmitDeps,
  input: unknown,
  options: { label?: string } = {},
): Promise<SubmitResult> {
  const events = validateItemEvents(input);
  const libraries = await listLibraries(deps.db);
  const resolved = events.map((event, i) => ({
    event,
    library: libraryFor(event, libraries, `events[${i}]`),
  }));
  const lanesByLibrary = new Map<number, number[]>();
  for (const { library } of resolved) {
    if (!lanesByLibrary.has(library.id))
      lanesByLibrary.set(library.id, await listGroupsForLibrary(deps.db, library.id));
  }
  for (const [i, { library }] of resolved.entries()) {
    if ((lanesByLibrary.get(library.id) ?? []).length === 0) {
      throw new ValidationError(
        `events[${i}].path`,
        `library "${library.name}" is served by no player group: add it to a group first`,
      );
    }
  }
  const label = options.label ?? `${events.length} item event(s)`;
  const { batch, itemIds } = await writeTransactionWithRetry(deps.db, deps.dialect, async (tx) => {
    await lockItemPaths(
      tx,
      deps.dialect,
      events.flatMap((event) => [event.path, ...(event.replaces ?? [])]),
    );
    // Desired state in event order: a publish then a delete of one file ends "deleted".
    const jobs = new Map<string, { lane: number; itemId: number; replaces: string[] }>();
    const ids: number[] = [];
    for (const { event, library } of resolved) {
      const eventItems = await recordDesiredState(tx, event, library.id);
      for (const path of event.replaces ?? []) await markPathDeleted(tx, path);
      ids.push(...eventItems);
      for (const itemId of eventItems) {
        for (const lane of lanesByLibrary.get(library.id) ?? []) {
          const key = `${itemId}/${lane}`;
          const replaces = [...(jobs.get(key)?.replaces ?? []), ...(event.replaces ?? [])];
          jobs.set(key, { lane, itemId, replaces });
        }
      }
    }
    const inputs = [...jobs.values()].map((j) => syncJobInput(j.lane, j.itemId, j.replaces));
    return { batch: await deps.queue.enqueueBatchIn(tx, inputs, { label }), itemIds: ids };
  });
  await deps.queue.announceBatch(batch);
  return { batchId: batch.batchId, jobIds: batch.jobs.map((j) => j.id), itemIds: [...new Set(itemIds)] };
}

function detailsOf(event: ItemEvent, libraryId: number): DesiredDetails {
  return {
    libraryId,
    kind: event.kind,
    ...(event.ids?.imdb !== undefined && { imdb: event.ids.imdb }),
    ...(event.ids?.tmdb !== undefined && { tmdb: event.ids.tmdb }),
    ...(event.ids?.tvdb !== undefined && { tvdb: event.ids.tvdb }),
    ...(event.title !== undefined && { title: event.title }),
    ...(event.year !== undefined && { year: event.year }),
    state: event.action === 'delete' ? 'deleted' : 'published',
  };
}

/** Writes the event's desired state onto the item(s) it addresses (the identity rule above); returns their ids. */
async function recordDesiredState(tx: Tx, event: ItemEvent, libraryId: number): Promise<number[]> {
  const details = detailsOf(event, libraryId);
  const bump = event.action === 'republish';
  const key = { path: event.path, season: event.season ?? null, episode: event.episode ?? null };
  const known = await itemsAtPath(tx, event.path);
  const pathOnly = key.season === null && key.episode === null;
  if (event.kind === 'episode' && pathOnly && known.length > 0) {
    for (const item of known) await updateDesiredItem(tx, item.id, details, { bump });
    return known.map((item) => item.id);
  }
  const exact = known.find((item) => item.season === key.season && item.episode === key.episode);
  if (exact) {
    await updateDesiredItem(tx, exact.id, details, { bump });
    return [exact.id];
  }
  const unkeyed = known.find((item) => item.season === null && item.episode === null);
  if (event.kind === 'episode' && unkeyed) {
    await updateDesiredItem(tx, unkeyed.id, details, {
      bump,
      key: { season: key.season, episode: key.episode },
    });
    return [unkeyed.id];
  }
  return [await insertDesiredItem(tx, key, details, bump ? 2 : 1)];
}
