/**
 * Edge in, level out (DESIGN §2.2): events update each item's DESIRED state (publish → published; republish →
 * published with revision + 1; delete → deleted) and enqueue one 'sync-item' job per player group serving the item's
 * library (lane = group id), all in one batch. The queue coalesces a waiting job of the same (item, lane).
 * Everything is validated and resolved before the first write, so a bad event writes nothing.
 * A publish that `replaces` old files (upgrade, rename) marks their items deleted WITHOUT jobs of their own: the
 * replacing job copies their user data and removes them from Kodi (replace.ts), so no removal can run first.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { parsePath } from '../paths/index.js';
import type { JobQueue } from '../queue/queue.js';
import {
  findItemByPath,
  listGroupsForLibrary,
  listLibraries,
  writeTransaction,
  type Database,
  type Dialect,
  type Library,
} from '../store/index.js';
import { ValidationError } from '../util/errors.js';
import { validateItemEvents, type ItemEvent } from './events.js';
import { SYNC_JOB_KIND } from './handler.js';

/** The payload schema the queue checks 'sync-item' jobs against. */
export const syncJobPayload = z
  .object({
    itemId: z.number().int().positive(),
    /** Manager paths of the files the item replaces (their Kodi entries are carried over, then removed). */
    replaces: z.array(z.string().min(1)).max(100).optional(),
  })
  .strict();

export interface SubmitDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  queue: Pick<JobQueue, 'enqueueBatch'>;
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
  // Desired state first (one transaction), in event order: a publish then a delete of one file ends "deleted".
  const itemIds = await writeTransaction(deps.db, deps.dialect, async (tx) => {
    const ids: number[] = [];
    for (const { event, library } of resolved) {
      ids.push(await upsertDesiredState(tx, event, library.id));
      for (const path of event.replaces ?? []) await markReplaced(tx, path);
    }
    return ids;
  });
  const jobs = resolved.flatMap(({ library, event }, i) =>
    (lanesByLibrary.get(library.id) ?? []).map((lane) => ({
      lane,
      kind: SYNC_JOB_KIND,
      itemId: itemIds[i] ?? null,
      replaces: event.replaces ?? [],
    })),
  );
  const unique = new Map<string, (typeof jobs)[number]>();
  for (const job of jobs) {
    const key = `${job.itemId ?? ''}/${job.lane}`;
    const earlier = unique.get(key);
    unique.set(key, { ...job, replaces: [...new Set([...(earlier?.replaces ?? []), ...job.replaces])] });
  }
  const withWaiting = await Promise.all(
    [...unique.values()].map(async ({ replaces, ...job }) => {
      const all = [...new Set([...(await waitingReplaces(deps.db, job.itemId, job.lane)), ...replaces])];
      return { ...job, payload: { itemId: job.itemId, ...(all.length > 0 && { replaces: all }) } };
    }),
  );
  const batch = await deps.queue.enqueueBatch(withWaiting, {
    label: options.label ?? `${events.length} item event(s)`,
  });
  return { batchId: batch.batchId, jobIds: batch.jobs.map((j) => j.id), itemIds: [...new Set(itemIds)] };
}

async function upsertDesiredState(
  tx: Kysely<Database>,
  event: ItemEvent,
  libraryId: number,
): Promise<number> {
  const key = { path: event.path, season: event.season ?? null, episode: event.episode ?? null };
  const existing = await findItemByPath(tx, key);
  const now = Date.now();
  const details = {
    library_id: libraryId,
    kind: event.kind,
    ...(event.ids?.imdb !== undefined && { imdb: event.ids.imdb }),
    ...(event.ids?.tmdb !== undefined && { tmdb: event.ids.tmdb }),
    ...(event.ids?.tvdb !== undefined && { tvdb: event.ids.tvdb }),
    ...(event.title !== undefined && { title: event.title }),
    ...(event.year !== undefined && { year: event.year }),
    state: event.action === 'delete' ? ('deleted' as const) : ('published' as const),
    updated_at: now,
  };
  if (!existing) {
    const row = await tx
      .insertInto('items')
      .values({
        ...details,
        path: key.path,
        season: key.season,
        episode: key.episode,
        revision: event.action === 'republish' ? 2 : 1,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  await tx
    .updateTable('items')
    .set((eb) => ({ ...details, ...(event.action === 'republish' && { revision: eb('revision', '+', 1) }) }))
    .where('id', '=', existing.id)
    .execute();
  return existing.id;
}

/** Every item of the replaced file (a multi-episode file has several) is no longer wanted; no job of its own. */
async function markReplaced(tx: Kysely<Database>, path: string): Promise<void> {
  await tx
    .updateTable('items')
    .set({ state: 'deleted', updated_at: Date.now() })
    .where('path', '=', path)
    .execute();
}

/**
 * The queue coalesces a new job into the waiting one of the same (item, lane) by overwriting its payload: keep the
 * union of `replaces` so an earlier upgrade's old file is still removed. (Read just before the enqueue; a job
 * claimed in between has already handled its own replaces.)
 */
async function waitingReplaces(db: Kysely<Database>, itemId: number | null, lane: number): Promise<string[]> {
  if (itemId === null) return [];
  const waiting = await db
    .selectFrom('jobs')
    .select('payload')
    .where('item_id', '=', itemId)
    .where('lane', '=', lane)
    .where('state', 'in', ['queued', 'deferred'])
    .executeTakeFirst();
  if (!waiting) return [];
  const parsed = syncJobPayload.safeParse(JSON.parse(waiting.payload));
  return parsed.success ? (parsed.data.replaces ?? []) : [];
}
