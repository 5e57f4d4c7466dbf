/**
 * The client for one Kodi: typed JSON-RPC methods on top of KodiConnection (WebSocket when up, HTTP otherwise).
 * The methods only speak; deciding when a call is safe (no Scan while scanning, nothing while playing) is the
 * sync engine's job (kodi-jsonrpc.md "Consequences").
 */
import { KodiConnection } from './connection.js';
import type {
  KodiActivePlayer,
  KodiApplicationVersion,
  KodiEpisode,
  KodiFileDetails,
  KodiFileEntry,
  KodiFilter,
  KodiLimits,
  KodiMovie,
  KodiPlayerItem,
  KodiSource,
  KodiTVShow,
  KodiVersion,
} from './types.js';

export { KodiConnection, type CallOptions, type KodiClientOptions } from './connection.js';

export interface ListQuery {
  filter?: KodiFilter;
  properties?: readonly string[];
  /** `end` is exclusive; `{end: 0}` is a cheap count (real-kodi.md §6). */
  limits?: { start?: number; end?: number };
}

export interface EpisodeQuery extends ListQuery {
  tvshowid?: number;
  season?: number;
}

export const DEFAULT_MOVIE_PROPERTIES = ['title', 'year', 'file', 'imdbnumber', 'uniqueid'] as const;
export const DEFAULT_EPISODE_PROPERTIES = [
  'title',
  'file',
  'tvshowid',
  'showtitle',
  'season',
  'episode',
  'uniqueid',
] as const;
export const DEFAULT_TVSHOW_PROPERTIES = ['title', 'file', 'episode', 'uniqueid'] as const;

/** Kodi omits the list key when nothing matches, and the limits too on some versions. */
const NO_LIMITS: KodiLimits = { start: 0, end: 0, total: 0 };

function listParams(query: ListQuery, defaults: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = { properties: query.properties ?? defaults };
  if (query.filter) params.filter = query.filter;
  if (query.limits) params.limits = query.limits;
  return params;
}

export class KodiClient extends KodiConnection {
  async ping(): Promise<string> {
    return this.call<string>('JSONRPC.Ping');
  }

  /** JSON-RPC API version: 12.x = Kodi 19, 13.0 = 20, 13.5 = 21 (kodi-jsonrpc.md §1). */
  async version(): Promise<KodiVersion> {
    const result = await this.call<{ version: KodiVersion }>('JSONRPC.Version');
    return result.version;
  }

  /** Kodi's own version, e.g. "20.1" (a "-beta2" style suffix for non-stable builds). */
  async applicationVersion(): Promise<string> {
    const result = await this.call<{ version: KodiApplicationVersion }>('Application.GetProperties', {
      properties: ['version'],
    });
    const { major, minor, tag, tagversion } = result.version;
    const suffix = tag && tag !== 'stable' ? `-${tag}${tagversion ?? ''}` : '';
    return `${major}.${minor}${suffix}`;
  }

  /**
   * Start a library scan, always without dialogs (the default `true` pops progress over playback;
   * kodi-jsonrpc.md §2). "OK" only means accepted: a Scan sent while Kodi scans CANCELS that scan and adds
   * nothing (real-kodi.md §3), and a new folder is only seen after listing its parent (real-kodi.md §4).
   */
  async scan(directory?: string): Promise<void> {
    await this.call(
      'VideoLibrary.Scan',
      directory === undefined ? { showdialogs: false } : { directory, showdialogs: false },
    );
  }

  /**
   * Start a library clean, always without dialogs (`true` runs a blocking modal clean on Kodi's GUI thread;
   * kodi-jsonrpc.md §6). A `directory` only works together with `content` 'movies' or 'tvshows'.
   */
  async clean(
    options: { content?: 'video' | 'movies' | 'tvshows' | 'musicvideos'; directory?: string } = {},
  ): Promise<void> {
    await this.call('VideoLibrary.Clean', { showdialogs: false, ...options });
  }

  async getMovies(query: ListQuery = {}): Promise<{ movies: KodiMovie[]; limits: KodiLimits }> {
    const result = await this.call<{ movies?: KodiMovie[]; limits?: KodiLimits }>(
      'VideoLibrary.GetMovies',
      listParams(query, DEFAULT_MOVIE_PROPERTIES),
    );
    return { movies: result.movies ?? [], limits: result.limits ?? NO_LIMITS };
  }

  /** Throws KodiRpcError -32602 when the id does not exist (kodi-jsonrpc.md §5). */
  async getMovieDetails(
    movieid: number,
    properties: readonly string[] = DEFAULT_MOVIE_PROPERTIES,
  ): Promise<KodiMovie> {
    const result = await this.call<{ moviedetails: KodiMovie }>('VideoLibrary.GetMovieDetails', {
      movieid,
      properties,
    });
    return result.moviedetails;
  }

  /** Asynchronous in Kodi: the movie gets a NEW id (OnRemove old, OnUpdate added new; kodi-jsonrpc.md §4). */
  async refreshMovie(movieid: number, options: { ignorenfo?: boolean } = {}): Promise<void> {
    await this.call('VideoLibrary.RefreshMovie', { movieid, ignorenfo: options.ignorenfo ?? false });
  }

  /** Answers OK even for unknown ids: verify with getMovieDetails (real-kodi.md §8). */
  async removeMovie(movieid: number): Promise<void> {
    await this.call('VideoLibrary.RemoveMovie', { movieid });
  }

  async setMovieDetails(movieid: number, fields: Record<string, unknown>): Promise<void> {
    await this.call('VideoLibrary.SetMovieDetails', { ...fields, movieid });
  }

