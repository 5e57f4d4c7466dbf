/**
 * Repository: per item and group, what Kodi showed the last time a job verified it (Kodi id and file,
 * revision applied, evidence). Written by the sync engine after verification.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { parseJson, requireJson } from './rows.js';
import type { Database, ItemSyncTable } from './schema.js';
import { isForeignKeyViolation } from './transaction.js';

export interface ItemSync {
  itemId: number;
  groupId: number;
  kodiId: number | null;
  kodiFile: string | null;
  revisionApplied: number | null;
  verifiedAt: number | null;
  evidence: unknown;
  /** User data held for a restore (src/sync/user-data.ts); null when none is pending. */
  userDataSnapshot: unknown;
  updatedAt: number;
}

export interface ItemSyncInput {
  itemId: number;
  groupId: number;
  kodiId?: number | null;
  kodiFile?: string | null;
  revisionApplied?: number | null;
  verifiedAt?: number | null;
  evidence?: unknown;
  userDataSnapshot?: unknown;
}

function toItemSync(row: Selectable<ItemSyncTable>): ItemSync {
  return {
    itemId: row.item_id,
    groupId: row.group_id,
    kodiId: row.kodi_id,
    kodiFile: row.kodi_file,
    revisionApplied: row.revision_applied,
    verifiedAt: row.verified_at,
    evidence: parseJson<unknown>(row.evidence, null),
    userDataSnapshot: parseJson<unknown>(row.user_data_snapshot, null),
    updatedAt: row.updated_at,
  };
}

/** Creates or replaces the row of (itemId, groupId); fields left out keep their value. */
export async function upsertItemSync(db: Kysely<Database>, input: ItemSyncInput): Promise<ItemSync> {
  const values = {
    ...(input.kodiId !== undefined && { kodi_id: input.kodiId }),
    ...(input.kodiFile !== undefined && { kodi_file: input.kodiFile }),
    ...(input.revisionApplied !== undefined && { revision_applied: input.revisionApplied }),
    ...(input.verifiedAt !== undefined && { verified_at: input.verifiedAt }),
    ...(input.evidence !== undefined && { evidence: requireJson('evidence', input.evidence) }),
    ...(input.userDataSnapshot !== undefined && {
      user_data_snapshot:
        input.userDataSnapshot === null ? null : requireJson('userDataSnapshot', input.userDataSnapshot),
    }),
    updated_at: Date.now(),
  };
  try {
    await db
      .insertInto('item_sync')
      .values({ item_id: input.itemId, group_id: input.groupId, ...values })
      .onConflict((oc) => oc.columns(['item_id', 'group_id']).doUpdateSet(values))
      .execute();
  } catch (error) {
    if (isForeignKeyViolation(error))
      throw new NotFoundError('item or player group', `${input.itemId}/${input.groupId}`);
    throw error;
  }
  return getItemSync(db, input.itemId, input.groupId);
}

export async function getItemSync(db: Kysely<Database>, itemId: number, groupId: number): Promise<ItemSync> {
  const row = await db
    .selectFrom('item_sync')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('item sync', `${itemId}/${groupId}`);
  return toItemSync(row);
}

export async function listItemSync(
  db: Kysely<Database>,
  filter: { itemId?: number; groupId?: number } = {},
): Promise<ItemSync[]> {
  let query = db.selectFrom('item_sync').selectAll();
  if (filter.itemId !== undefined) query = query.where('item_id', '=', filter.itemId);
  if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
  const rows = await query.orderBy('item_id').orderBy('group_id').execute();
  return rows.map(toItemSync);
}

export async function deleteItemSync(db: Kysely<Database>, itemId: number, groupId: number): Promise<void> {
  const result = await db
    .deleteFrom('item_sync')
    .where('item_id', '=', itemId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('item sync', `${itemId}/${groupId}`);
}
