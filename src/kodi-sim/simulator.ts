/**
 * KodiSimulator: a Kodi 20.1 stand-in on real sockets (HTTP JSON-RPC + WebSocket notifications) backed by a
 * real media folder, behaving as measured in research/real-kodi.md, with fault injection for tests,
 * benchmarks and the demo mode.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KodiEndpoint } from '../kodi/types.js';
import type { SimContext, SimSettings, SimToast } from './context.js';
import { Dispatcher, type CallRecord } from './dispatch.js';
import { SimFaults } from './faults.js';
import { createHttpHandler } from './http-handler.js';
import { LibraryJobs } from './library-jobs.js';
import { SimLibrary, type SimEpisode, type SimMovie, type SimTVShow } from './library.js';
import { filesMethods } from './methods/files.js';
import { playerMethods } from './methods/player.js';
import { systemMethods } from './methods/system.js';
import { videoQueryMethods } from './methods/video-query.js';
import { videoWriteMethods } from './methods/video-write.js';
import { SimPlayer } from './player.js';
import { SimTransport } from './transport.js';

export interface KodiSimulatorOptions {
  name?: string;
  host?: string;
  /** 0 (default) = a free port. */
  httpPort?: number;
  wsPort?: number;
  /** Holds `movies/` and `tv/`; a new temporary folder (removed on stop) when absent. */
  mediaDir?: string;
  /** HTTP Basic credentials; the WebSocket port never asks (research/real-kodi.md §11). */
  username?: string;
  password?: string;
  scanMsPerItem?: number;
  refreshMs?: number;
  /**
   * Kodi's directory cache (default true): new folders hidden after a root scan, and local art for a refresh
   * taken from the folder's last listing (directory-cache.ts). False: every folder is read fresh.
   */
  staleDirectoryCache?: boolean;
  /** Share this simulator's library and media, like two Kodis on one MySQL video database (§13). */
  sharedLibraryWith?: KodiSimulator;
}

const METHODS = {
  ...systemMethods,
  ...videoQueryMethods,
  ...videoWriteMethods,
  ...filesMethods,
  ...playerMethods,
};

export class KodiSimulator {
  readonly endpoint: KodiEndpoint;
  readonly mediaDir: string;
  /** Folders on disk, '/'-terminated; also Kodi's source paths. */
  readonly moviesRoot: string;
  readonly tvRoot: string;
  readonly library: SimLibrary;
  readonly settings: SimSettings;
  readonly faults: SimFaults;
  /** Every call received, in order: transport, arrival time, and whether a scan ran here or on a sharing Kodi. */
  readonly callLog: CallRecord[] = [];
  /** GUI.ShowNotification toasts shown on this Kodi. */
  readonly toasts: SimToast[] = [];
  private readonly context: SimContext;
  private readonly transport: SimTransport;
  private stopped = false;

  private constructor(
    options: KodiSimulatorOptions,
    mediaDir: string,
    private readonly ownsMediaDir: boolean,
  ) {
    this.mediaDir = mediaDir;
    this.moviesRoot = join(mediaDir, 'movies') + '/';
    this.tvRoot = join(mediaDir, 'tv') + '/';
    this.library = options.sharedLibraryWith?.library ?? new SimLibrary();
    this.settings = {
      scanMsPerItem: options.scanMsPerItem ?? 5,
      refreshMs: options.refreshMs ?? 20,
      staleDirectoryCache: options.staleDirectoryCache ?? true,
    };
    const getContext = (): SimContext => this.context;
    this.faults = new SimFaults(() => this.transport);
    const dispatcher = new Dispatcher(getContext, METHODS, this.faults, this.callLog);
    const credentials =
      options.username !== undefined
        ? { username: options.username, password: options.password ?? '' }
        : undefined;
    this.transport = new SimTransport(
      options.host ?? '127.0.0.1',
      options.httpPort ?? 0,
      options.wsPort ?? 0,
      dispatcher,
      createHttpHandler(dispatcher, this.faults, credentials),
    );
    this.context = {
      library: this.library,
      moviesRoot: this.moviesRoot,
      tvRoot: this.tvRoot,
      settings: this.settings,
      faults: this.faults,
      jobs: new LibraryJobs(getContext, { moviesRoot: this.moviesRoot, tvRoot: this.tvRoot }),
      player: new SimPlayer(getContext),
      toasts: this.toasts,
      notify: (method, data) => {
        if (!this.stopped) this.transport.broadcast(method, data);
      },
    };
    this.endpoint = {
      name: options.name ?? 'simulated kodi',
      host: options.host ?? '127.0.0.1',
      httpPort: 0,
      wsPort: 0,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
    };
  }

  static async start(options: KodiSimulatorOptions = {}): Promise<KodiSimulator> {
    const shared = options.sharedLibraryWith;
    const mediaDir = shared?.mediaDir ?? options.mediaDir ?? (await mkdtemp(join(tmpdir(), 'kodi-sim-')));
    const sim = new KodiSimulator(options, mediaDir, !shared && options.mediaDir === undefined);
    await mkdir(sim.moviesRoot, { recursive: true });
    await mkdir(sim.tvRoot, { recursive: true });
    await sim.transport.start();
    sim.library.users.add(sim.context.jobs);
    sim.endpoint.httpPort = sim.transport.httpPort;
    sim.endpoint.wsPort = sim.transport.wsPort;
    return sim;
  }

  /** Library snapshots (copies), in id order. */
  movies(): SimMovie[] {
    return [...this.library.movies.values()]
      .sort((a, b) => a.movieid - b.movieid)
      .map((movie) => ({ ...movie }));
  }

  episodes(): SimEpisode[] {
    return [...this.library.episodes.values()]
      .sort((a, b) => a.episodeid - b.episodeid)
      .map((episode) => ({ ...episode }));
  }

  tvshows(): SimTVShow[] {
    return [...this.library.tvshows.values()]
      .sort((a, b) => a.tvshowid - b.tvshowid)
      .map((show) => ({ ...show }));
  }

  /** Library.IsScanningVideo of this Kodi. */
  get isScanningVideo(): boolean {
    return this.context.jobs.isScanningVideo;
  }

  /** What is playing now, if anything. */
  get playingFile(): string | undefined {
    return this.context.player.file;
  }

  get webSocketClients(): number {
    return this.transport.webSocketClients;
  }

  /** The calls of one method (all calls without an argument). */
  calls(method?: string): CallRecord[] {
    return method === undefined ? [...this.callLog] : this.callLog.filter((call) => call.method === method);
  }

  /** Someone starts playing `file` with the remote; resolves once OnAVStart was sent. */
  async play(file: string): Promise<void> {
    await this.context.player.play(file);
  }

  /** Someone presses Stop. */
  async stopPlayback(): Promise<void> {
    await this.context.player.stop();
  }

  /** Kodi quits: jobs cancelled, System.OnQuit, sockets closed; the temp media folder is removed if it made one. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.context.jobs.stop();
    await this.context.player.stop();
    await this.transport.shutdown();
    this.library.users.delete(this.context.jobs);
    this.stopped = true;
    if (this.ownsMediaDir) await rm(this.mediaDir, { recursive: true, force: true });
  }
}
