/**
 * Change events for the UI, the CLI and the workers. In-process listeners get every change of this
 * process at once; on PostgreSQL changes also travel between processes through NOTIFY, received on a
 * dedicated LISTEN connection (a pooled one would lose the subscription — research/stack.md pitfall 6),
 * reconnected with backoff. Events are hints: a listener re-reads the state it shows.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Store } from '../store/open.js';
import type { ChangeListener, QueueChange } from './types.js';

export const NOTIFY_CHANNEL = 'kodi_sync_queue';

export class QueueEvents {
  /** Tells this process's own notifications apart (it already delivered them locally). */
  readonly origin = randomUUID();
  private readonly listeners = new Set<ChangeListener>();
  private client: pg.Client | undefined;
  private closed = false;
  private reconnectMs = 500;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Delivers to local listeners now and, on PostgreSQL, sends the NOTIFY without waiting for it: the
   * change is already committed, the event is only a hint, and waiting would add a round trip to every
   * claim and outcome. Never throws.
   */
  publish(change: QueueChange): Promise<void> {
    return this.publishAll([change]);
  }

  /** Several changes at once: delivered in order, and on PostgreSQL sent in one statement (one NOTIFY each). */
  publishAll(changes: readonly QueueChange[]): Promise<void> {
    for (const change of changes) this.deliver(change);
    if (this.store.dialect === 'postgres' && !this.closed && changes.length > 0) {
      const payloads = changes.map((change) => JSON.stringify({ ...change, origin: this.origin }));
      const send =
        payloads.length === 1
          ? sql`select pg_notify(${NOTIFY_CHANNEL}, ${payloads[0]})`
          : sql`select pg_notify(${NOTIFY_CHANNEL}, p) from unnest(cast(${payloads} as text[])) with ordinality as t(p, n) order by n`;
      send.execute(this.store.db).catch((error: unknown) => {
        this.logger?.warn({ err: (error as Error).message }, 'queue change notification not sent');
      });
    }
    return Promise.resolve();
  }

  /** On PostgreSQL: opens the LISTEN connection (resolves once listening, or after the first failure). */
  async start(): Promise<void> {
    if (this.store.dialect !== 'postgres' || this.client || this.closed) return;
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
    this.listeners.clear();
  }

  private deliver(change: QueueChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger?.error({ err: (error as Error).message }, 'queue change listener threw');
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.store.databaseUrl });
    this.client = client;
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger?.warn({ err: error?.message }, 'queue LISTEN connection lost; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => {
      lost();
    });
    client.on('notification', (message) => {
      if (!message.payload) return;
      try {
        const { origin, ...change } = JSON.parse(message.payload) as QueueChange & { origin?: string };
        if (origin !== this.origin) this.deliver(change);
      } catch {
        this.logger?.warn('malformed queue notification ignored');
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      this.reconnectMs = 500;
    } catch (error) {
      lost(error as Error);
    }
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = this.reconnectMs;
    this.reconnectMs = Math.min(30_000, this.reconnectMs * 2);
    this.reconnectTimer = setTimeout(() => {
      void this.connect().then(() => {
        if (this.client) this.deliver({ reason: 'resync' });
      });
    }, delay);
    this.reconnectTimer.unref();
  }
}
