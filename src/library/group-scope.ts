/**
 * What a library-wide operation needs about one player group: the group, its members, its path mappings and its
 * libraries' roots in Kodi's form (the video source roots the clean guard checks and the drift report compares by).
 */
import type { Kysely } from 'kysely';
import { kodiFolder, mapManagerToKodi, type PathMapping } from '../paths/index.js';
import { listGroupLibraries, type Database } from '../store/index.js';
import type { SyncGroup, SyncLibrary, SyncPlayer, SyncStore } from '../sync/types.js';
import { NotFoundError } from '../util/errors.js';

export interface GroupRoot {
  library: SyncLibrary;
  kind: 'movie' | 'episode';
  /** The library root as Kodi names it, ending with its separator. */
  kodiRoot: string;
}

export interface GroupScope {
  group: SyncGroup;
  players: SyncPlayer[];
  mappings: PathMapping[];
  roots: GroupRoot[];
}

export async function loadGroupScope(
  db: Kysely<Database>,
  store: SyncStore,
  groupId: number,
): Promise<GroupScope> {
  const [group, players, mappings, libraryIds] = await Promise.all([
    store.getGroup(groupId),
    store.listPlayers(groupId),
    store.listPathMappings(groupId),
    listGroupLibraries(db, groupId),
  ]);
  if (!group) throw new NotFoundError('player group', groupId);
  const roots: GroupRoot[] = [];
  for (const id of libraryIds) {
    const library = await store.getLibrary(id);
    if (!library) continue;
    roots.push({
      library,
      kind: library.kind === 'movies' ? 'movie' : 'episode',
      kodiRoot: kodiFolder(mapManagerToKodi(mappings, library.rootPath, { groupName: group.name })),
    });
  }
  return { group, players, mappings, roots };
}
