/**
 * A bare JSON-RPC client over one WebSocket, for the bench's hand-made approaches and its own set-up: no retries,
 * no idle tracking, nothing of Kodi Sync's client, so the floor measures Kodi and not our code.
 */
import WebSocket from 'ws';

type Notification = { method: string; params: unknown };

export class KodiSocket {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(n: Notification) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as {
        id?: number;
        method?: string;
        params?: unknown;
        result?: unknown;
        error?: { code: number; message: string };
      };
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const waiter = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) waiter?.reject(new Error(`${String(msg.error.code)} ${msg.error.message}`));
        else waiter?.resolve(msg.result);
      } else if (msg.method !== undefined) {
        for (const listener of [...this.listeners]) listener({ method: msg.method, params: msg.params });
      }
    });
  }

  static open(host: string, port: number): Promise<KodiSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${host}:${String(port)}/jsonrpc`);
      ws.once('open', () => {
        resolve(new KodiSocket(ws));
      });
      ws.once('error', reject);
    });
  }

  call<T>(method: string, params: object = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer in ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /** Resolves on the next notification of this method; register it before the call that causes it. */
  next(method: string, timeoutMs = 120_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${method} in ${String(timeoutMs)} ms`));
      }, timeoutMs);
      const listener = (n: Notification): void => {
        if (n.method !== method) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(n.params);
      };
      this.listeners.add(listener);
    });
  }

  close(): void {
    this.ws.close();
  }
}
