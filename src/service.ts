/**
 * startService: everything `kodi-sync serve` runs in one process — store, queue, workers, the pool of Kodi
 * clients, live player state, notifications, the HTTP API with the web UI, and demo mode — and the graceful stop that takes
 * it down in order (stop taking work, let running jobs finish or return them, close every Kodi WebSocket
 * with a handshake — DESIGN §2.9 — then the database and the log).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { buildApi } from './api/app.js';
import { API_KEY_FILE, ensureApiKey } from './api/api-key.js';
import { createMetrics } from './api/metrics.js';
import { endSessionsOfAnotherKey } from './api/session.js';
import type { Config } from './config/load.js';
import { createServiceLogger } from './config/logging.js';
import { maskedConfig } from './config/mask.js';
import { writePidFile } from './config/pid-file.js';
import { SecretRegistry } from './config/secrets.js';
import { VERSION } from './config/version.js';
import type { DemoStatus } from './api/deps.js';
import { watchForNotifications } from './notify/job-watcher.js';
import { createNotifier, defaultAgents } from './notify/index.js';
import { countJobsByState } from './queue/index.js';
import { JobQueue } from './queue/queue.js';
import { Worker } from './queue/worker.js';
import {
  createActivity,
  listNotificationChannels,
  listPlayerGroups,
  listPlayersWithSecrets,
  openStore,
  pruneActivity,
  type Store,
} from './store/index.js';
import { scheduleBackups } from './store/backup.js';
import { allJobKinds, createJobHandler } from './library/jobs.js';
import { createLibraryOperations } from './library/operations.js';
import { ReconnectDrift, summarizeDrift } from './library/reconnect-drift.js';
import { TaskScheduler } from './library/scheduler.js';
import { createSyncJobHandler } from './sync/handler.js';
import { SYNC_JOB_KIND } from './sync/job-contract.js';
import { MAX_LANE_MATES } from './sync/shared-scan.js';
import { startConnectionKeeper } from './kodi/connection-keeper.js';
import { KodiPool } from './sync/kodi-pool.js';
import { PlayerMonitor } from './sync/player-monitor.js';
import { registerUi } from './ui/index.js';
import { createSyncStore } from './sync/store-port.js';
import type { SyncPlayer } from './sync/types.js';
import { errorMessage } from './util/errors.js';
import { reachableUrls } from './config/addresses.js';

export interface StartServiceOptions {
  /** Also log to stdout (default true; tests turn it off). */
  logToStdout?: boolean;
}

export interface RunningService {
  /** Base URL including the URL base, e.g. http://127.0.0.1:7887/kodi-sync */
  url: string;
  /** Every address it can be reached at (each interface when it listens on all of them). */
  urls: string[];
  /** Where the generated API key is kept, when this start generated it. */
  generatedKeyFile: string | undefined;
  /** The API key in clear when known to this process (see api-key.ts). */
  apiKey: string | undefined;
  /** The open database, for callers in the same process (tests, tools). */
  store: Store;
  logger: Logger;
  logFile: string;
  /** Demo mode tells the status endpoint whether it runs. */
  setDemoStatus(status: DemoStatus): void;
  stop(): Promise<void>;
}

const DAY_MS = 24 * 3_600_000;
const NO_KODI_HINT =
  'No Kodi is configured yet. Add one with POST /api/v1/players, or try demo mode: ' +
  '`kodi-sync demo` (or `kodi-sync serve --demo auto`) starts two simulated Kodis with a small library.';

