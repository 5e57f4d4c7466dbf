/**
 * Repository: items, the desired state of one movie or episode (published / deleted, revision bumped by
 * each re-publish). An item is identified by its manager path, plus season/episode for the episodes of a
 * multi-episode file.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { getLibrary } from './libraries.js';
import { optionalInt, optionalText, requireInt, requireOneOf, requireText, uniqueField } from './rows.js';
import type { Database, ItemKind, ItemsTable, ItemState } from './schema.js';

export interface Item {
  id: number;
  libraryId: number | null;
  kind: ItemKind;
  path: string;
  imdb: string | null;
  tmdb: string | null;
  tvdb: string | null;
  title: string | null;
  year: number | null;
  season: number | null;
  episode: number | null;
  state: ItemState;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

export interface ItemInput {
  libraryId?: number | null;
  kind: ItemKind;
  path: string;
  imdb?: string | null;
  tmdb?: string | null;
  tvdb?: string | null;
  title?: string | null;
  year?: number | null;
  season?: number | null;
  episode?: number | null;
  state: ItemState;
  revision?: number;
}

const KINDS: readonly ItemKind[] = ['movie', 'episode'];
const STATES: readonly ItemState[] = ['published', 'deleted'];

function toItem(row: Selectable<ItemsTable>): Item {
  return {
    id: row.id,
    libraryId: row.library_id,
    kind: row.kind,
    path: row.path,
    imdb: row.imdb,
    tmdb: row.tmdb,
    tvdb: row.tvdb,
    title: row.title,
    year: row.year,
    season: row.season,
    episode: row.episode,
    state: row.state,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checked(input: Partial<ItemInput>) {
  return {
    ...(input.libraryId !== undefined && { library_id: optionalInt('libraryId', input.libraryId, 1) }),
    ...(input.kind !== undefined && { kind: requireOneOf('kind', input.kind, KINDS) }),
    ...(input.path !== undefined && { path: requireText('path', input.path) }),
    ...(input.imdb !== undefined && { imdb: optionalText('imdb', input.imdb) }),
    ...(input.tmdb !== undefined && { tmdb: optionalText('tmdb', input.tmdb) }),
    ...(input.tvdb !== undefined && { tvdb: optionalText('tvdb', input.tvdb) }),
    ...(input.title !== undefined && { title: optionalText('title', input.title) }),
    ...(input.year !== undefined && { year: optionalInt('year', input.year, 1800, 3000) }),
    ...(input.season !== undefined && { season: optionalInt('season', input.season, 0) }),
    ...(input.episode !== undefined && { episode: optionalInt('episode', input.episode, 0) }),
    ...(input.state !== undefined && { state: requireOneOf('state', input.state, STATES) }),
    ...(input.revision !== undefined && { revision: requireInt('revision', input.revision, 1) }),
  };
}

const duplicate = (path: string | undefined) =>
  `an item for "${path ?? ''}" already exists; update it instead`;

export async function createItem(db: Kysely<Database>, input: ItemInput): Promise<Item> {
  const values = checked(input);
  if (values.library_id) await getLibrary(db, values.library_id);
  const now = Date.now();
  const row = await uniqueField('path', duplicate(input.path), () =>
    db
      .insertInto('items')
      .values({
        library_id: null,
        imdb: null,
        tmdb: null,
        tvdb: null,
        title: null,
        year: null,
        season: null,
        episode: null,
        ...values,
        kind: requireOneOf('kind', input.kind, KINDS),
        path: requireText('path', input.path),
        state: requireOneOf('state', input.state, STATES),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toItem(row);
}

export async function getItem(db: Kysely<Database>, id: number): Promise<Item> {
  const row = await db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('item', id);
  return toItem(row);
}

/** The item of a manager path (and season/episode for one episode of a multi-episode file), if any. */
export async function findItemByPath(
  db: Kysely<Database>,
  key: { path: string; season?: number | null; episode?: number | null },
): Promise<Item | undefined> {
  let query = db.selectFrom('items').selectAll().where('path', '=', key.path);
  query = key.season == null ? query.where('season', 'is', null) : query.where('season', '=', key.season);
  query = key.episode == null ? query.where('episode', 'is', null) : query.where('episode', '=', key.episode);
  const row = await query.executeTakeFirst();
  return row && toItem(row);
}

export interface ItemFilter {
  libraryId?: number;
  state?: ItemState;
  kind?: ItemKind;
  /** Every item whose path starts with this text. */
  pathPrefix?: string;
  limit?: number;
  afterId?: number;
}

/** Items in id order, `limit` (default 500) at a time; page with `afterId`. */
export async function listItems(db: Kysely<Database>, filter: ItemFilter = {}): Promise<Item[]> {
  let query = db.selectFrom('items').selectAll();
  if (filter.libraryId !== undefined) query = query.where('library_id', '=', filter.libraryId);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.pathPrefix !== undefined) {
    query = query.where('path', '>=', filter.pathPrefix).where('path', '<', `${filter.pathPrefix}\uffff`);
  }
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit ?? 500)
    .execute();
  return rows.map(toItem);
}

export async function updateItem(db: Kysely<Database>, id: number, patch: Partial<ItemInput>): Promise<Item> {
  const values = checked(patch);
  if (values.library_id) await getLibrary(db, values.library_id);
  const row = await uniqueField('path', duplicate(patch.path), () =>
    db
      .updateTable('items')
      .set({ ...values, updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError('item', id);
  return toItem(row);
}

export async function deleteItem(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('items').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('item', id);
}

/**
 * A movie or series deleted with its files: every published item of `kind` below `folder` (which ends with its
 * separator, so "/m/A/" never covers "/m/AB/") becomes deleted. Returns how many.
 */
export async function markDeletedBelow(
  db: Kysely<Database>,
  folder: string,
  kind: ItemKind,
): Promise<number> {
  const result = await db
    .updateTable('items')
    .set({ state: 'deleted', updated_at: Date.now() })
    .where('kind', '=', kind)
    .where('state', '=', 'published')
    .where('path', '>=', folder)
    .where('path', '<', `${folder}\uffff`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
