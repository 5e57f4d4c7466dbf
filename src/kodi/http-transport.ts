/**
 * JSON-RPC over Kodi's web server: one POST /jsonrpc per call (kodi-jsonrpc.md §10, real-kodi.md §11).
 * Stateless, so it is the fallback whenever the WebSocket is down; it never receives notifications.
 */
import {
  describeKodi,
  KodiAuthError,
  KodiConnectionResetError,
  KodiProtocolError,
  KodiServerError,
  KodiTimeoutError,
  KodiUnreachableError,
} from './errors.js';
import { isRecord, rpcOutcome, rpcRequest, type RpcParams } from './jsonrpc.js';
import type { KodiEndpoint } from './types.js';

/** Kodi's web server aborts larger POST bodies (kodi-jsonrpc.md §10). */
const MAX_BODY_BYTES = 65_536;

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system error code behind a fetch failure (undici wraps it in `cause`; happy eyeballs in an AggregateError). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    if (typeof current.code === 'string') return current.code;
    const nested: unknown = current.cause ?? (Array.isArray(current.errors) ? current.errors[0] : undefined);
    current = nested;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

export class HttpTransport {
  private readonly url: string;
  private readonly kodi: string;
  private readonly headers: Record<string, string>;
  private nextId = 1;

  constructor(private readonly endpoint: KodiEndpoint) {
    this.url = `http://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.httpPort}/jsonrpc`;
    this.kodi = describeKodi(endpoint);
    // Kodi answers 415 to any other Content-Type (real-kodi.md §11); POST is needed for write permission (§10).
    this.headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (endpoint.username !== undefined && endpoint.username !== '') {
      const token = Buffer.from(`${endpoint.username}:${endpoint.password ?? ''}`).toString('base64');
      this.headers.Authorization = `Basic ${token}`;
    }
  }

  async call(method: string, params: RpcParams | undefined, timeoutMs: number): Promise<unknown> {
    const body = JSON.stringify(rpcRequest(this.nextId++, method, params));
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
      throw new KodiProtocolError(
        this.endpoint.name,
        `${method} for ${this.kodi} is ${Buffer.byteLength(body)} bytes; Kodi's web server aborts requests over 64 KiB`,
      );
    }
    const signal = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetch(this.url, { method: 'POST', headers: this.headers, body, signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw this.networkError(error, method, timeoutMs);
    }
    this.checkStatus(status, method);
    return this.parse(text, method);
  }

  private networkError(error: unknown, method: string, timeoutMs: number): Error {
    if (isTimeout(error)) {
      return new KodiTimeoutError(
        this.endpoint.name,
        method,
        timeoutMs,
        `${this.kodi} did not answer ${method} over HTTP within ${timeoutMs} ms`,
      );
    }
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error && cause.message === 'bad port') {
      // fetch refuses ports of other well-known protocols (the WHATWG "bad port" list).
      return new KodiProtocolError(
        this.endpoint.name,
        `${this.kodi}: port ${this.endpoint.httpPort} is reserved for another protocol and cannot be used for HTTP — ` +
          `pick another web server port in Kodi's Settings › Services › Control`,
      );
    }
    const code = networkCode(error);
    if (code !== undefined && UNREACHABLE_CODES.has(code)) {
      return new KodiUnreachableError(
        this.endpoint.name,
        `${this.kodi} is unreachable over HTTP (${code}) — is Kodi running, and is "Allow remote control via HTTP" ` +
          `on with this port in Settings › Services › Control?`,
        { cause: error },
      );
    }
    return new KodiConnectionResetError(
      this.endpoint.name,
      `${this.kodi} dropped the HTTP connection during ${method} (${code ?? (error instanceof Error ? error.message : 'unknown')})`,
      { cause: error },
    );
  }

  private checkStatus(status: number, method: string): void {
    if (status === 200) return;
    if (status === 401) {
      throw new KodiAuthError(
        this.endpoint.name,
        `${this.kodi} refused the username/password — check the username and password in Kodi's ` +
          `Settings › Services › Control and in Kodi Sync's player settings`,
      );
    }
    if (status >= 500) {
      throw new KodiServerError(
        this.endpoint.name,
        status,
        `${this.kodi} answered ${method} with HTTP ${status}`,
      );
    }
    throw new KodiProtocolError(
      this.endpoint.name,
      status === 415
        ? `${this.kodi} rejected the request's content type (HTTP 415) — a bug in Kodi Sync, please report it`
        : `${this.kodi} answered ${method} with HTTP ${status} — is this Kodi's web server port?`,
    );
  }

  private parse(text: string, method: string): unknown {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new KodiProtocolError(
        this.endpoint.name,
        `${this.kodi} answered ${method} with something that is not JSON — is this Kodi's web server port?`,
      );
    }
    const outcome = isRecord(body) ? rpcOutcome(this.endpoint.name, this.kodi, method, body) : undefined;
    if (outcome === undefined) {
      throw new KodiProtocolError(
        this.endpoint.name,
        `${this.kodi} answered ${method} without a result or error`,
      );
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }
}
