/**
 * Live state of every configured Kodi (connected, WebSocket up, playing, scanning) for the API, SSE, metrics
 * and the Kodi offline/back notifications. It rides on the KodiPool's one long-lived client per player
 * (DESIGN §2.9: no extra connections), follows its notifications and checks each Kodi every `intervalMs`.
 */
import type { Logger } from 'pino';
import type { KodiNotification } from '../kodi/types.js';
import type { KodiPool } from './kodi-pool.js';
import type { SyncPlayer } from './types.js';
import { errorMessage } from '../util/errors.js';

export interface PlayerLiveState {
  playerId: number;
  groupId: number;
  name: string;
  enabled: boolean;
  /** null until the first check answered or failed. */
  connected: boolean | null;
  webSocket: boolean;
  playing: boolean;
  scanning: boolean;
  lastError: string | null;
  checkedAt: number | null;
}

export type PlayerStateListener = (state: PlayerLiveState, previous: PlayerLiveState | undefined) => void;

export interface PlayerMonitorOptions {
  pool: KodiPool;
  loadPlayers(): Promise<SyncPlayer[]>;
  intervalMs?: number;
  callTimeoutMs?: number;
  logger?: Logger;
}

interface Watched {
  player: SyncPlayer;
  state: PlayerLiveState;
  off: (() => void)[];
}

export class PlayerMonitor {
  private readonly watched = new Map<number, Watched>();
  private readonly listeners = new Set<PlayerStateListener>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly options: PlayerMonitorOptions) {}

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => {
      void this.checkAll();
    }, this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }

  /** Re-reads the players (after a change through the API) and checks them. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(() => this.reload())
      .catch((error: unknown) => {
        this.options.logger?.warn({ err: errorMessage(error) }, 'reading the players failed');
      });
    return this.refreshing;
  }

  states(): PlayerLiveState[] {
    return [...this.watched.values()].map((w) => ({ ...w.state }));
  }

  state(playerId: number): PlayerLiveState | undefined {
    const watched = this.watched.get(playerId);
    return watched && { ...watched.state };
  }

  onChange(listener: PlayerStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.watched.values()) for (const off of w.off) off();
    this.watched.clear();
    this.listeners.clear();
  }

  private async reload(): Promise<void> {
    if (this.stopped) return;
    const players = (await this.options.loadPlayers()).filter((p) => p.enabled);
    this.options.pool.retain(players.map((p) => p.id));
    const ids = new Set(players.map((p) => p.id));
    for (const [id, w] of this.watched) {
      if (!ids.has(id)) {
        for (const off of w.off) off();
        this.watched.delete(id);
      }
    }
    for (const player of players) {
      const existing = this.watched.get(player.id);
      const client = this.options.pool.clientFor(player);
      if (existing && JSON.stringify(existing.player) === JSON.stringify(player)) continue;
      if (existing) for (const off of existing.off) off();
      const state: PlayerLiveState = existing?.state ?? {
        playerId: player.id,
        groupId: player.groupId,
        name: player.name,
        enabled: player.enabled,
        connected: null,
        webSocket: client.webSocketUp,
        playing: false,
        scanning: false,
        lastError: null,
        checkedAt: null,
      };
      const watched: Watched = {
        player,
        state: { ...state, groupId: player.groupId, name: player.name },
        off: [
          client.onConnectionChange((up) => {
            this.update(player.id, { webSocket: up, ...(up && { connected: true, lastError: null }) });
            if (!up) void this.check(player.id);
          }),
          client.onNotification((n) => {
            this.onNotification(player.id, n);
          }),
        ],
      };
      this.watched.set(player.id, watched);
    }
    await this.checkAll();
  }

  private onNotification(playerId: number, n: KodiNotification): void {
    if (n.method === 'Player.OnPlay' || n.method === 'Player.OnAVStart' || n.method === 'Player.OnResume') {
      this.update(playerId, { playing: true });
    } else if (n.method === 'Player.OnStop') this.update(playerId, { playing: false });
    else if (n.method === 'VideoLibrary.OnScanStarted') this.update(playerId, { scanning: true });
    else if (n.method === 'VideoLibrary.OnScanFinished') this.update(playerId, { scanning: false });
  }

  private async checkAll(): Promise<void> {
    await Promise.all([...this.watched.keys()].map((id) => this.check(id)));
  }

  private async check(playerId: number): Promise<void> {
    const watched = this.watched.get(playerId);
    if (!watched || this.stopped) return;
    const client = this.options.pool.clientFor(watched.player);
    const timeoutMs = this.options.callTimeoutMs ?? 5_000;
    try {
      const [players, scanning] = await Promise.all([
        client.call<unknown[]>('Player.GetActivePlayers', undefined, { timeoutMs }),
        client.call<Record<string, boolean>>(
          'XBMC.GetInfoBooleans',
          { booleans: ['Library.IsScanningVideo'] },
          { timeoutMs },
        ),
      ]);
      this.update(playerId, {
        connected: true,
        webSocket: client.webSocketUp,
        playing: Array.isArray(players) && players.length > 0,
        scanning: scanning['Library.IsScanningVideo'] === true,
        lastError: null,
        checkedAt: Date.now(),
      });
    } catch (error) {
      this.update(playerId, {
        connected: false,
        webSocket: client.webSocketUp,
        lastError: errorMessage(error),
        checkedAt: Date.now(),
      });
    }
  }

  private update(playerId: number, patch: Partial<PlayerLiveState>): void {
    const watched = this.watched.get(playerId);
    if (!watched || this.stopped) return;
    const previous = watched.state;
    const next = { ...previous, ...patch };
    watched.state = next;
    const changed = (['connected', 'webSocket', 'playing', 'scanning'] as const).some(
      (k) => previous[k] !== next[k],
    );
    if (!changed) return;
    for (const listener of this.listeners) {
      try {
        listener({ ...next }, { ...previous });
      } catch (error) {
        this.options.logger?.warn({ err: errorMessage(error) }, 'player state listener failed');
      }
    }
  }
}
