/**
 * The simulator's video database: movies, shows and episodes plus the per-file user data (the `files` and
 * `bookmark` tables of Kodi). Two simulators can share one instance, like Kodis on one MySQL database.
 * Ids follow SQLite's rowid rule (max + 1), so a removed or refreshed item with the highest id gets the
 * same id back (research/real-kodi.md §7, §8). Movies and episodes are indexed by file and folder (item-table.ts).
 */
import { PathTable } from './folder-hash.js';
import { ItemTable } from './item-table.js';

export interface SimResume {
  position: number;
  total: number;
}

export interface SimArt {
  icon?: string;
  poster?: string;
  fanart?: string;
  thumb?: string;
}

interface SimVideoBase {
  title: string;
  /** Full path of the video file. */
  file: string;
  /** Folder of the file with a trailing '/' (Kodi's strPath). */
  path: string;
  filename: string;
  uniqueid: Record<string, string>;
  playcount: number;
  lastplayed: string;
  userrating: number;
  art: SimArt;
}

export interface SimMovie extends SimVideoBase {
  movieid: number;
  year: number;
  premiered: string;
  /** The default unique id (Kodi's imdbnumber column). */
  imdbnumber: string;
}

export interface SimTVShow {
  tvshowid: number;
  title: string;
  year: number;
  /** Show folder with a trailing '/'. */
  path: string;
  uniqueid: Record<string, string>;
  imdbnumber: string;
  dateadded: string;
  art: SimArt;
}

export interface SimEpisode extends SimVideoBase {
  episodeid: number;
  tvshowid: number;
  season: number;
  episode: number;
}

/** What survives Remove and Refresh: Kodi keeps it in the `files` row and `bookmark`, keyed by the file. */
interface FileRow {
  dateadded: string;
  resume: SimResume;
}

export type NewMovie = Omit<SimMovie, 'movieid' | 'playcount' | 'lastplayed' | 'userrating'>;
export type NewEpisode = Omit<SimEpisode, 'episodeid' | 'playcount' | 'lastplayed' | 'userrating'>;
export type NewTVShow = Omit<SimTVShow, 'tvshowid'>;

function nextId(ids: Iterable<number>): number {
  let max = 0;
  for (const id of ids) if (id > max) max = id;
  return max + 1;
}

/** What a simulator sharing this library exposes to the others: whether it scans (research/real-kodi.md §13). */
export interface LibraryUser {
  readonly isScanningVideo: boolean;
}

export class SimLibrary {
  readonly movies = new ItemTable<SimMovie>();
  readonly tvshows = new Map<number, SimTVShow>();
  readonly episodes = new ItemTable<SimEpisode>();
  /** The simulators using this library (several when they share it, like Kodis on one MySQL database). */
  readonly users = new Set<LibraryUser>();
  /** Kodi's `path` table: the folders the library knows and the scanner's stored hashes (folder-hash.ts). */
  readonly paths = new PathTable();
  private readonly files = new Map<string, FileRow>();

  fileRow(file: string, dateaddedIfNew: string): FileRow {
    let row = this.files.get(file);
    if (!row) {
      row = { dateadded: dateaddedIfNew, resume: { position: 0, total: 0 } };
      this.files.set(file, row);
    }
    return row;
  }

  existingFileRow(file: string): FileRow | undefined {
    return this.files.get(file);
  }

  addMovie(movie: NewMovie, dateadded: string): SimMovie {
    this.fileRow(movie.file, dateadded);
    this.paths.ensure(movie.path);
    const added: SimMovie = {
      ...movie,
      movieid: this.movies.nextId(),
      playcount: 0,
      lastplayed: '',
      userrating: 0,
    };
    this.movies.insert(added.movieid, added);
    return added;
  }

  addTVShow(show: NewTVShow): SimTVShow {
    this.paths.ensure(show.path);
    const added: SimTVShow = { ...show, tvshowid: nextId(this.tvshows.keys()) };
    this.tvshows.set(added.tvshowid, added);
    return added;
  }

  addEpisode(episode: NewEpisode, dateadded: string): SimEpisode {
    this.fileRow(episode.file, dateadded);
    this.paths.ensure(episode.path);
    const added: SimEpisode = {
      ...episode,
      episodeid: this.episodes.nextId(),
      playcount: 0,
      lastplayed: '',
      userrating: 0,
    };
    this.episodes.insert(added.episodeid, added);
    return added;
  }

  /**
   * Deleting a movie or an episode row (Remove*, and the delete step of Refresh*) makes Kodi forget the hash
   * of its folder — for an episode also of the show folder above (folder-hash.ts; real-kodi.md §16).
   */
  deleteMovie(movieid: number): void {
    const movie = this.movies.get(movieid);
    if (!movie) return;
    this.movies.delete(movieid);
    this.paths.invalidate(movie.path, false);
  }

  deleteEpisode(episodeid: number): void {
    const episode = this.episodes.get(episodeid);
    if (!episode) return;
    this.episodes.delete(episodeid);
    this.paths.invalidate(episode.path, true);
  }

  /** Removing a show removes its episodes too; returns the ids of the episodes removed with it. */
  removeTVShow(tvshowid: number): number[] {
    const removed: number[] = [];
    for (const episode of this.episodes.values()) {
      if (episode.tvshowid === tvshowid) removed.push(episode.episodeid);
    }
    for (const id of removed) this.deleteEpisode(id);
    const show = this.tvshows.get(tvshowid);
    if (show) this.paths.invalidate(show.path, true);
    this.tvshows.delete(tvshowid);
    return removed;
  }

  hasFile(file: string): boolean {
    return this.movieByFile(file) !== undefined || this.episodesByFile(file).length > 0;
  }

  movieByFile(file: string): SimMovie | undefined {
    return this.movies.withFile(file)[0];
  }

  episodesByFile(file: string): SimEpisode[] {
    return this.episodes.withFile(file);
  }

  showByPath(path: string): SimTVShow | undefined {
    for (const show of this.tvshows.values()) if (show.path === path) return show;
    return undefined;
  }

  episodeCount(tvshowid: number): number {
    let count = 0;
    for (const episode of this.episodes.values()) if (episode.tvshowid === tvshowid) count += 1;
    return count;
  }

  /** The library item a file belongs to, as Kodi resolves a played file or a listed file (by path). */
  itemForFile(file: string): { id: number; type: 'movie' | 'episode'; title: string } | undefined {
    const movie = this.movieByFile(file);
    if (movie) return { id: movie.movieid, type: 'movie', title: movie.title };
    const episode = this.episodesByFile(file)[0];
    if (episode) return { id: episode.episodeid, type: 'episode', title: episode.title };
    return undefined;
  }
}
