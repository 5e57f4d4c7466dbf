/**
 * What the sync engine reads and writes, as plain objects: the item's desired state, the group's rules, its
 * players and mappings, and the per-(item, group) record of what was last verified in Kodi. The engine sees the
 * database only through `SyncStore` (implemented in ./store-port.ts on top of src/store).
 */
import type { KodiEndpoint } from '../kodi/types.js';
import type { PathMapping } from '../paths/index.js';
import type { UserDataSnapshot } from './user-data.js';

export type ItemKind = 'movie' | 'episode';
export type ItemState = 'published' | 'deleted';

export interface ItemIds {
  imdb?: string;
  tmdb?: string;
  tvdb?: string;
}

export interface SyncItem {
  id: number;
  libraryId: number | null;
  kind: ItemKind;
  /** The video file as the manager sees it. */
  path: string;
  ids: ItemIds;
  title: string | null;
  year: number | null;
  season: number | null;
  episode: number | null;
  state: ItemState;
  /** Bumped by every re-publish; a job refreshes Kodi when it is newer than what was applied. */
  revision: number;
}

export interface SyncLibrary {
  id: number;
  name: string;
  kind: 'movies' | 'tvshows';
  /** Root folder as the manager sees it. */
  rootPath: string;
}

export interface SyncGroup {
  id: number;
  name: string;
  skipActive: boolean;
  busyPolicy: 'defer' | 'run';
  maxDeferralMs: number;
  fullScanFallback: boolean;
  sharedDatabase: boolean;
}

export interface SyncPlayer {
  id: number;
  groupId: number;
  name: string;
  endpoint: KodiEndpoint;
  /** Higher runs first. */
  priority: number;
  enabled: boolean;
}

export interface ItemSyncRecord {
  kodiIds: number[];
  kodiFile: string | null;
  revisionApplied: number | null;
  verifiedAt: number | null;
  evidence: SyncEvidence | null;
  /** User data held for a restore until the job succeeds (user-data.ts); saving a verified record clears it. */
  userDataSnapshot?: UserDataSnapshot | null;
}

export type CompletionSignal =
  'OnScanFinished event' | 'polling' | 'OnUpdate added' | 'OnRemove + OnUpdate added' | 'lookup';

/** Why a job succeeded: what a fresh lookup in Kodi showed, through which member, and how the wait ended. */
export interface ReplacedEvidence {
  file: string;
  kodiIds: number[];
  restored: Record<string, unknown>[];
  note?: string;
}

export interface SyncEvidence {
  outcome: 'published' | 'refreshed' | 'already in sync' | 'removed' | 'already absent';
  member: string;
  kodiIds: number[];
  file: string | null;
  /** How the lookup matched: 'file' (exact), 'uniqueid' or 'title+year' (labelled fallbacks). */
  matchedBy?: 'file' | 'stored form' | 'uniqueid' | 'title+year' | 'show+season+episode';
  completion?: CompletionSignal;
  /** Escalation steps that were needed (e.g. 'rescan folder', 'scan source root'). */
  escalation?: string[];
  restored?: Record<string, unknown>;
  /** Old files this one replaced: their Kodi ids (removed) and the user data copied onto the new row(s). */
  replaced?: ReplacedEvidence[];
  title?: string;
  art?: Record<string, string>;
  removedShowId?: number;
  /** Shared-database groups: the second member that confirmed the change. */
  confirmedBy?: string;
  /** Added by one scan sent for several new movies of a lane (shared-scan.ts): who sent it, of what, for how many. */
  sharedScan?: { byJob: number; directory: string; items: number };
  /** Shared-database groups: the other members whose screens were refreshed to show the change. */
  screensRefreshed?: string[];
  timings: Record<string, number>;
  notes?: string[];
}

export interface SyncStore {
  getItem(itemId: number): Promise<SyncItem | undefined>;
  getLibrary(libraryId: number): Promise<SyncLibrary | undefined>;
  getGroup(groupId: number): Promise<SyncGroup | undefined>;
  listPlayers(groupId: number): Promise<SyncPlayer[]>;
  listPathMappings(groupId: number): Promise<PathMapping[]>;
  getItemSync(itemId: number, groupId: number): Promise<ItemSyncRecord | undefined>;
  /** Saves a verified record and clears any pending user-data snapshot. */
  saveItemSync(itemId: number, groupId: number, record: ItemSyncRecord): Promise<void>;
  /** Stores (or with null, drops) the user data a refresh or replacement must restore; durable before Kodi changes. */
  saveUserDataSnapshot(itemId: number, groupId: number, snapshot: UserDataSnapshot | null): Promise<void>;
  /** Every item of exactly this manager path (a multi-episode file has several). */
  listItemsAtPath(path: string): Promise<SyncItem[]>;
  /** Every item whose manager path lies below `folder` (ending with its separator). */
  listItemsBelow(folder: string): Promise<SyncItem[]>;
}
