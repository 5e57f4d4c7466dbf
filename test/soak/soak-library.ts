/**
 * The soak's media manager: a fixed set of movie and episode slots on one shared media folder (a NAS all four
 * Kodis read), each holding at most one video file at a time. Every change is made on disk first, then told to
 * Kodi Sync as Radarr/Sonarr would (webhooks) or as a Metarr-style manager would (/api/v1/items/*): new files,
 * re-imports, re-publishes (NFO changed), upgrades (new file, old one deleted), renames and deletes.
 * `expectedFiles()` is the desired state: exactly the files the slots hold now.
 */
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { webhookFixture } from '../fixtures/webhooks/load.js';

export const MANAGER_MOVIES = '/data/media/movies';
export const MANAGER_TV = '/data/media/tv';

export type ChangeKind = 'new' | 'reimport' | 'republish' | 'upgrade' | 'rename' | 'delete';

interface Slot {
  kind: 'movie' | 'episode';
  /** Folder relative to the source root: `Movie (2001)` or `Show/Season 01`. */
  folder: string;
  stem: string;
  title: string;
  year: number;
  show?: string;
  season?: number;
  episode?: number;
  imdb: string;
  version: number;
  /** The video file's name inside `folder`, when the slot holds one. */
  file: string | null;
}

/** One request to the service: a webhook (one event) or an items API call (one or more events). */
export interface SoakRequest {
  path: string;
  body: unknown;
  events: number;
}

