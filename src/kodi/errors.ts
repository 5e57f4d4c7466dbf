/**
 * Typed failures of a call to one Kodi. Each names the Kodi (endpoint name, host and port, never the password)
 * and carries the retry class the queue acts on (transient → backoff, permanent → failed with a fix to apply).
 */
import type { KodiEndpoint } from './types.js';
import { PermanentError, TransientError } from '../util/errors.js';

/** `Kodi "living room" (192.168.1.20:8080)`: how every message names a Kodi. */
export function describeKodi(endpoint: KodiEndpoint, port: number = endpoint.httpPort): string {
  return `Kodi "${endpoint.name}" (${endpoint.host}:${port})`;
}

/** Nobody answers at the address (refused, no route, unknown host). */
export class KodiUnreachableError extends TransientError {
  constructor(
    readonly kodi: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The connection broke while a call was in flight: the call may or may not have run in Kodi. */
export class KodiConnectionResetError extends TransientError {
  constructor(
    readonly kodi: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No answer in time. Kodi may still run the call: a timeout cancels nothing there (kodi-jsonrpc.md §10). */
export class KodiTimeoutError extends TransientError {
  constructor(
    readonly kodi: string,
    readonly method: string,
    readonly timeoutMs: number,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP 5xx from Kodi's web server. */
export class KodiServerError extends TransientError {
  constructor(
    readonly kodi: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP 401: the username or password is wrong (or missing) — a person has to fix the settings. */
export class KodiAuthError extends PermanentError {
  constructor(
    readonly kodi: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Kodi answered the call with a JSON-RPC error. -32602 "Invalid params" is also Kodi's "not found"
 * (GetMovieDetails of a removed id, a path outside every source; kodi-jsonrpc.md §10, §12).
 */
export class KodiRpcError extends PermanentError {
  constructor(
    readonly kodi: string,
    readonly method: string,
    readonly code: number,
    readonly data: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** Kodi (or whatever listens there) answered something that is not JSON-RPC: 415, 404, a non-JSON body. */
export class KodiProtocolError extends PermanentError {
  constructor(
    readonly kodi: string,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON-RPC error code Kodi uses for invalid params, which also means "no such item". */
export const KODI_INVALID_PARAMS = -32602;

export function isKodiNotFound(error: unknown): boolean {
  return error instanceof KodiRpcError && error.code === KODI_INVALID_PARAMS;
}
