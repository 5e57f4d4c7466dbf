/**
 * JSON-RPC over Kodi's WebSocket (ws://host:tcpport/jsonrpc): ONE long-lived connection per Kodi that carries
 * calls and Kodi's notifications, reconnects with backoff, and is only ever closed with a close handshake.
 *
 * Why so careful: Kodi 20 started with SIGPIPE at its default action dies when a client vanishes while Kodi still
 * has something to send (real-kodi.md §12, DESIGN §2.9). So a timed-out call never closes the socket, close()
 * waits for calls in flight, and terminate() is only the last resort when the handshake does not finish.
 *
 * A Kodi that freezes (SIGSTOP, a hung GUI thread) or is unplugged sends no close: TCP keep-alive notices that only
 * after minutes. A heartbeat does it sooner: whenever nothing has come from Kodi for `heartbeatMs`, a JSONRPC.Ping
 * goes out; nothing at all for `deadAfterMs` (two pings unanswered) means Kodi is gone — the calls in flight fail
 * as transient, the connection counts as down, and it is closed with a handshake (Kodi, if it wakes up, reads the
 * close frame first; ws drops the TCP socket after its own close timeout).
 */
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { SocketConnector } from './connection-keeper.js';
import { describeKodi, KodiConnectionResetError, KodiTimeoutError, KodiUnreachableError } from './errors.js';
import { isRecord, rpcOutcome, rpcRequest, type RpcParams } from './jsonrpc.js';
import type { KodiEndpoint } from './types.js';

export interface WsTransportOptions {
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** How long close() waits for calls in flight before it sends the close frame. */
  drainTimeoutMs: number;
  /** How long close() waits for the close handshake before it drops the connection. */
  closeTimeoutMs: number;
  /** Silence after which a JSONRPC.Ping goes out (default 5 s). */
  heartbeatMs?: number;
  /** Silence after which Kodi counts as gone (default 20 s). */
  deadAfterMs?: number;
  /** Opens the TCP connection (the connection keeper, in the service); a direct connection when absent. */
  connectSocket?: SocketConnector | undefined;
  logger: Logger;
  onNotification(method: string, params: unknown): void;
  onConnectionChange(up: boolean): void;
}

