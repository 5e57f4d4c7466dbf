/**
 * Everything the HTTP API needs from the running service, handed to buildApi by src/service.ts (and by
 * the API tests, which start the real service).
 */
import type { Logger } from 'pino';
import type { SecretRegistry } from '../config/secrets.js';
import type { LibraryOperations } from '../library/operations.js';
import type { NotificationAgent, Notifier } from '../notify/index.js';
import type { JobQueue } from '../queue/queue.js';
import type { Store } from '../store/open.js';
import type { ApiKeyCheck } from './auth.js';
import type { ApiMetrics } from './metrics.js';
import type { PlayerMonitor } from '../sync/player-monitor.js';

export interface DemoStatus {
  /** Simulated Kodis are running and configured. */
  running: boolean;
  /** How to start it, when it is not running and no Kodi is configured. */
  hint?: string;
}

export interface ApiDeps {
  version: string;
  logger: Logger;
  /** '' or '/prefix' (no trailing slash). */
  urlBase: string;
  bodyLimitKb: number;
  apiKey: ApiKeyCheck;
  secrets: SecretRegistry;
  store: Store;
  metrics: ApiMetrics;
  demo(): DemoStatus;
  startedAt: number;
  players: PlayerMonitor;
  queue: JobQueue;
  notifier: Notifier;
  agents: readonly NotificationAgent[];
  /** Clean dry run, clean, drift report and repair, running a task by hand (src/library). */
  library?: LibraryOperations;
  /** Groups, players or mappings changed: reconnect Kodis, refresh live state. */
  onConfigurationChange(): void;
}
