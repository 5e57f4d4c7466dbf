/**
 * One VideoLibrary.Scan job: which folders it covers and what it adds, with the notifications Kodi sends
 * (research/real-kodi.md §2): OnScanStarted, two OnUpdate per added item (the second with `added:true`,
 * both with `transaction:true`), OnScanFinished — also when it was cancelled or added nothing.
 * Like Kodi's CVideoInfoScanner it visits the requested folder and every folder below it the library knows,
 * and skips a folder whose stored hash equals its current one (folder-hash.ts, whole seconds).
 */
import { delay, rootOf, type SimContext } from './context.js';
import type { DirectoryCache } from './directory-cache.js';
import {
  episodeNumbers,
  isDirectory,
  isVideoFile,
  listDirectory,
  readEpisodes,
  readMovie,
  readTVShow,
  videoFilesBelow,
  type DirEntry,
} from './disk.js';
import { fastHash, listingHash, recursiveFastHash } from './folder-hash.js';

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

/**
 * The folders a Scan visits, in Kodi's order (a sorted set, CVideoInfoScanner::Start): the requested folder
 * and every folder below it that the library's path table knows; empty when Kodi would skip it (§5).
 */
async function startingPaths(
  ctx: SimContext,
  cache: DirectoryCache,
  directory: string | undefined,
): Promise<string[]> {
  if (directory === undefined || directory === '') {
    // Scan {} visits every source root (and so refreshes the cached root listings).
    await cache.scannerListed(ctx.moviesRoot);
    await cache.scannerListed(ctx.tvRoot);
    return withKnownSubfolders(ctx, ctx.moviesRoot, ctx.tvRoot);
  }
  // Kodi does not normalise '//' (nothing added); a missing trailing slash is fine (§5).
  if (directory.includes('//')) return [];
  const folder = directory.endsWith('/') ? directory : `${directory}/`;
  const source = rootOf(ctx, folder);
  if (!source || !(await isDirectory(folder))) return [];
  if (folder === source.root) await cache.scannerListed(source.root);
  else if (ctx.settings.staleDirectoryCache && !cache.wouldSeeFolder(source.root, folder)) return [];
  return withKnownSubfolders(ctx, folder);
}

