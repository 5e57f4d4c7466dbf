/**
 * What a Radarr/Sonarr webhook asks for: the sync engine's ItemEvents (src/sync/events.ts; one per library row, so a
 * multi-episode file gives one per episode, all sharing the file's path) plus two things an ItemEvent cannot say.
 */
import type { ItemEvent } from '../../sync/events.js';
import type { ItemIds, ItemKind } from '../../sync/types.js';

export type { ItemEvent, ItemIds, ItemKind };

/**
 * A movie or series deleted together with its files. The payload names only the folder (Radarr never fills
 * movie.filePath), and an ItemEvent is one file, so the service expands this into a `delete` per known item whose
 * manager path starts with `folder` (which ends with its separator, so "/movies/A" never matches "/movies/AB").
 */
export interface FolderDelete {
  kind: ItemKind;
  folder: string;
  ids?: ItemIds;
  title?: string;
  year?: number;
}

export interface WebhookOutcome {
  /** In the order to apply them. */
  events: ItemEvent[];
  folderDeletes?: FolderDelete[];
  /** Set when the payload asks for nothing (Test, Grab, Health, a delete for an upgrade, …). */
  ignoredReason?: string;
}