  async getTVShows(query: ListQuery = {}): Promise<{ tvshows: KodiTVShow[]; limits: KodiLimits }> {
    const result = await this.call<{ tvshows?: KodiTVShow[]; limits?: KodiLimits }>(
      'VideoLibrary.GetTVShows',
      listParams(query, DEFAULT_TVSHOW_PROPERTIES),
    );
    return { tvshows: result.tvshows ?? [], limits: result.limits ?? NO_LIMITS };
  }

  async getTVShowDetails(
    tvshowid: number,
    properties: readonly string[] = DEFAULT_TVSHOW_PROPERTIES,
  ): Promise<KodiTVShow> {
    const result = await this.call<{ tvshowdetails: KodiTVShow }>('VideoLibrary.GetTVShowDetails', {
      tvshowid,
      properties,
    });
    return result.tvshowdetails;
  }

  /** Removing a show's last episode leaves the show behind: remove it explicitly (real-kodi.md §8). */
  async removeTVShow(tvshowid: number): Promise<void> {
    await this.call('VideoLibrary.RemoveTVShow', { tvshowid });
  }

  async getEpisodes(query: EpisodeQuery = {}): Promise<{ episodes: KodiEpisode[]; limits: KodiLimits }> {
    const params = listParams(query, DEFAULT_EPISODE_PROPERTIES);
    if (query.tvshowid !== undefined) params.tvshowid = query.tvshowid;
    if (query.season !== undefined) params.season = query.season;
    const result = await this.call<{ episodes?: KodiEpisode[]; limits?: KodiLimits }>(
      'VideoLibrary.GetEpisodes',
      params,
    );
    return { episodes: result.episodes ?? [], limits: result.limits ?? NO_LIMITS };
  }

  async getEpisodeDetails(
    episodeid: number,
    properties: readonly string[] = DEFAULT_EPISODE_PROPERTIES,
  ): Promise<KodiEpisode> {
    const result = await this.call<{ episodedetails: KodiEpisode }>('VideoLibrary.GetEpisodeDetails', {
      episodeid,
      properties,
    });
    return result.episodedetails;
  }

  async refreshEpisode(episodeid: number, options: { ignorenfo?: boolean } = {}): Promise<void> {
    await this.call('VideoLibrary.RefreshEpisode', { episodeid, ignorenfo: options.ignorenfo ?? false });
  }

  async removeEpisode(episodeid: number): Promise<void> {
    await this.call('VideoLibrary.RemoveEpisode', { episodeid });
  }

  async setEpisodeDetails(episodeid: number, fields: Record<string, unknown>): Promise<void> {
    await this.call('VideoLibrary.SetEpisodeDetails', { ...fields, episodeid });
  }

  /** Answered on Kodi's GUI thread (20–30 ms each; kodi-jsonrpc.md §9, real-kodi.md §15). */
  async getInfoBooleans<N extends string>(names: readonly N[]): Promise<Record<N, boolean>> {
    return this.call<Record<N, boolean>>('XBMC.GetInfoBooleans', { booleans: names });
  }

  /** True while a scan or clean is queued or running; NOT during a refresh (kodi-jsonrpc.md §9). */
  async isScanningVideo(): Promise<boolean> {
    const result = await this.getInfoBooleans(['Library.IsScanningVideo']);
    return result['Library.IsScanningVideo'];
  }

  /** Empty when nothing plays; a paused player is still active (kodi-jsonrpc.md §11). */
  async getActivePlayers(): Promise<KodiActivePlayer[]> {
    return this.call<KodiActivePlayer[]>('Player.GetActivePlayers');
  }

  /** The playing item; compare its `file`, not its id (ids change on refresh; real-kodi.md §10). */
  async getPlayerItem(
    playerid: number,
    properties: readonly string[] = ['file', 'title'],
  ): Promise<KodiPlayerItem> {
    const result = await this.call<{ item: KodiPlayerItem }>('Player.GetItem', { playerid, properties });
    return result.item;
  }

  async getSources(
    media: 'video' | 'music' | 'pictures' | 'files' | 'programs' = 'video',
  ): Promise<KodiSource[]> {
    const result = await this.call<{ sources?: KodiSource[] }>('Files.GetSources', { media });
    return result.sources ?? [];
  }

  /**
   * Lists a folder. Also how Kodi notices a new folder before a Scan (list the parent; real-kodi.md §4).
   * Missing, unreachable and outside-every-source all give KodiRpcError -32602; empty gives [] (kodi-jsonrpc.md §12).
   */
  async getDirectory(
    directory: string,
    options: { media?: 'video' | 'files'; properties?: readonly string[] } = {},
  ): Promise<KodiFileEntry[]> {
    const result = await this.call<{ files?: KodiFileEntry[] | null }>('Files.GetDirectory', {
      directory,
      ...options,
    });
    return result.files ?? [];
  }

  /** -32602 when the file is missing or outside every source. `media:'video'` adds the library id and type. */
  async getFileDetails(
    file: string,
    options: { media?: 'video' | 'files'; properties?: readonly string[] } = {},
  ): Promise<KodiFileDetails> {
    const result = await this.call<{ filedetails: KodiFileDetails }>('Files.GetFileDetails', {
      file,
      properties: ['file'],
      ...options,
    });
    return result.filedetails;
  }

  async showNotification(title: string, message: string, displaytimeMs = 5_000): Promise<void> {
    await this.call('GUI.ShowNotification', { title, message, displaytime: displaytimeMs });
  }
}
