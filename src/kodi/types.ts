/**
 * Shapes of what Kodi sends and what we ask of it (JSON-RPC 12/13, Kodi 19–21).
 * Facts behind these shapes: ../shared/research/kodi-jsonrpc.md and real-kodi.md.
 */

/** How to reach one Kodi. `wsPort` null or absent: WebSocket not offered, HTTP only. */
export interface KodiEndpoint {
  /** Human name used in every message ("living room"). */
  name: string;
  host: string;
  httpPort: number;
  wsPort?: number | null;
  username?: string;
  password?: string;
}

export interface KodiVersion {
  major: number;
  minor: number;
  patch: number;
}

export type VideoItemType = 'movie' | 'episode' | 'tvshow' | 'musicvideo';

export interface KodiUniqueIds {
  imdb?: string;
  tmdb?: string;
  tvdb?: string;
  [provider: string]: string | undefined;
}

export interface KodiResumePoint {
  position: number;
  total: number;
}

export interface KodiMovie {
  movieid: number;
  label: string;
  title?: string;
  year?: number;
  file?: string;
  imdbnumber?: string;
  uniqueid?: KodiUniqueIds;
  playcount?: number;
  lastplayed?: string;
  dateadded?: string;
  resume?: KodiResumePoint;
  userrating?: number;
  art?: Record<string, string>;
}

export interface KodiEpisode {
  episodeid: number;
  label: string;
  title?: string;
  file?: string;
  tvshowid?: number;
  showtitle?: string;
  season?: number;
  episode?: number;
  uniqueid?: KodiUniqueIds;
  playcount?: number;
  lastplayed?: string;
  dateadded?: string;
  resume?: KodiResumePoint;
  userrating?: number;
  art?: Record<string, string>;
}

export interface KodiTVShow {
  tvshowid: number;
  label: string;
  title?: string;
  file?: string;
  episode?: number;
  uniqueid?: KodiUniqueIds;
}

export interface KodiLimits {
  start: number;
  end: number;
  total: number;
}

/** A `List.Filter.Rule`: text comparisons are SQL LIKE in Kodi (`_` and `%` are wildcards, case-insensitive). */
export interface KodiFilterRule {
  field: string;
  operator:
    'is' | 'isnot' | 'contains' | 'doesnotcontain' | 'startswith' | 'endswith' | 'greaterthan' | 'lessthan';
  value: string | string[];
}

export type KodiFilter = KodiFilterRule | { and: KodiFilter[] } | { or: KodiFilter[] };

export interface KodiActivePlayer {
  playerid: number;
  type: 'video' | 'audio' | 'picture';
  playertype?: string;
}

export interface KodiPlayerItem {
  id?: number;
  type: string;
  label?: string;
  file?: string;
  title?: string;
}

export interface KodiSource {
  file: string;
  label: string;
}

export interface KodiFileEntry {
  file: string;
  filetype: 'file' | 'directory';
  label: string;
  id?: number;
  type?: string;
  /** When asked for: "YYYY-MM-DD HH:MM:SS", Kodi's local time, seconds truncated (Kodi 20.1). */
  lastmodified?: string;
}

/** Item reference in notifications: `data.item.{id,type}` (Kodi 19–21) or flat `data.{id,type}` (older docs). */
export interface KodiItemRef {
  id: number;
  type: string;
}

/** Every notification the sync needs, normalised (the OnUpdate shapes are merged into one). */
export type KodiNotification =
  | { method: 'VideoLibrary.OnScanStarted' }
  | { method: 'VideoLibrary.OnScanFinished' }
  | { method: 'VideoLibrary.OnCleanStarted' }
  | { method: 'VideoLibrary.OnCleanFinished' }
  | {
      method: 'VideoLibrary.OnUpdate';
      item: KodiItemRef;
      added: boolean;
      transaction: boolean;
      playcount?: number;
    }
  | { method: 'VideoLibrary.OnRemove'; item: KodiItemRef; transaction: boolean }
  | {
      method: 'Player.OnPlay' | 'Player.OnAVStart' | 'Player.OnPause' | 'Player.OnResume';
      item: KodiPlayerItem;
      playerId: number;
    }
  | { method: 'Player.OnStop'; item: KodiPlayerItem; end: boolean }
  | { method: 'System.OnQuit'; exitcode: number }
  | { method: 'other'; rawMethod: string; data: unknown };

/** `Application.GetProperties {properties:['version']}` → version (Kodi's own, e.g. 20.1 stable). */
export interface KodiApplicationVersion {
  major: number;
  minor: number;
  revision?: string;
  tag?: string;
  tagversion?: string;
}

/**
 * `Files.GetFileDetails` → filedetails. Kodi 20.1 always sends `label` and `type` ('unknown', or the library type with
 * `id` when `media:'video'`), `file`/`size`/`lastmodified`/`title` only when asked for, and no `filetype`.
 */
export interface KodiFileDetails {
  label: string;
  type: string;
  file?: string;
  id?: number;
  title?: string;
  size?: number;
  lastmodified?: string;
}
