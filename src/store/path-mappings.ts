/** Repository: per-group path mappings, manager prefix → Kodi prefix (DESIGN.md §2.5). */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { getPlayerGroup } from './groups.js';
import { requireInt, requireText, uniqueField } from './rows.js';
import type { Database, PathMappingsTable } from './schema.js';

export interface PathMapping {
  id: number;
  groupId: number;
  managerPrefix: string;
  kodiPrefix: string;
  createdAt: number;
}

export interface PathMappingInput {
  groupId: number;
  managerPrefix: string;
  kodiPrefix: string;
}

function toMapping(row: Selectable<PathMappingsTable>): PathMapping {
  return {
    id: row.id,
    groupId: row.group_id,
    managerPrefix: row.manager_prefix,
    kodiPrefix: row.kodi_prefix,
    createdAt: row.created_at,
  };
}

function checked(input: Partial<PathMappingInput>) {
  return {
    ...(input.groupId !== undefined && { group_id: requireInt('groupId', input.groupId, 1) }),
    ...(input.managerPrefix !== undefined && {
      manager_prefix: requireText('managerPrefix', input.managerPrefix),
    }),
    ...(input.kodiPrefix !== undefined && { kodi_prefix: requireText('kodiPrefix', input.kodiPrefix) }),
  };
}

const duplicate = (prefix: string | undefined) =>
  `this group already maps the manager prefix "${prefix ?? ''}"; edit that mapping instead`;

export async function createPathMapping(db: Kysely<Database>, input: PathMappingInput): Promise<PathMapping> {
  checked(input);
  await getPlayerGroup(db, input.groupId);
  const row = await uniqueField('managerPrefix', duplicate(input.managerPrefix), () =>
    db
      .insertInto('path_mappings')
      .values({
        group_id: input.groupId,
        manager_prefix: input.managerPrefix,
        kodi_prefix: input.kodiPrefix,
        created_at: Date.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toMapping(row);
}

export async function getPathMapping(db: Kysely<Database>, id: number): Promise<PathMapping> {
  const row = await db.selectFrom('path_mappings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('path mapping', id);
  return toMapping(row);
}

export async function listPathMappings(
  db: Kysely<Database>,
  filter: { groupId?: number } = {},
): Promise<PathMapping[]> {
  let query = db.selectFrom('path_mappings').selectAll();
  if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
  const rows = await query.orderBy('group_id').orderBy('id').execute();
  return rows.map(toMapping);
}

export async function updatePathMapping(
  db: Kysely<Database>,
  id: number,
  patch: Partial<PathMappingInput>,
): Promise<PathMapping> {
  const values = checked(patch);
  if (values.group_id !== undefined) await getPlayerGroup(db, values.group_id);
  const row = await uniqueField('managerPrefix', duplicate(patch.managerPrefix), () =>
    db.updateTable('path_mappings').set(values).where('id', '=', id).returningAll().executeTakeFirst(),
  );
  if (!row) throw new NotFoundError('path mapping', id);
  return toMapping(row);
}

export async function deletePathMapping(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('path_mappings').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('path mapping', id);
}
