/**
 * This Kodi's library job queue (Kodi's CVideoLibraryQueue): at most one scan, the clean, and refreshes.
 * The scan toggle is per process (research/real-kodi.md §13), so two simulators sharing a library each
 * have their own. Background jobs never reject: failures are swallowed so a test cannot hit an
 * unhandled rejection because a temp folder vanished.
 */
import { runClean, type CleanScope } from './cleaner.js';
import { delay, type SimContext } from './context.js';
import { DirectoryCache } from './directory-cache.js';
import { refreshEpisode, refreshMovie } from './refresher.js';
import { runScan, type ScanJob } from './scanner.js';

export class LibraryJobs {
  readonly directoryCache: DirectoryCache;
  private scan: ScanJob | undefined;
  private cleaning = false;
  private stopped = false;
  private readonly pendingRefreshes = new Set<string>();
  /** The refresh queue's tail: each refresh starts after the one before it ended. */
  private refreshes: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly ctx: () => SimContext,
    roots: { moviesRoot: string; tvRoot: string },
  ) {
    this.directoryCache = new DirectoryCache(roots.moviesRoot, roots.tvRoot);
  }

  /** Library.IsScanningVideo: a scan or a clean is queued or running; refreshes do not count (§7). */
  get isScanningVideo(): boolean {
    return this.scan !== undefined || this.cleaning;
  }

  requestScan(directory: string | undefined): void {
    if (this.stopped) return;
    // A Scan during a clean is silently dropped (kodi-jsonrpc.md §2, step 3).
    if (this.cleaning) return;
    if (this.scan) {
      // A Scan during a scan CANCELS the running one and starts nothing (real-kodi.md §3).
      const running = this.scan;
      running.cancelled = true;
      this.scan = undefined;
      if (running.started) this.ctx().notify('VideoLibrary.OnScanFinished', null);
      return;
    }
    const job: ScanJob = { cancelled: false, started: false };
    this.scan = job;
    this.track(
      runScan(this.ctx(), this.directoryCache, job, directory).finally(() => {
        if (this.scan === job) this.scan = undefined;
      }),
    );
  }

  /** Resolves when the clean ended when `modal` (showdialogs:true), at once otherwise (§9). */
  async requestClean(scope: CleanScope, modal: boolean): Promise<void> {
    // Nothing happens while a scan or clean runs, or for `directory` with the default content "video".
    if (this.stopped || this.scan || this.cleaning) return;
    if (scope.directory !== '' && scope.content === 'video') return;
    this.cleaning = true;
    const run = delay(1)
      .then(() => runClean(this.ctx(), scope))
      .finally(() => {
        this.cleaning = false;
      });
    this.track(run);
    if (modal) await run.catch(() => undefined);
  }

  /**
   * A second refresh of the same item while the first is pending is dropped (kodi-jsonrpc.md §4). Refreshes run
   * one at a time, and only while no scan or clean runs: Kodi's library queue holds a refresh sent during a
   * scan until the scan ends (real-kodi.md §16: 22 s after the Refresh answer on a ~1,400-movie root scan) —
   * until then the row, its id and its user data stay as they were.
   */
  requestRefresh(type: 'movie' | 'episode', id: number): void {
    const key = `${type}:${id}`;
    if (this.stopped || this.pendingRefreshes.has(key)) return;
    this.pendingRefreshes.add(key);
    const isStopped = (): boolean => this.stopped;
    const run = async (): Promise<void> => {
      while ((this.scan || this.cleaning) && !this.stopped) await delay(5);
      await (type === 'movie'
        ? refreshMovie(this.ctx(), this.directoryCache, id, isStopped)
        : refreshEpisode(this.ctx(), this.directoryCache, id, isStopped));
    };
    const job = this.refreshes.then(run).finally(() => {
      this.pendingRefreshes.delete(key);
    });
    this.refreshes = job.catch(() => undefined);
    this.track(job);
  }

  /** Kodi is going away: cancel every job silently and wait until none touches the library any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scan) this.scan.cancelled = true;
    await Promise.all([...this.running]);
  }

  private track(job: Promise<void>): void {
    const settled = job.catch(() => undefined);
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
  }
}
