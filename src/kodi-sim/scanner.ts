/**
 * One VideoLibrary.Scan job: which folders it covers and what it adds, with the notifications Kodi sends
 * (research/real-kodi.md §2): OnScanStarted, two OnUpdate per added item (the second with `added:true`,
 * both with `transaction:true`), OnScanFinished — also when it was cancelled or added nothing.
 */
import { delay, rootOf, type SimContext } from './context.js';
import type { DirectoryCache } from './directory-cache.js';
import {
  isDirectory,
  listDirectory,
  readEpisode,
  readMovie,
  readTVShow,
  videoFilesBelow,
  type DirEntry,
} from './disk.js';

/** From the Scan answer to OnScanStarted (Kodi 20.1: ~2 ms, research/real-kodi.md §2). */
export const SCAN_START_DELAY_MS = 1;

export interface ScanJob {
  cancelled: boolean;
  started: boolean;
}

/** A function, not a property read: the flag changes while the job awaits (TypeScript would narrow a read). */
function stopped(job: ScanJob): boolean {
  return job.cancelled;
}

type ScanUnit = { kind: 'movies'; folder: string } | { kind: 'show'; showFolder: string; folder: string };

/** Directories this scan may add from; empty when Kodi would skip it (§5). */
async function scanUnits(
  ctx: SimContext,
  cache: DirectoryCache,
  directory: string | undefined,
): Promise<ScanUnit[]> {
  if (directory === undefined || directory === '') {
    // Scan {} lists every source root (and so refreshes the cached root listings).
    await cache.scannerListed(ctx.moviesRoot);
    await cache.scannerListed(ctx.tvRoot);
    return [{ kind: 'movies', folder: ctx.moviesRoot }, ...(await showUnits(ctx.tvRoot))];
  }
  // Kodi does not normalise '//' (nothing added); a missing trailing slash is fine (§5).
  if (directory.includes('//')) return [];
  const folder = directory.endsWith('/') ? directory : `${directory}/`;
  const source = rootOf(ctx, folder);
  if (!source || !(await isDirectory(folder))) return [];
  if (folder === source.root) {
    await cache.scannerListed(source.root);
    return source.content === 'movies' ? [{ kind: 'movies', folder }] : showUnits(folder);
  }
  if (ctx.settings.staleDirectoryCache && !cache.wouldSeeFolder(source.root, folder)) return [];
  if (source.content === 'movies') return [{ kind: 'movies', folder }];
  const showName = folder.slice(source.root.length).split('/')[0] ?? '';
  return [{ kind: 'show', showFolder: `${source.root}${showName}/`, folder }];
}

async function showUnits(tvRoot: string): Promise<ScanUnit[]> {
  const entries = (await listDirectory(tvRoot)) ?? [];
  return entries
    .filter((entry) => entry.directory)
    .map((entry) => ({
      kind: 'show',
      showFolder: `${tvRoot}${entry.name}/`,
      folder: `${tvRoot}${entry.name}/`,
    }));
}

/** The scanner's folder listings land in the directory cache (what a later refresh takes art names from). */
function listedBy(cache: DirectoryCache): (folder: string, entries: DirEntry[]) => void {
  return (folder, entries) => {
    cache.folderListed(folder, entries);
  };
}

function announceAdded(ctx: SimContext, id: number, type: string): void {
  ctx.notify('VideoLibrary.OnUpdate', { item: { id, type }, transaction: true });
  ctx.notify('VideoLibrary.OnUpdate', { added: true, item: { id, type }, transaction: true });
}

/**
 * One item's work: reading its files happens within the per-item scan time (Kodi's scanMsPerItem includes reading
 * the NFO), so the simulated Kodi takes scanMsPerItem per item, not that plus the simulator's own disk I/O.
 */
async function paced<T>(ctx: SimContext, read: () => Promise<T>): Promise<T> {
  const pace = delay(ctx.settings.scanMsPerItem);
  const result = await read();
  await pace;
  return result;
}

/**
 * Adds what is not in the library yet. Items already there are never touched, not even re-read (§4).
 * The "already there?" check happens before the per-item work time, so two Kodis scanning the same new
 * folder through one shared library both add it — the duplicates seen in §13.
 */
async function addMovies(
  ctx: SimContext,
  cache: DirectoryCache,
  job: ScanJob,
  folder: string,
): Promise<void> {
  for (const file of await videoFilesBelow(folder, listedBy(cache))) {
    if (stopped(job)) return;
    if (ctx.library.hasFile(file)) continue;
    const { movie, dateadded } = await paced(ctx, () => readMovie(file));
    if (stopped(job)) return;
    const added = ctx.library.addMovie(movie, dateadded);
    announceAdded(ctx, added.movieid, 'movie');
  }
}

async function addEpisodes(
  ctx: SimContext,
  cache: DirectoryCache,
  job: ScanJob,
  showFolder: string,
  folder: string,
): Promise<void> {
  const files = (await videoFilesBelow(folder, listedBy(cache))).filter((file) => !ctx.library.hasFile(file));
  if (files.length === 0) return;
  let show = ctx.library.showByPath(showFolder);
  if (!show) {
    const read = await paced(ctx, () => readTVShow(showFolder));
    if (stopped(job)) return;
    show = ctx.library.addTVShow(read);
    announceAdded(ctx, show.tvshowid, 'tvshow');
  }
  for (const file of files) {
    if (stopped(job)) return;
    const read = await paced(ctx, () => readEpisode(file, show.tvshowid));
    if (stopped(job)) return;
    if (!read) continue;
    const added = ctx.library.addEpisode(read.episode, read.dateadded);
    announceAdded(ctx, added.episodeid, 'episode');
  }
}

/** Runs the job to its end; returns once OnScanFinished was sent (or the job was cancelled). */
export async function runScan(
  ctx: SimContext,
  cache: DirectoryCache,
  job: ScanJob,
  directory: string | undefined,
): Promise<void> {
  // The answer "OK" goes out before the job starts.
  await delay(SCAN_START_DELAY_MS);
  if (stopped(job)) return;
  job.started = true;
  ctx.notify('VideoLibrary.OnScanStarted', null);
  if (!ctx.faults.scanAddsNothingOn) {
    for (const unit of await scanUnits(ctx, cache, directory)) {
      if (stopped(job)) return;
      if (unit.kind === 'movies') await addMovies(ctx, cache, job, unit.folder);
      else await addEpisodes(ctx, cache, job, unit.showFolder, unit.folder);
    }
  }
  while (ctx.faults.scanNeverFinishesOn && !stopped(job)) await delay(10);
  if (stopped(job)) return;
  ctx.notify('VideoLibrary.OnScanFinished', null);
}
