/**
 * Repository: player groups (one Kodi library = one queue lane) and which manager libraries each serves.
 * Deleting a group cascades to its players, path mappings, item_sync rows and jobs (foreign keys).
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, ValidationError } from '../util/errors.js';
import {
  fromBool,
  parseJson,
  requireBool,
  requireInt,
  requireJson,
  requireObject,
  requireOneOf,
  requireText,
  uniqueField,
} from './rows.js';
import type { BusyPolicy, Database, PlayerGroupsTable } from './schema.js';

export interface PlayerGroup {
  id: number;
  name: string;
  /** Never scan/refresh/clean a member that is playing (default true). */
  skipActive: boolean;
  /** What to do when the maximum deferral is reached: keep deferring, or run anyway. */
  busyPolicy: BusyPolicy;
  maxDeferralMs: number;
  fullScanFallback: boolean;
  sharedDatabase: boolean;
  cleanGuard: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface PlayerGroupInput {
  name: string;
  skipActive?: boolean;
  busyPolicy?: BusyPolicy;
  maxDeferralMs?: number;
  fullScanFallback?: boolean;
  sharedDatabase?: boolean;
  cleanGuard?: Record<string, unknown>;
}

const POLICIES: readonly BusyPolicy[] = ['defer', 'run'];

function toGroup(row: Selectable<PlayerGroupsTable>): PlayerGroup {
  return {
    id: row.id,
    name: row.name,
    skipActive: row.skip_active !== 0,
    busyPolicy: row.busy_policy,
    maxDeferralMs: row.max_deferral_ms,
    fullScanFallback: row.full_scan_fallback !== 0,
    sharedDatabase: row.shared_database !== 0,
    cleanGuard: parseJson(row.clean_guard, {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checked(input: Partial<PlayerGroupInput>) {
  return {
    ...(input.name !== undefined && { name: requireText('name', input.name) }),
    ...(input.skipActive !== undefined && {
      skip_active: fromBool(requireBool('skipActive', input.skipActive)),
    }),
    ...(input.busyPolicy !== undefined && {
      busy_policy: requireOneOf('busyPolicy', input.busyPolicy, POLICIES),
    }),
    ...(input.maxDeferralMs !== undefined && {
      max_deferral_ms: requireInt('maxDeferralMs', input.maxDeferralMs, 0),
    }),
    ...(input.fullScanFallback !== undefined && {
      full_scan_fallback: fromBool(requireBool('fullScanFallback', input.fullScanFallback)),
    }),
    ...(input.sharedDatabase !== undefined && {
      shared_database: fromBool(requireBool('sharedDatabase', input.sharedDatabase)),
    }),
    ...(input.cleanGuard !== undefined && {
      clean_guard: requireJson('cleanGuard', requireObject('cleanGuard', input.cleanGuard)),
    }),
  };
}

export async function createPlayerGroup(db: Kysely<Database>, input: PlayerGroupInput): Promise<PlayerGroup> {
  const { name, ...rest } = checked(input);
  const now = Date.now();
  const row = await uniqueField('name', `a player group named "${input.name}" already exists`, () =>
    db
      .insertInto('player_groups')
      .values({ ...rest, name: requireText('name', name), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toGroup(row);
}

export async function getPlayerGroup(db: Kysely<Database>, id: number): Promise<PlayerGroup> {
  const row = await db.selectFrom('player_groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('player group', id);
  return toGroup(row);
}

export async function listPlayerGroups(db: Kysely<Database>): Promise<PlayerGroup[]> {
  const rows = await db.selectFrom('player_groups').selectAll().orderBy('name').execute();
  return rows.map(toGroup);
}

export async function updatePlayerGroup(
  db: Kysely<Database>,
  id: number,
  patch: Partial<PlayerGroupInput>,
): Promise<PlayerGroup> {
  const values = checked(patch);
  const row = await uniqueField('name', `a player group named "${patch.name ?? ''}" already exists`, () =>
    db
      .updateTable('player_groups')
      .set({ ...values, updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError('player group', id);
  return toGroup(row);
}

export async function deletePlayerGroup(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('player_groups').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('player group', id);
}

/** Replaces the set of libraries a group serves. */
export async function setGroupLibraries(
  db: Kysely<Database>,
  groupId: number,
  libraryIds: number[],
): Promise<void> {
  await getPlayerGroup(db, groupId);
  const unique = [...new Set(libraryIds)];
  if (unique.length > 0) {
    const found = await db.selectFrom('libraries').select('id').where('id', 'in', unique).execute();
    const missing = unique.filter((id) => !found.some((row) => row.id === id));
    if (missing.length > 0)
      throw new ValidationError('libraryIds', `unknown library id(s): ${missing.join(', ')}`);
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('group_libraries').where('group_id', '=', groupId).execute();
    if (unique.length > 0) {
      await trx
        .insertInto('group_libraries')
        .values(unique.map((libraryId) => ({ group_id: groupId, library_id: libraryId })))
        .execute();
    }
  });
}

export async function listGroupLibraries(db: Kysely<Database>, groupId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('group_libraries')
    .select('library_id')
    .where('group_id', '=', groupId)
    .orderBy('library_id')
    .execute();
  return rows.map((row) => row.library_id);
}

/** The groups that serve a library (the lanes an item of that library is synced in). */
export async function listGroupsForLibrary(db: Kysely<Database>, libraryId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('group_libraries')
    .select('group_id')
    .where('library_id', '=', libraryId)
    .orderBy('group_id')
    .execute();
  return rows.map((row) => row.group_id);
}
