/** Repository: manager libraries (name, kind, root path as the manager sees it). */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { requireOneOf, requireText, uniqueField } from './rows.js';
import type { Database, LibrariesTable, LibraryKind } from './schema.js';

export interface Library {
  id: number;
  name: string;
  kind: LibraryKind;
  rootPath: string;
  createdAt: number;
  updatedAt: number;
}

export interface LibraryInput {
  name: string;
  kind: LibraryKind;
  rootPath: string;
}

const KINDS: readonly LibraryKind[] = ['movies', 'tvshows'];

function toLibrary(row: Selectable<LibrariesTable>): Library {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    rootPath: row.root_path,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checked(
  input: Partial<LibraryInput>,
): Partial<{ name: string; kind: LibraryKind; root_path: string }> {
  return {
    ...(input.name !== undefined && { name: requireText('name', input.name) }),
    ...(input.kind !== undefined && { kind: requireOneOf('kind', input.kind, KINDS) }),
    ...(input.rootPath !== undefined && { root_path: requireText('rootPath', input.rootPath) }),
  };
}

export async function createLibrary(db: Kysely<Database>, input: LibraryInput): Promise<Library> {
  const values = checked(input);
  const now = Date.now();
  const row = await uniqueField('name', `a library named "${input.name}" already exists`, () =>
    db
      .insertInto('libraries')
      .values({
        name: requireText('name', values.name),
        kind: requireOneOf('kind', values.kind, KINDS),
        root_path: requireText('rootPath', values.root_path),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toLibrary(row);
}

export async function getLibrary(db: Kysely<Database>, id: number): Promise<Library> {
  const row = await db.selectFrom('libraries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('library', id);
  return toLibrary(row);
}

export async function listLibraries(db: Kysely<Database>): Promise<Library[]> {
  const rows = await db.selectFrom('libraries').selectAll().orderBy('name').execute();
  return rows.map(toLibrary);
}

export async function updateLibrary(
  db: Kysely<Database>,
  id: number,
  patch: Partial<LibraryInput>,
): Promise<Library> {
  const values = checked(patch);
  const row = await uniqueField('name', `a library named "${patch.name ?? ''}" already exists`, () =>
    db
      .updateTable('libraries')
      .set({ ...values, updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError('library', id);
  return toLibrary(row);
}

export async function deleteLibrary(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('libraries').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('library', id);
}

/** The ids of `ids` that name no library (checked before a group refers to them). */
export async function missingLibraryIds(db: Kysely<Database>, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db
    .selectFrom('libraries')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return ids.filter((id) => !found.some((row) => row.id === id));
}
