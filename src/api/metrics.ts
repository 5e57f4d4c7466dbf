/**
 * Prometheus metrics served at <urlBase>/metrics: jobs by state, job durations, webhook receipts and
 * Kodi connectivity. One registry per service, so two services in one process (tests) never collide.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface PlayerConnectivity {
  player: string;
  group: string;
  connected: boolean;
  webSocket: boolean;
}

export interface MetricsSources {
  jobCountsByState(): Promise<Record<string, number>>;
  players(): PlayerConnectivity[];
}

export interface ApiMetrics {
  readonly registry: Registry;
  readonly webhookReceipts: Counter<'source' | 'outcome'>;
  readonly jobDuration: Histogram<'kind' | 'outcome'>;
  readonly authFailures: Counter;
}

const JOB_STATES = ['queued', 'running', 'deferred', 'succeeded', 'failed', 'cancelled'] as const;

export function createMetrics(sources: MetricsSources): ApiMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'kodi_sync_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await sources.jobCountsByState();
      for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'kodi_sync_kodi_connected',
    help: '1 when the Kodi answered its last call, 0 when it is unreachable',
    labelNames: ['player', 'group'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.players()) this.set({ player: p.player, group: p.group }, p.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kodi_sync_kodi_websocket_up',
    help: '1 when the long-lived WebSocket to the Kodi is open',
    labelNames: ['player', 'group'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.players()) this.set({ player: p.player, group: p.group }, p.webSocket ? 1 : 0);
    },
  });
  return {
    registry,
    webhookReceipts: new Counter({
      name: 'kodi_sync_webhook_receipts_total',
      help: 'Webhook requests received, by source (radarr, sonarr, api) and outcome (queued, ignored, test, rejected)',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'kodi_sync_job_duration_seconds',
      help: 'Time from a job starting to running until it ended, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'kodi_sync_auth_failures_total',
      help: 'Requests refused for a missing or wrong API key',
      registers: [registry],
    }),
  };
}