interface ApiItem {
  kind: 'movie' | 'episode';
  path: string;
  season?: number;
  episode?: number;
  replaces?: string[];
  title?: string;
  year?: number;
  ids?: { imdb: string };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export class SoakLibrary {
  readonly counts: Record<ChangeKind, number> = {
    new: 0,
    reimport: 0,
    republish: 0,
    upgrade: 0,
    rename: 0,
    delete: 0,
  };
  private readonly slots: Slot[] = [];

  constructor(
    private readonly moviesRoot: string,
    private readonly tvRoot: string,
    options: { movies: number; shows: number; seasons: number; episodes: number },
  ) {
    for (let m = 1; m <= options.movies; m++) {
      const title = `Soak Movie ${pad(m, 3)}`;
      const year = 1990 + (m % 30);
      const stem = `${title} (${String(year)})`;
      this.slots.push({
        kind: 'movie',
        folder: stem,
        stem,
        title,
        year,
        imdb: `tt9${pad(m, 6)}`,
        version: 0,
        file: null,
      });
    }
    for (let s = 1; s <= options.shows; s++) {
      const show = `Soak Show ${pad(s)}`;
      for (let season = 1; season <= options.seasons; season++) {
        for (let episode = 1; episode <= options.episodes; episode++) {
          this.slots.push({
            kind: 'episode',
            folder: `${show}/Season ${pad(season)}`,
            stem: `${show} S${pad(season)}E${pad(episode)}`,
            title: show,
            year: 2010 + s,
            show,
            season,
            episode,
            imdb: `tt8${pad(s, 3)}${pad(season)}${pad(episode)}`,
            version: 0,
            file: null,
          });
        }
      }
    }
  }

  /** Kodi's file of every video the manager holds now (the simulators' source roots are Kodi's paths). */
  expectedFiles(): { movies: string[]; episodes: string[] } {
    const files = (kind: Slot['kind'], root: string): string[] =>
      this.slots
        .filter((slot) => slot.kind === kind && slot.file !== null)
        .map((slot) => join(root, slot.folder, slot.file ?? ''))
        .sort();
    return { movies: files('movie', this.moviesRoot), episodes: files('episode', this.tvRoot) };
  }

  /** Show titles that still hold an episode. */
  expectedShows(): string[] {
    const shows = this.slots
      .filter((slot) => slot.kind === 'episode' && slot.file !== null)
      .map((s) => s.show ?? '');
    return [...new Set(shows)].sort();
  }

  /**
   * Changes one random slot on disk and returns how the manager tells Kodi Sync: a webhook, or an item for the
   * items API (`viaApi`). The caller keeps the order of everything it sends.
   */
  async change(
    random: () => number,
  ): Promise<{ kind: ChangeKind; webhook?: SoakRequest; api?: { action: string; item: ApiItem } }> {
    const slot = this.slots[Math.floor(random() * this.slots.length)] as Slot;
    const viaApi = random() < 0.5;
    const kind = this.pickChange(slot, random);
    this.counts[kind] += 1;
    const old = slot.file === null ? null : this.managerPath(slot, slot.file);
    const oldDisk = slot.file === null ? null : this.diskPath(slot, slot.file);
    if (kind === 'new' || kind === 'upgrade' || kind === 'rename') {
      slot.version += 1;
      slot.file = `${slot.stem} - v${String(slot.version)}.mkv`;
    }
    const path = this.managerPath(slot, slot.file ?? '');
    const disk = this.diskPath(slot, slot.file ?? '');
    switch (kind) {
      case 'new':
        await this.writeSlot(slot, disk);
        break;
      case 'republish':
        await this.writeInfo(slot, `Changed at ${String(Date.now())}.`);
        break;
      case 'upgrade':
        await writeFile(disk, `upgrade ${String(slot.version)}\n`);
        await unlink(oldDisk ?? '');
        break;
      case 'rename':
        await rename(oldDisk ?? '', disk);
        break;
      case 'delete':
        await unlink(disk);
        slot.file = null;
        break;
      case 'reimport':
        break;
    }
    if (viaApi || kind === 'republish') return { kind, api: this.apiEvent(slot, kind, path, old) };
    return { kind, webhook: this.webhook(slot, kind, path, old) };
  }

  private pickChange(slot: Slot, random: () => number): ChangeKind {
    if (slot.file === null) return 'new';
    const r = random();
    if (r < 0.3) return 'republish';
    if (r < 0.5) return 'upgrade';
    if (r < 0.65) return 'rename';
    if (r < 0.85) return 'delete';
    return 'reimport';
  }

  private managerPath(slot: Slot, file: string): string {
    return `${slot.kind === 'movie' ? MANAGER_MOVIES : MANAGER_TV}/${slot.folder}/${file}`;
  }

  private diskPath(slot: Slot, file: string): string {
    return join(slot.kind === 'movie' ? this.moviesRoot : this.tvRoot, slot.folder, file);
  }

  private async writeSlot(slot: Slot, disk: string): Promise<void> {
    await mkdir(dirname(disk), { recursive: true });
    await this.writeInfo(slot, 'Soak test item.');
    await writeFile(disk, `video ${String(slot.version)}\n`);
  }

  /** movie.nfo for a movie, tvshow.nfo for a show (the episode's numbers come from its file name). */
  private async writeInfo(slot: Slot, plot: string): Promise<void> {
    if (slot.kind === 'movie') {
      await writeFile(
        join(this.moviesRoot, slot.folder, 'movie.nfo'),
        `<?xml version="1.0" encoding="UTF-8"?>\n<movie><title>${slot.title}</title><year>${String(slot.year)}</year>` +
          `<plot>${plot}</plot><uniqueid type="imdb" default="true">${slot.imdb}</uniqueid></movie>\n`,
      );
      return;
    }
    await writeFile(
      join(this.tvRoot, slot.show ?? '', 'tvshow.nfo'),
      `<?xml version="1.0" encoding="UTF-8"?>\n<tvshow><title>${slot.show ?? ''}</title><plot>${plot}</plot>` +
        `<uniqueid type="tvdb" default="true">${String(70_000 + slot.year)}</uniqueid></tvshow>\n`,
    );
  }

  private apiEvent(
    slot: Slot,
    kind: ChangeKind,
    path: string,
    old: string | null,
  ): { action: string; item: ApiItem } {
    const item: ApiItem = {
      kind: slot.kind,
      path,
      ...(slot.kind === 'episode'
        ? { season: slot.season ?? 0, episode: slot.episode ?? 0 }
        : { title: slot.title, year: slot.year, ids: { imdb: slot.imdb } }),
      ...((kind === 'upgrade' || kind === 'rename') && old !== null && { replaces: [old] }),
    };
    const action = kind === 'delete' ? 'delete' : kind === 'republish' ? 'republish' : 'publish';
    return { action, item };
  }

  private webhook(slot: Slot, kind: ChangeKind, path: string, old: string | null): SoakRequest {
    return slot.kind === 'movie' ? this.radarr(slot, kind, path, old) : this.sonarr(slot, kind, path, old);
  }

  private radarr(slot: Slot, kind: ChangeKind, path: string, old: string | null): SoakRequest {
    const movie = {
      id: 1,
      title: slot.title,
      year: slot.year,
      folderPath: `${MANAGER_MOVIES}/${slot.folder}`,
      imdbId: slot.imdb,
    };
    const file = (p: string) => ({ id: 1, path: p, relativePath: p.slice(movie.folderPath.length + 1) });
    let body: Record<string, unknown>;
    if (kind === 'rename') {
      body = fixture('radarr', 'rename');
      body.renamedMovieFiles = [{ ...file(path), previousPath: old }];
    } else if (kind === 'delete') {
      body = fixture('radarr', 'movie-file-delete-manual');
      body.movieFile = file(path);
    } else if (kind === 'upgrade') {
      body = fixture('radarr', 'download-upgrade');
      body.movieFile = file(path);
      body.deletedFiles = [file(old ?? '')];
    } else {
      body = fixture('radarr', 'download-new');
      body.movieFile = file(path);
    }
    body.movie = movie;
    return { path: '/api/v1/webhooks/radarr', body, events: 1 };
  }

  private sonarr(slot: Slot, kind: ChangeKind, path: string, old: string | null): SoakRequest {
    const series = {
      id: 1,
      title: slot.show,
      path: `${MANAGER_TV}/${slot.show ?? ''}`,
      tvdbId: 70_000 + slot.year,
    };
    const episodes = [{ id: 1, seasonNumber: slot.season, episodeNumber: slot.episode, title: slot.stem }];
    const file = (p: string) => ({ id: 1, path: p, relativePath: p.slice(series.path.length + 1) });
    let body: Record<string, unknown>;
    if (kind === 'rename') {
      body = fixture('sonarr', 'rename');
      body.renamedEpisodeFiles = [{ ...file(path), previousPath: old }];
    } else if (kind === 'delete') {
      body = fixture('sonarr', 'episode-file-delete-manual');
      body.episodeFile = file(path);
      body.episodes = episodes;
    } else if (kind === 'upgrade') {
      body = fixture('sonarr', 'download-upgrade');
      body.episodeFile = file(path);
      body.deletedFiles = [file(old ?? '')];
      body.episodes = episodes;
    } else {
      body = fixture('sonarr', 'download-single');
      body.episodeFile = file(path);
      body.episodes = episodes;
    }
    body.series = series;
    return { path: '/api/v1/webhooks/sonarr', body, events: 1 };
  }
}

function fixture(source: 'radarr' | 'sonarr', name: string): Record<string, unknown> {
  return webhookFixture(source, name) as Record<string, unknown>;
}
