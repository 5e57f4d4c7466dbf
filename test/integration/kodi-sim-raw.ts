/**
 * A deliberately raw JSON-RPC client for the simulator tests (fetch + `ws`), so they test the wire format
 * itself and do not depend on the product's Kodi client.
 */
import WebSocket from 'ws';
import type { KodiEndpoint } from '../../src/kodi/types.js';

export interface RpcAnswer {
  id?: unknown;
  jsonrpc?: string;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface Notification {
  method: string;
  data: unknown;
  at: number;
}

let nextId = 1;

export function httpUrl(endpoint: KodiEndpoint): string {
  return `http://${endpoint.host}:${endpoint.httpPort}/jsonrpc`;
}

function authHeader(endpoint: KodiEndpoint): Record<string, string> {
  if (endpoint.username === undefined) return {};
  const token = Buffer.from(`${endpoint.username}:${endpoint.password ?? ''}`).toString('base64');
  return { Authorization: `Basic ${token}` };
}

/** One HTTP JSON-RPC call; returns the whole answer object. */
export async function httpCall(endpoint: KodiEndpoint, method: string, params?: unknown): Promise<RpcAnswer> {
  const response = await fetch(httpUrl(endpoint), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authHeader(endpoint) },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: nextId++,
      method,
      ...(params === undefined ? {} : { params }),
    }),
  });
  return (await response.json()) as RpcAnswer;
}

/** The `result` of an HTTP call; throws with the error object when Kodi answered an error. */
export async function rpc<T = unknown>(endpoint: KodiEndpoint, method: string, params?: unknown): Promise<T> {
  const answer = await httpCall(endpoint, method, params);
  if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
  return answer.result as T;
}

export class RawWebSocket {
  readonly notifications: Notification[] = [];
  closeCode: number | undefined;
  readonly errors: Error[] = [];
  private readonly pending = new Map<number, (answer: RpcAnswer) => void>();
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('error', (error) => this.errors.push(error));
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as RpcAnswer & {
        method?: string;
        params?: { data: unknown };
      };
      if (message.method) {
        this.notifications.push({ method: message.method, data: message.params?.data, at: Date.now() });
        this.wake();
      } else if (typeof message.id === 'number') {
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
      }
    });
  }

  static open(endpoint: KodiEndpoint, path = '/jsonrpc'): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${endpoint.host}:${endpoint.wsPort ?? 0}${path}`);
      ws.once('open', () => {
        resolve(new RawWebSocket(ws));
      });
      ws.once('error', reject);
    });
  }

  call(method: string, params?: unknown): Promise<RpcAnswer> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, resolve);
      this.ws.send(
        JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }),
        (error) => {
          if (error) reject(error);
        },
      );
    });
  }

  methods(): string[] {
    return this.notifications.map((notification) => notification.method);
  }

  /** Resolves with the first notification (from index `from`) matching; rejects after `timeoutMs`. */
  async waitFor(
    method: string,
    options: { from?: number; match?: (data: unknown) => boolean; timeoutMs?: number } = {},
  ): Promise<Notification> {
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    for (;;) {
      const found = this.notifications
        .slice(options.from ?? 0)
        .find((n) => n.method === method && (options.match?.(n.data) ?? true));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${method} within the time; got ${this.methods().join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the socket closed (returns the close code). */
  async closed(timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }
}

/** Polls `check` until it is true (every 10 ms) or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface MovieRow {
  movieid: number;
  label: string;
  file?: string;
  title?: string;
  playcount?: number;
  lastplayed?: string;
  userrating?: number;
  resume?: { position: number; total: number };
  dateadded?: string;
}

/** GetMovies with a `path is` filter for one folder. */
export async function moviesInFolder(
  endpoint: KodiEndpoint,
  folder: string,
  properties = ['file'],
): Promise<MovieRow[]> {
  const answer = await rpc<{ movies?: MovieRow[] }>(endpoint, 'VideoLibrary.GetMovies', {
    filter: { field: 'path', operator: 'is', value: folder },
    properties,
  });
  return answer.movies ?? [];
}
