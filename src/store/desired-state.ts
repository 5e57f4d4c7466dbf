/**
 * The writes of intake (src/sync/submit.ts): an item's desired state, inside the caller's transaction. Unique
 * violations are NOT translated here: on PostgreSQL two intakes of one new item both insert, and the caller
 * runs its whole transaction again (it then finds the item).
 */
import { sql, type Kysely } from 'kysely';
import type { Database, ItemKind, ItemState } from './schema.js';
import type { Dialect } from './transaction.js';

/** What an event says about an item; undefined fields are left as they are. */
export interface DesiredDetails {
  libraryId: number;
  kind: ItemKind;
  imdb?: string;
  tmdb?: string;
  tvdb?: string;
  title?: string;
  year?: number;
  state: ItemState;
}

/**
 * Takes the intake locks of these manager paths for the rest of the transaction, always in the same order
 * (by hash), so two intakes naming the same items in another order wait for each other instead of
 * deadlocking (measured: 40 concurrent two-item batches in opposite orders deadlocked PostgreSQL over and
 * over). SQLite needs none: BEGIN IMMEDIATE already runs one writer at a time.
 */
export async function lockItemPaths(
  tx: Kysely<Database>,
  dialect: Dialect,
  paths: readonly string[],
): Promise<void> {
  if (dialect !== 'postgres' || paths.length === 0) return;
  const unique = [...new Set(paths)];
  await sql`
    select pg_advisory_xact_lock(h)
    from (select distinct hashtextextended(p, 0) as h from unnest(cast(${unique} as text[])) as p order by h) as ordered
  `.execute(tx);
}

export interface ItemKey {
  id: number;
  season: number | null;
  episode: number | null;
}

/** Every item of one manager path (a multi-episode file has one per episode), oldest first. */
export async function itemsAtPath(tx: Kysely<Database>, path: string): Promise<ItemKey[]> {
  return tx
    .selectFrom('items')
    .select(['id', 'season', 'episode'])
    .where('path', '=', path)
    .orderBy('id')
    .execute();
}

function columns(details: DesiredDetails, now: number) {
  return {
    library_id: details.libraryId,
    kind: details.kind,
    ...(details.imdb !== undefined && { imdb: details.imdb }),
    ...(details.tmdb !== undefined && { tmdb: details.tmdb }),
    ...(details.tvdb !== undefined && { tvdb: details.tvdb }),
    ...(details.title !== undefined && { title: details.title }),
    ...(details.year !== undefined && { year: details.year }),
    state: details.state,
    updated_at: now,
  };
}

export async function insertDesiredItem(
  tx: Kysely<Database>,
  key: { path: string; season: number | null; episode: number | null },
  details: DesiredDetails,
  revision: number,
): Promise<number> {
  const now = Date.now();
  const row = await tx
    .insertInto('items')
    .values({ ...columns(details, now), ...key, revision, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Updates one item's desired state; `bump` adds one to its revision (a re-publish); `key` re-keys it. */
export async function updateDesiredItem(
  tx: Kysely<Database>,
  id: number,
  details: DesiredDetails,
  options: { bump: boolean; key?: { season: number | null; episode: number | null } },
): Promise<void> {
  await tx
    .updateTable('items')
    .set((eb) => ({
      ...columns(details, Date.now()),
      ...options.key,
      ...(options.bump && { revision: eb('revision', '+', 1) }),
    }))
    .where('id', '=', id)
    .execute();
}

/** Every item of a replaced file is no longer wanted (no job of its own: the replacing job removes it). */
export async function markPathDeleted(tx: Kysely<Database>, path: string): Promise<void> {
  await tx
    .updateTable('items')
    .set({ state: 'deleted', updated_at: Date.now() })
    .where('path', '=', path)
    .execute();
}