function withKnownSubfolders(ctx: SimContext, ...folders: string[]): string[] {
  const paths = new Set(folders);
  for (const folder of folders) for (const below of ctx.library.paths.below(folder)) paths.add(below);
  return [...paths].sort();
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

/** One Scan: the folders still to visit (a folder visited through its parent is crossed off). */
interface ScanRun {
  ctx: SimContext;
  cache: DirectoryCache;
  job: ScanJob;
  pending: Set<string>;
}

/**
 * A movie folder (or the movies root): skipped when its stored hash equals its current one; otherwise the
 * videos not in the library yet are added, the hash is stored once the folder had a video, and its
 * sub-folders are visited. Items already there are never touched, not even re-read (§4). The "already
 * there?" check happens before the per-item work time, so two Kodis scanning the same new folder through one
 * shared library both add it — the duplicates seen in §13.
 */
async function scanMovieFolder(run: ScanRun, folder: string): Promise<void> {
  const { ctx, cache, job } = run;
  run.pending.delete(folder);
  const stored = ctx.library.paths.hash(folder);
  const fast = await fastHash(folder);
  if (stored !== undefined && fast === stored) return;
  const entries = await listDirectory(folder);
  if (!entries) return;
  cache.folderListed(folder, entries);
  const hash = entries.some((entry) => entry.directory) ? await listingHash(folder, entries) : fast;
  if (hash !== stored) {
    const videos = entries.filter((entry) => !entry.directory && isVideoFile(entry.name));
    for (const video of videos) {
      if (stopped(job)) return;
      const file = `${folder}${video.name}`;
      if (ctx.library.hasFile(file)) continue;
      const { movie, dateadded } = await paced(ctx, () => readMovie(file));
      if (stopped(job)) return;
      const added = ctx.library.addMovie(movie, dateadded);
      announceAdded(ctx, added.movieid, 'movie');
    }
    if (videos.length > 0 && hash !== '') ctx.library.paths.setHash(folder, hash);
  }
  for (const entry of entries) {
    if (stopped(job)) return;
    if (entry.directory) await scanMovieFolder(run, `${folder}${entry.name}/`);
  }
}

/**
 * A show folder or a folder inside one (Kodi's EnumerateSeriesFolder): skipped when its stored recursive hash
 * equals its current one; otherwise every video below it is enumerated, the missing episodes are added
 * (the show first when it is new), and the hash is stored once the folder held an episode file.
 */
async function scanSeriesFolder(run: ScanRun, showFolder: string, folder: string): Promise<void> {
  const { ctx, cache, job } = run;
  run.pending.delete(folder);
  const stored = ctx.library.paths.hash(folder);
  const hash = await recursiveFastHash(folder);
  if (stored !== undefined && hash === stored) return;
  const files = await videoFilesBelow(folder, listedBy(cache));
  const missing = files.filter((file) => lacksEpisodes(ctx, file));
  if (missing.length > 0) {
    let show = ctx.library.showByPath(showFolder);
    if (!show) {
      const read = await paced(ctx, () => readTVShow(showFolder));
      if (stopped(job)) return;
      show = ctx.library.addTVShow(read);
      announceAdded(ctx, show.tvshowid, 'tvshow');
    }
    for (const file of missing) {
      if (stopped(job)) return;
      const read = await paced(ctx, () => readEpisodes(file, show.tvshowid));
      if (stopped(job)) return;
      for (const { episode, dateadded } of read) {
        if (hasEpisode(ctx, file, episode)) continue;
        const added = ctx.library.addEpisode(episode, dateadded);
        announceAdded(ctx, added.episodeid, 'episode');
      }
    }
  }
  if (!stopped(job) && files.length > 0 && hash !== '') ctx.library.paths.setHash(folder, hash);
}

function hasEpisode(ctx: SimContext, file: string, number: { season: number; episode: number }): boolean {
  return ctx.library
    .episodesByFile(file)
    .some((row) => row.season === number.season && row.episode === number.episode);
}

/** A file with an episode the library lacks (Kodi checks file + season + episode, so per multi-episode part). */
function lacksEpisodes(ctx: SimContext, file: string): boolean {
  if (ctx.library.movieByFile(file)) return false;
  const numbers = episodeNumbers(file);
  if (numbers.length === 0) return ctx.library.episodesByFile(file).length === 0;
  return numbers.some((number) => !hasEpisode(ctx, file, number));
}

async function scanFolder(run: ScanRun, folder: string): Promise<void> {
  const source = rootOf(run.ctx, folder);
  if (!source) return;
  if (source.content === 'movies') return scanMovieFolder(run, folder);
  if (folder !== source.root) {
    const showName = folder.slice(source.root.length).split('/')[0] ?? '';
    return scanSeriesFolder(run, `${source.root}${showName}/`, folder);
  }
  // The TV root itself never gets a hash (Kodi stores none for it): every show folder is visited.
  run.pending.delete(folder);
  for (const entry of (await listDirectory(folder)) ?? []) {
    if (stopped(run.job)) return;
    if (entry.directory) await scanSeriesFolder(run, `${folder}${entry.name}/`, `${folder}${entry.name}/`);
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
    const order = await startingPaths(ctx, cache, directory);
    const run: ScanRun = { ctx, cache, job, pending: new Set(order) };
    // Kodi takes the first path still pending each time: a folder already visited through its parent is skipped.
    for (const next of order) {
      if (stopped(job)) return;
      if (!run.pending.delete(next)) continue;
      // A known folder that is gone from disk: "does not exist - skipping scan".
      if (await isDirectory(next)) await scanFolder(run, next);
    }
  }
  while (ctx.faults.scanNeverFinishesOn && !stopped(job)) await delay(10);
  if (stopped(job)) return;
  ctx.notify('VideoLibrary.OnScanFinished', null);
  ctx.faults.scanEnded();
}
