/**
 * startService: everything `kodi-sync serve` runs in one process — store, queue, workers, the pool of Kodi
 * clients, live player state, notifications, the HTTP API and demo mode — and the graceful stop that takes
 * it down in order (stop taking work, let running jobs finish or return them, close every Kodi WebSocket
 * with a handshake — DESIGN §2.9 — then the database and the log).
 */
import type { Logger } from 'pino';
import { buildApi } from './api/app.js';
import { ensureApiKey } from './api/api-key.js';
import { createMetrics } from './api/metrics.js';
import { PlayerMonitor } from './api/player-monitor.js';
import type { Config } from './config/load.js';
import { createServiceLogger } from './config/logging.js';
import { maskedConfig } from './config/mask.js';
import { SecretRegistry } from './config/secrets.js';
import { listPlayerGroups, listPlayersWithSecrets, openStore } from './store/index.js';
import { KodiPool } from './sync/kodi-pool.js';
import { createSyncStore } from './sync/store-port.js';
import type { SyncPlayer } from './sync/types.js';
import { errorMessage } from './util/errors.js';

export const VERSION = '0.1.0';

export interface StartServiceOptions {
  /** Also log to stdout (default true; tests turn it off). */
  logToStdout?: boolean;
}

export interface RunningService {
  /** Base URL including the URL base, e.g. http://127.0.0.1:7887/kodi-sync */
  url: string;
  /** The API key in clear when known to this process (see api-key.ts). */
  apiKey: string | undefined;
  logger: Logger;
  logFile: string;
  stop(): Promise<void>;
}

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
    const key = await ensureApiKey(store.db, config.dataDir, config.apiKey);
    secrets.add(key.key);
    if (key.generated) {
      process.stdout.write(
        `\nKodi Sync generated its API key: ${key.key ?? ''}\n` +
          `It is saved in ${config.dataDir}/api-key.txt; \`kodi-sync config show-key\` prints it again.\n\n`,
      );
      logger.info({ file: `${config.dataDir}/api-key.txt` }, 'API key generated on first start');
    }
    const syncStore = createSyncStore(store.db);
    const loadPlayers = async (): Promise<SyncPlayer[]> => {
      const groups = await listPlayerGroups(store.db);
      const players = (await Promise.all(groups.map((g) => syncStore.listPlayers(g.id)))).flat();
      for (const p of players) secrets.add(p.endpoint.password);
      return players;
    };
    for (const p of await listPlayersWithSecrets(store.db)) secrets.add(p.password);

    const pool = new KodiPool({ logger });
    cleanups.push(() => pool.close());
    const players = new PlayerMonitor({ pool, loadPlayers, logger });
    cleanups.push(() => {
      players.stop();
    });

    const groupNames = new Map<number, string>();
    const metrics = createMetrics({
      jobCountsByState: async () => {
        const rows = await store.db
          .selectFrom('jobs')
          .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
          .groupBy('state')
          .execute();
        return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
      },
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

    const app = await buildApi({
      version: VERSION,
      logger,
      urlBase: config.urlBase,
      bodyLimitKb: config.bodyLimitKb,
      apiKey: key.check,
      secrets,
      store,
      metrics,
      players,
      startedAt: Date.now(),
      demo: () => ({ running: false }),
      onConfigurationChange: () => {
        void refreshGroupNames().catch(() => undefined);
        void players.refresh();
      },
    });
    cleanups.push(() => app.close());
    await app.listen({ port: config.port, host: config.bindAddress });
    players.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = ['0.0.0.0', '::'].includes(config.bindAddress) ? '127.0.0.1' : config.bindAddress;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${config.urlBase}`;
    logger.info({ url, dataDir: config.dataDir, database: store.dialect }, 'Kodi Sync is listening');
    return { url, apiKey: key.key, logger, logFile: log.file, stop: stopAll };
  } catch (error) {
    logger.error({ err: errorMessage(error) }, 'Kodi Sync could not start');
    await stopAll();
    throw error;
  }
}
