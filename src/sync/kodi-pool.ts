/**
 * One long-lived KodiClient per player, shared by every job (DESIGN §2.9: one WebSocket per Kodi, never dropped
 * with calls in flight, always closed with a handshake). Its notifications also wake deferred jobs: Player.OnStop →
 * 'player-stopped', OnScanFinished / OnCleanFinished / a refresh's re-add → 'scan-finished', WebSocket back up → 'kodi-online'.
 */
import type { Logger } from 'pino';
import { KodiClient, type KodiClientOptions } from '../kodi/client.js';
import type { WakeReason } from '../util/errors.js';
import type { SyncPlayer } from './types.js';

export type WakeListener = (groupId: number, reason: WakeReason) => void;

interface Entry {
  client: KodiClient;
  /** Until the first acquire: the WebSocket may still be connecting. */
  fresh: boolean;
  key: string;
  groupId: number;
  off: (() => void)[];
}

export interface KodiPoolOptions {
  clientOptions?: KodiClientOptions;
  onWake?: WakeListener;
  logger?: Logger;
}

function endpointKey(player: SyncPlayer): string {
  const e = player.endpoint;
  return JSON.stringify([
    e.name,
    e.host,
    e.httpPort,
    e.wsPort ?? null,
    e.username ?? null,
    e.password ?? null,
  ]);
}

export class KodiPool {
  private readonly entries = new Map<number, Entry>();
  private readonly closing = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: KodiPoolOptions = {}) {}

  /** The started client of this player; a changed address or password replaces it (the old one closes gracefully). */
  clientFor(player: SyncPlayer): KodiClient {
    if (this.closed) throw new Error('KodiPool is closed');
    const key = endpointKey(player);
    const existing = this.entries.get(player.id);
    if (existing?.key === key && existing.groupId === player.groupId) return existing.client;
    if (existing) this.retire(player.id, existing);
    const client = new KodiClient(player.endpoint, {
      ...this.options.clientOptions,
      ...(this.options.logger && { logger: this.options.logger }),
    });
    const wake = (reason: WakeReason): void => {
      this.options.onWake?.(player.groupId, reason);
    };
    const off = [
      client.onNotification((n) => {
        if (n.method === 'Player.OnStop') wake('player-stopped');
        // The library queue ran dry: a scan, a clean, or a refresh (its re-add comes outside a scan transaction).
        else if (n.method === 'VideoLibrary.OnScanFinished' || n.method === 'VideoLibrary.OnCleanFinished')
          wake('scan-finished');
        else if (n.method === 'VideoLibrary.OnUpdate' && n.added && !n.transaction) wake('scan-finished');
      }),
      client.onConnectionChange((up) => {
        if (up) wake('kodi-online');
      }),
    ];
    client.start();
    this.entries.set(player.id, { client, key, fresh: true, groupId: player.groupId, off });
    return client;
  }

  /**
   * The client, and on its first use a short wait for its WebSocket: without it the first job would run blind to
   * notifications (polling fallback) only because the socket was still connecting.
   */
  async acquire(player: SyncPlayer, webSocketWaitMs = 2_000): Promise<KodiClient> {
    const client = this.clientFor(player);
    const entry = this.entries.get(player.id);
    if (entry?.fresh) {
      entry.fresh = false;
      if (player.endpoint.wsPort) await client.waitForWebSocket(webSocketWaitMs);
    }
    return client;
  }

  /** Reconfiguration: close the clients of players that no longer exist (or are disabled). */
  retain(playerIds: Iterable<number>): void {
    const keep = new Set(playerIds);
    for (const [id, entry] of this.entries) if (!keep.has(id)) this.retire(id, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  private retire(id: number, entry: Entry): void {
    this.entries.delete(id);
    for (const off of entry.off) off();
    const closing = entry.client.close().catch((error: unknown) => {
      this.options.logger?.warn(
        { err: error, player: entry.client.endpoint.name },
        'closing a Kodi client failed',
      );
    });
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }

  /** Graceful shutdown: every WebSocket closed with a handshake (bounded by the client's own drain timeout). */
  async close(): Promise<void> {
    this.closed = true;
    for (const [id, entry] of [...this.entries]) this.retire(id, entry);
    await Promise.all([...this.closing]);
  }
}
