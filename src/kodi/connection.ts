/**
 * One Kodi's two channels behind a single `call()`: the long-lived WebSocket when it is up, HTTP otherwise
 * (kodi-jsonrpc.md "Consequences" 13 and 16), plus the notification and connection-state fan-out.
 */
import { pino, type Logger } from 'pino';
import { errorMessage } from '../util/errors.js';
import type { SocketConnector } from './connection-keeper.js';
import { describeKodi, KodiUnreachableError } from './errors.js';
import { HttpTransport } from './http-transport.js';
import type { RpcParams } from './jsonrpc.js';
import { parseNotification } from './notifications.js';
import type { KodiEndpoint, KodiNotification } from './types.js';
import { WsTransport } from './ws-transport.js';

export interface KodiClientOptions {
  /** Per-call timeout (default 10 s). A timeout rejects the call; it never closes the WebSocket. */
  callTimeoutMs?: number;
  /** WebSocket handshake timeout (default 3 s). */
  connectTimeoutMs?: number;
  /** Reconnect backoff bounds (default 0.5 s … 30 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Use the WebSocket at all (default: when the endpoint has a wsPort). */
  webSocket?: boolean;
  /** Silence on the WebSocket before a heartbeat ping (default 5 s), and before Kodi counts as gone (20 s). */
  heartbeatMs?: number;
  deadAfterMs?: number;
  /** How the WebSocket's TCP connection is opened: the service passes its connection keeper's. */
  connectSocket?: SocketConnector;
  logger?: Logger;
}

export interface CallOptions {
  timeoutMs?: number;
  /** 'auto' (default): WebSocket when up, else HTTP. 'ws' fails when the WebSocket is down. */
  via?: 'auto' | 'http' | 'ws';
}

type Listener<T> = (value: T) => void;

export class KodiConnection {
  readonly endpoint: KodiEndpoint;
  protected readonly logger: Logger;
  private readonly callTimeoutMs: number;
  private readonly http: HttpTransport;
  private readonly ws: WsTransport | undefined;
  private readonly notificationListeners = new Set<Listener<KodiNotification>>();
  private readonly connectionListeners = new Set<Listener<boolean>>();

  constructor(endpoint: KodiEndpoint, options: KodiClientOptions = {}) {
    this.endpoint = endpoint;
    this.logger = options.logger ?? pino({ enabled: false });
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.http = new HttpTransport(endpoint);
    const wsPort = endpoint.wsPort;
    const useWebSocket = options.webSocket ?? (wsPort !== undefined && wsPort !== null);
    this.ws =
      useWebSocket && wsPort !== undefined && wsPort !== null
        ? new WsTransport(
            { ...endpoint, wsPort },
            {
              connectTimeoutMs: options.connectTimeoutMs ?? 3_000,
              reconnectMinMs: options.reconnectMinMs ?? 500,
              reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
              drainTimeoutMs: 2_000,
              closeTimeoutMs: 2_000,
              ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
              ...(options.deadAfterMs !== undefined && { deadAfterMs: options.deadAfterMs }),
              connectSocket: options.connectSocket,
              logger: this.logger,
              onNotification: (method, params) => {
                this.emit(this.notificationListeners, parseNotification(method, params));
              },
              onConnectionChange: (up) => {
                this.emit(this.connectionListeners, up);
              },
            },
          )
        : undefined;
  }

  /** Open the long-lived WebSocket (and keep it open, reconnecting with backoff). Never throws. */
  start(): void {
    this.ws?.start();
  }

  /** Graceful: stop reconnecting, wait (bounded) for calls in flight, close handshake (DESIGN §2.9). */
  async close(): Promise<void> {
    await this.ws?.close();
  }

  get webSocketUp(): boolean {
    return this.ws?.up ?? false;
  }

  /** Why the WebSocket last failed to connect or dropped, if it did. */
  get webSocketError(): string | undefined {
    return this.ws?.lastError;
  }

  /** Resolves true as soon as the WebSocket is up, false when it is not within `timeoutMs`. */
  waitForWebSocket(timeoutMs: number): Promise<boolean> {
    if (this.webSocketUp) return Promise.resolve(true);
    if (!this.ws) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (up: boolean): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(up);
      };
      const timer = setTimeout(() => {
        finish(false);
      }, timeoutMs);
      const unsubscribe = this.onConnectionChange((up) => {
        if (up) finish(true);
      });
    });
  }

  onNotification(listener: Listener<KodiNotification>): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  onConnectionChange(listener: Listener<boolean>): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  async call<T = unknown>(method: string, params?: RpcParams, options: CallOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
    const via = options.via ?? 'auto';
    if (via === 'http' || (via === 'auto' && !this.webSocketUp)) {
      return (await this.http.call(method, params, timeoutMs)) as T;
    }
    if (!this.ws) {
      throw new KodiUnreachableError(
        this.endpoint.name,
        `${describeKodi(this.endpoint)} has no WebSocket port configured`,
      );
    }
    return (await this.ws.call(method, params, timeoutMs)) as T;
  }

  /** A listener that throws (or rejects) is logged and must not break the client or the other listeners. */
  private emit<T>(listeners: Set<Listener<T>>, value: T): void {
    for (const listener of [...listeners]) {
      try {
        const returned: unknown = (listener as (value: T) => unknown)(value);
        if (returned instanceof Promise) {
          returned.catch((error: unknown) => {
            this.logListenerError(error);
          });
        }
      } catch (error) {
        this.logListenerError(error);
      }
    }
  }

  private logListenerError(error: unknown): void {
    this.logger.error({ kodi: this.endpoint.name, err: errorMessage(error) }, 'Kodi listener failed');
  }
}