export async function startService(
  config: Config,
  options: StartServiceOptions = {},
): Promise<RunningService> {
  const secrets = new SecretRegistry();
  secrets.add(config.apiKey);
  const log = createServiceLogger(config, secrets, { stdout: options.logToStdout ?? true });
  const logger = log.logger;
  logger.info({ config: maskedConfig(config), version: VERSION }, 'Kodi Sync starting');
  const cleanups: (() => Promise<void> | void)[] = [() => log.close()];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.warn({ err: errorMessage(error) }, 'shutdown step failed');
      }
    }
  };
  try {
    const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, logger });
    cleanups.push(() => store.close());
    if (store.dialect === 'sqlite') cleanups.push(writePidFile(config.dataDir));
    const key = await ensureApiKey(store.db, config.dataDir, config.apiKey);
    await endSessionsOfAnotherKey(store.db, key.sha256);
    secrets.add(key.key);
    const keyFile = join(config.dataDir, API_KEY_FILE);
    if (key.generated) logger.info({ file: keyFile }, 'API key generated on first start');
    cleanups.push(
      scheduleBackups({
        dataDir: config.dataDir,
        databaseFile: store.file,
        intervalHours: config.backupIntervalHours,
        keep: config.backupKeep,
        logger,
      }),
    );
    const syncStore = createSyncStore(store.db);
    const loadPlayers = async (): Promise<SyncPlayer[]> => {
      const groups = await listPlayerGroups(store.db);
      const players = (await Promise.all(groups.map((g) => syncStore.listPlayers(g.id)))).flat();
      for (const p of players) secrets.add(p.endpoint.password);
      return players;
    };
    for (const p of await listPlayersWithSecrets(store.db)) secrets.add(p.password);

    const queue = new JobQueue(store, {
      kinds: allJobKinds,
      backoff: { giveUpAfterMs: config.retryHorizonHours * 3_600_000 },
      retention: { finishedDays: config.retentionDays, failedDays: config.retentionDays },
      logger,
    });
    await queue.start();
    cleanups.push(() => queue.close());
    // A Kodi that answers again gets a drift report (debounced); `library` is set up below, before any Kodi connects.
    const reconnectDrift = new ReconnectDrift({
      drift: (groupId) => library.drift(groupId),
      record: (report) =>
        createActivity(store.db, {
          source: 'library',
          kind: 'drift-report',
          summary: summarizeDrift(report),
          payload: report,
        }),
      logger,
    });
    cleanups.push(() => {
      reconnectDrift.stop();
    });
    // Holds the Kodi WebSockets' TCP side in a child process, so that even a killed service never takes down a
    // Kodi whose SIGPIPE is at its default (DESIGN §2.9). Stopped after the pool has closed every WebSocket.
    const keeper = startConnectionKeeper(logger);
    cleanups.push(() => keeper.stop());
    const pool = new KodiPool({
      logger,
      clientOptions: { connectSocket: keeper.connect },
      onWake: (groupId, reason) => {
        if (reason === 'kodi-online') reconnectDrift.kodiOnline(groupId);
        void queue.wake(groupId, reason).catch((error: unknown) => {
          logger.warn({ groupId, reason, err: errorMessage(error) }, 'waking deferred jobs failed');
        });
      },
    });
    cleanups.push(() => pool.close());
    const players = new PlayerMonitor({ pool, loadPlayers, logger });
    cleanups.push(() => {
      players.stop();
    });

    const agents = defaultAgents({
      kodiToastTargets: async (settings) => {
        const wanted = new Set(settings.players ?? []);
        const all = (await loadPlayers()).filter((p) => p.enabled && (wanted.size === 0 || wanted.has(p.id)));
        return all.map((p) => {
          const client = pool.clientFor(p);
          return {
            name: p.name,
            showNotification: (t: string, m: string, ms: number) => client.showNotification(t, m, ms),
          };
        });
      },
    });
    const notifier = createNotifier({
      agents,
      logger,
      listChannels: () => listNotificationChannels(store.db),
    });
    for (const channel of await listNotificationChannels(store.db)) {
      for (const secret of notifier.secretsOf(channel)) secrets.add(secret);
    }

    const library = createLibraryOperations({
      db: store.db,
      store: syncStore,
      clientFor: (p) => pool.acquire(p),
      queue,
    });
    const scheduler = new TaskScheduler(
      { db: store.db, store: syncStore, clientFor: (p) => pool.acquire(p), queue },
      { processId: `${hostname()}:${process.pid}`, logger },
    );
    scheduler.start();
    cleanups.push(() => scheduler.stop());

    const groupNames = new Map<number, string>();
    const metrics = createMetrics({
      jobCountsByState: () => countJobsByState(store),
      players: () =>
        players.states().map((s) => ({
          player: s.name,
          group: groupNames.get(s.groupId) ?? String(s.groupId),
          connected: s.connected === true,
          webSocket: s.webSocket,
        })),
    });
    const refreshGroupNames = async () => {
      for (const g of await listPlayerGroups(store.db)) groupNames.set(g.id, g.name);
    };
    await refreshGroupNames();
    let demoStatus: DemoStatus = { running: false };
    let playerCount = (await listPlayersWithSecrets(store.db)).length;
    const demo = (): DemoStatus =>
      demoStatus.running || playerCount > 0 ? demoStatus : { ...demoStatus, hint: NO_KODI_HINT };

    const apiDeps = {
      version: VERSION,
      logger,
      urlBase: config.urlBase,
      bodyLimitKb: config.bodyLimitKb,
      apiKey: key.check,
      secrets,
      store,
      metrics,
      players,
      queue,
      notifier,
      agents,
      library,
      startedAt: Date.now(),
      demo,
      onConfigurationChange: () => {
        void refreshGroupNames().catch(() => undefined);
        void listPlayersWithSecrets(store.db)
          .then((list) => (playerCount = list.length))
          .catch(() => undefined);
        void players.refresh();
      },
    };
    const app = await buildApi(apiDeps);
    await registerUi(app, { ...apiDeps, app, apiKeyText: () => key.key });

    const stopWatching = watchForNotifications({
      queue,
      players,
      notifier,
      onJobFinished: (job, seconds) => {
        metrics.jobDuration.observe({ kind: job.kind, outcome: job.state }, seconds);
      },
      logger,
      groupName: (id) => groupNames.get(id) ?? `#${id}`,
      scrub: (text) => secrets.scrub(text),
    });
    cleanups.push(stopWatching);
    if (config.workers > 0) {
      const handler = createJobHandler(
        {
          db: store.db,
          store: syncStore,
          clientFor: (p) => pool.clientFor(p),
          notify: (event) => notifier.notify(event),
          logger,
        },
        createSyncJobHandler({
          store: syncStore,
          clientFor: (p) => pool.clientFor(p),
          laneMates: (lane) =>
            queue.listJobs({ lane, states: ['queued'], kind: SYNC_JOB_KIND, limit: MAX_LANE_MATES }),
          logger,
        }),
      );
      const worker = new Worker(queue, handler, {
        concurrency: config.workers,
        leaseMs: config.jobLeaseSeconds * 1000,
        stopTimeoutMs: config.shutdownTimeoutSeconds * 1000,
        logger,
      });
      worker.start();
      cleanups.push(() => worker.stop());
    }
    const prune = async () => {
      try {
        const jobs = await queue.prune();
        const activity = await pruneActivity(store.db, Date.now() - config.retentionDays * DAY_MS);
        if (jobs + activity > 0) logger.info({ jobs, activity }, 'old jobs and activity pruned');
      } catch (error) {
        logger.warn({ err: errorMessage(error) }, 'pruning old jobs failed');
      }
    };
    void prune();
    const pruneTimer = setInterval(() => void prune(), DAY_MS / 4);
    pruneTimer.unref();
    cleanups.push(() => {
      clearInterval(pruneTimer);
    });

    // Closed first on stop: no new requests, SSE streams ended; then the worker lets running jobs finish.
    cleanups.push(() => app.close());
    await app.listen({ port: config.port, host: config.bindAddress });
    players.start();
    if (playerCount === 0 && config.demo === 'off') logger.info(NO_KODI_HINT);
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const urls = reachableUrls(config.bindAddress, port, config.urlBase);
    const url = urls[0] ?? `http://127.0.0.1:${port}${config.urlBase}`;
    logger.info({ urls, dataDir: config.dataDir, database: store.dialect }, 'Kodi Sync is listening');
    return {
      url,
      urls,
      generatedKeyFile: key.generated ? keyFile : undefined,
      apiKey: key.key,
      store,
      logger,
      logFile: log.file,
      setDemoStatus: (status) => {
        demoStatus = status;
      },
      stop: stopAll,
    };
  } catch (error) {
    logger.error({ err: errorMessage(error) }, 'Kodi Sync could not start');
    await stopAll();
    throw error;
  }
}
