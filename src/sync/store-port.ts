/** The engine's `SyncStore` on top of src/store's repositories (one Kysely database, SQLite or PostgreSQL). */
import type { Kysely } from 'kysely';
import {
  getItem,
  getItemSync,
  getLibrary,
  getPlayerGroup,
  listItems,
  listPathMappings,
  listPlayersWithSecrets,
  upsertItemSync,
  type Database,
  type Item,
} from '../store/index.js';
import { NotFoundError } from '../util/errors.js';
import type { ItemIds, ItemSyncRecord, SyncEvidence, SyncItem, SyncStore } from './types.js';
import type { UserDataSnapshot } from './user-data.js';

async function orUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export function toSyncItem(item: Item): SyncItem {
  const ids: ItemIds = {};
  if (item.imdb) ids.imdb = item.imdb;
  if (item.tmdb) ids.tmdb = item.tmdb;
  if (item.tvdb) ids.tvdb = item.tvdb;
  return {
    id: item.id,
    libraryId: item.libraryId,
    kind: item.kind,
    path: item.path,
    ids,
    title: item.title,
    year: item.year,
    season: item.season,
    episode: item.episode,
    state: item.state,
    revision: item.revision,
  };
}

export function createSyncStore(db: Kysely<Database>): SyncStore {
  return {
    getItem: async (id) => {
      const item = await orUndefined(() => getItem(db, id));
      return item && toSyncItem(item);
    },
    getLibrary: (id) => orUndefined(() => getLibrary(db, id)),
    getGroup: (id) => orUndefined(() => getPlayerGroup(db, id)),
    listPlayers: async (groupId) => {
      const players = await listPlayersWithSecrets(db, { groupId });
      return players.map((p) => ({
        id: p.id,
        groupId: p.groupId,
        name: p.name,
        priority: p.priority,
        enabled: p.enabled,
        endpoint: {
          name: p.name,
          host: p.host,
          httpPort: p.httpPort,
          wsPort: p.wsPort,
          ...(p.username !== null && { username: p.username }),
          ...(p.password !== null && { password: p.password }),
        },
      }));
    },
    listPathMappings: (groupId) => listPathMappings(db, { groupId }),
    getItemSync: async (itemId, groupId) => {
      const row = await orUndefined(() => getItemSync(db, itemId, groupId));
      if (!row) return undefined;
      const evidence = row.evidence as SyncEvidence | null;
      return {
        kodiIds: evidence?.kodiIds ?? (row.kodiId !== null ? [row.kodiId] : []),
        kodiFile: row.kodiFile,
        revisionApplied: row.revisionApplied,
        verifiedAt: row.verifiedAt,
        evidence,
        userDataSnapshot: row.userDataSnapshot as UserDataSnapshot | null,
      } satisfies ItemSyncRecord;
    },
    listItemsAtPath: async (path) => {
      const items = await listItems(db, { pathPrefix: path });
      return items.filter((item) => item.path === path).map(toSyncItem);
    },
    listItemsBelow: async (folder) => {
      const items = await listItems(db, { pathPrefix: folder, limit: 100_000 });
      return items.filter((item) => item.path.startsWith(folder)).map(toSyncItem);
    },
    saveItemSync: async (itemId, groupId, record) => {
      await upsertItemSync(db, {
        itemId,
        groupId,
        kodiId: record.kodiIds[0] ?? null,
        kodiFile: record.kodiFile,
        revisionApplied: record.revisionApplied,
        verifiedAt: record.verifiedAt,
        evidence: record.evidence,
        userDataSnapshot: null,
      });
    },
    saveUserDataSnapshot: async (itemId, groupId, snapshot) => {
      await upsertItemSync(db, { itemId, groupId, userDataSnapshot: snapshot });
    },
  };
}
