/**
 * What a Radarr/Sonarr webhook asks the sync engine to do, one row per library item (movie, or one episode of a
 * possibly multi-episode file). Helper E's src/sync owns the engine; this is the shape the adapters produce.
 */

export type ItemAction = 'publish' | 'republish' | 'delete';
export type ItemKind = 'movie' | 'episode';

export interface ItemIds {
  imdb?: string;
  tmdb?: number;
  tvdb?: number;
}

export interface ItemEvent {
  action: ItemAction;
  kind: ItemKind;
  /**
   * The file as the manager sees it, exactly as sent (backslashes and UNC kept). A path ending with its separator
   * is a folder: `delete` then means every entry under it (a deleted movie or series whose files went with it).
   */
  path: string;
  libraryId?: number;
  /** For episodes these are the series' ids; season/episode name the episode. */
  ids?: ItemIds;
  title?: string;
  year?: number;
  season?: number;
  episode?: number;
  /**
   * On a `publish` that replaces other files (an upgrade to a new file name, a rename): the old paths, which
   * follow as `delete` events in the same outcome. The engine copies the Kodi user data (playcount, resume,
   * last played, date added) from the old entries to the new one before it removes them.
   */
  replaces?: string[];
}

export interface WebhookOutcome {
  /** In the order the engine must apply them: publishes before the deletes of the entries they replace. */
  events: ItemEvent[];
  /** Set when the payload asks for nothing (Test, Grab, Health, a delete for an upgrade, …). */
  ignoredReason?: string;
}