interface PendingCall {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Exponential backoff with "equal jitter": half the step fixed, half random, capped at `maxMs`. */
export function reconnectDelayMs(
  attempt: number,
  minMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const step = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

export class WsTransport {
  private readonly url: string;
  private readonly kodi: string;
  private readonly pending = new Map<number, PendingCall>();
  private drainWaiters: (() => void)[] = [];
  private socket: WebSocket | undefined;
  private socketClosed: Promise<void> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private nextId = 1;
  private started = false;
  private stopping: Promise<void> | undefined;
  private isUp = false;
  private lastHeardAt = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Why the last connect attempt or connection failed, for probes and logs. */
  lastError: string | undefined;

  constructor(
    private readonly endpoint: KodiEndpoint & { wsPort: number },
    private readonly options: WsTransportOptions,
  ) {
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
    this.url = `ws://${host}:${endpoint.wsPort}/jsonrpc`;
    this.kodi = describeKodi(endpoint, endpoint.wsPort);
  }

  /** Connected and not closing: calls made while close() drains go over HTTP instead of prolonging the drain. */
  get up(): boolean {
    return this.isUp && this.stopping === undefined;
  }

  /** Connect and keep reconnecting until close(). Never throws. */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.connect();
  }

  call(method: string, params: RpcParams | undefined, timeoutMs: number): Promise<unknown> {
    const socket = this.socket;
    if (!this.up || socket?.readyState !== WebSocket.OPEN) {
      return Promise.reject(
        new KodiUnreachableError(this.endpoint.name, `${this.kodi}: the WebSocket is not connected`),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The timer only rejects this call: the socket stays open, Kodi still answers later (and is ignored).
      const timer = setTimeout(() => {
        this.settle(id)?.reject(
          new KodiTimeoutError(
            this.endpoint.name,
            method,
            timeoutMs,
            `${this.kodi} did not answer ${method} over WebSocket within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      socket.send(JSON.stringify(rpcRequest(id, method, params)), (error) => {
        if (error) {
          this.settle(id)?.reject(
            new KodiConnectionResetError(
              this.endpoint.name,
              `${this.kodi}: sending ${method} over WebSocket failed (${error.message})`,
              { cause: error },
            ),
          );
        }
      });
    });
  }

  /**
   * Graceful shutdown: stop reconnecting, let calls in flight finish (bounded), then a close handshake; drop the
   * connection only if the handshake does not complete in time. Calls still pending then reject.
   */
  close(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (!socket) return;
    const closed = this.socketClosed;
    if (socket.readyState === WebSocket.CONNECTING) {
      // Aborting a handshake Kodi may already have answered is an abrupt drop: let it finish, then close properly.
      await settlesWithin(
        Promise.race([new Promise((resolve) => socket.once('open', resolve)), closed]),
        this.options.connectTimeoutMs,
      );
    }
    if (this.pending.size > 0) {
      await settlesWithin(
        new Promise<void>((resolve) => this.drainWaiters.push(resolve)),
        this.options.drainTimeoutMs,
      );
    }
    if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'Kodi Sync is closing');
    if (!(await settlesWithin(closed, this.options.closeTimeoutMs))) {
      this.options.logger.warn(
        { kodi: this.endpoint.name },
        'WebSocket close handshake timed out; dropping it',
      );
      socket.terminate();
      await closed;
    }
  }

  private connect(): void {
    const socket = new WebSocket(this.url, {
      handshakeTimeout: this.options.connectTimeoutMs,
      // Kodi reads the upgrade request from a single ≤1 KiB packet (kodi-jsonrpc.md §10): keep it small.
      perMessageDeflate: false,
      ...(this.options.connectSocket && {
        createConnection: this.createConnection(this.options.connectSocket),
      }),
    });
    this.socket = socket;
    this.socketClosed = new Promise((resolve) => {
      socket.on('close', (code) => {
        this.onClose(socket, code);
        resolve();
      });
    });
    socket.on('upgrade', (response) => {
      // Notice a Kodi that vanished without a FIN (power loss, cable) even when we send nothing.
      response.socket.setKeepAlive(true, 30_000);
    });
    socket.on('open', () => {
      this.attempt = 0;
      this.lastError = undefined;
      this.isUp = true;
      this.startHeartbeat(socket);
      this.options.logger.info({ kodi: this.endpoint.name, url: this.url }, 'WebSocket connected');
      this.options.onConnectionChange(true);
    });
    socket.on('message', (data) => {
      this.onMessage(data);
    });
    // Kodi's own close frame is malformed: `ws` reports "Invalid WebSocket frame: invalid UTF-8 sequence", then
    // code 1006 (real-kodi.md §1). That is an ordinary close; 'close' always follows 'error'.
    socket.on('error', (error) => {
      this.lastError = error.message;
      this.options.logger.debug({ kodi: this.endpoint.name, err: error.message }, 'WebSocket error');
    });
  }

  /** `ws` hands the request's options (host, port, timeout) to createConnection; the answer comes by callback. */
  private createConnection(
    connectSocket: SocketConnector,
  ): NonNullable<WebSocket.ClientOptions['createConnection']> {
    return ((
      options: { host: string; port: number; timeout?: number },
      done: Parameters<SocketConnector>[1],
    ) => {
      connectSocket(options, done);
      return undefined;
    }) as unknown as NonNullable<WebSocket.ClientOptions['createConnection']>;
  }

  private startHeartbeat(socket: WebSocket): void {
    const heartbeatMs = this.options.heartbeatMs ?? 5_000;
    const deadAfterMs = this.options.deadAfterMs ?? 20_000;
    this.lastHeardAt = Date.now();
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(
      () => {
        if (socket !== this.socket || !this.isUp) return;
        const silentMs = Date.now() - this.lastHeardAt;
        if (silentMs >= deadAfterMs) this.declareGone(socket, silentMs);
        else if (silentMs >= heartbeatMs)
          this.call('JSONRPC.Ping', undefined, deadAfterMs).catch(() => undefined);
      },
      Math.max(50, Math.floor(heartbeatMs / 2)),
    );
    this.heartbeatTimer.unref();
  }

  /** No word from Kodi for too long: down now, calls in flight failed (transient), closed with a handshake. */
  private declareGone(socket: WebSocket, silentMs: number): void {
    clearInterval(this.heartbeatTimer);
    this.isUp = false;
    this.lastError = `no answer for ${Math.round(silentMs / 1000)} s (frozen, asleep or unplugged)`;
    this.options.logger.warn(
      { kodi: this.endpoint.name, silentMs },
      'Kodi stopped answering on its WebSocket',
    );
    this.failPending(`${this.kodi} stopped answering (nothing for ${Math.round(silentMs / 1000)} s)`);
    this.options.onConnectionChange(false);
    socket.close(1001, 'Kodi stopped answering');
  }

  private failPending(why: string): void {
    for (const id of [...this.pending.keys()]) {
      const call = this.settle(id);
      call?.reject(
        new KodiConnectionResetError(
          this.endpoint.name,
          `${why} before it answered ${call.method}; it may or may not have run`,
        ),
      );
    }
  }

  private onMessage(data: WebSocket.RawData): void {
    this.lastHeardAt = Date.now();
    let message: unknown;
    try {
      message = JSON.parse(messageText(data));
    } catch {
      this.options.logger.warn(
        { kodi: this.endpoint.name },
        'Kodi sent a WebSocket message that is not JSON',
      );
      return;
    }
    if (!isRecord(message)) return;
    if (typeof message.id === 'number') {
      const call = this.settle(message.id);
      if (!call) return; // the answer to a call that already timed out
      const outcome = rpcOutcome(this.endpoint.name, this.kodi, call.method, message);
      if (outcome?.ok) call.resolve(outcome.result);
      else
        call.reject(
          outcome?.error ??
            new KodiConnectionResetError(
              this.endpoint.name,
              `${this.kodi} answered ${call.method} without a result`,
            ),
        );
      return;
    }
    if (typeof message.method === 'string') this.options.onNotification(message.method, message.params);
  }

  /** Removes a pending call (clearing its timer) and returns it, or undefined when it is already settled. */
  private settle(id: number): PendingCall | undefined {
    const call = this.pending.get(id);
    if (!call) return undefined;
    clearTimeout(call.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    return call;
  }

  private onClose(socket: WebSocket, code: number): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    clearInterval(this.heartbeatTimer);
    const wasUp = this.isUp;
    this.isUp = false;
    this.failPending(`${this.kodi}: the WebSocket closed (code ${code})`);
    if (wasUp) {
      if (this.stopping || cleanClose(code, this.lastError)) {
        this.options.logger.info({ kodi: this.endpoint.name, code }, 'WebSocket closed');
      } else {
        this.options.logger.warn(
          { kodi: this.endpoint.name, code, err: this.lastError },
          'WebSocket connection lost',
        );
      }
      this.options.onConnectionChange(false);
    }
    if (!this.stopping) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelayMs(this.attempt++, this.options.reconnectMinMs, this.options.reconnectMaxMs);
    this.options.logger.debug({ kodi: this.endpoint.name, delayMs: delay }, 'WebSocket reconnect scheduled');
    this.reconnectTimer = setTimeout(() => {
      this.connect();
    }, delay);
    // A forgotten client must not keep the process alive just to reconnect.
    this.reconnectTimer.unref();
  }
}

/**
 * A close either side meant: a normal close frame (1000, 1001 going away), or Kodi's own close, whose malformed
 * frame `ws` reports as an invalid UTF-8 sequence before code 1006 (real-kodi.md §1). Anything else is a loss.
 */
function cleanClose(code: number, lastError: string | undefined): boolean {
  if (code === 1000 || code === 1001) return true;
  return code === 1006 && lastError !== undefined && /invalid UTF-8 sequence/i.test(lastError);
}
