/**
 * One-shot check of a Kodi: API version and Kodi's own version over HTTP (the channel with authentication), then
 * whether the WebSocket answers. Used by `kodi-sync kodi ping` and by "test player" in the API.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../util/errors.js';
import { KodiClient } from './client.js';
import type { KodiEndpoint, KodiVersion } from './types.js';

export interface KodiProbe {
  /** JSON-RPC API version (13.0.0 on Kodi 20). */
  version: KodiVersion;
  /** Kodi's own version, e.g. "20.1". */
  kodiVersion: string;
  /** Whether a WebSocket connected and answered JSONRPC.Ping. */
  webSocket: boolean;
  /** Why not, when it did not. */
  webSocketError?: string;
}

export interface ProbeOptions {
  /** Per call, HTTP and WebSocket alike (default 5 s). */
  timeoutMs?: number;
  logger?: Logger;
}

/** Throws the typed client errors (KodiUnreachableError, KodiAuthError, …) when HTTP fails; WebSocket trouble is reported, not thrown. */
export async function probeKodi(endpoint: KodiEndpoint, options: ProbeOptions = {}): Promise<KodiProbe> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const logger = options.logger ? { logger: options.logger } : {};
  const http = new KodiClient(endpoint, { callTimeoutMs: timeoutMs, webSocket: false, ...logger });
  const version = await http.version();
  const kodiVersion = await http.applicationVersion();
  return { version, kodiVersion, ...(await probeWebSocket(endpoint, timeoutMs, logger)) };
}

async function probeWebSocket(
  endpoint: KodiEndpoint,
  timeoutMs: number,
  logger: { logger?: Logger },
): Promise<{ webSocket: boolean; webSocketError?: string }> {
  if (endpoint.wsPort === undefined || endpoint.wsPort === null) {
    return { webSocket: false, webSocketError: 'no WebSocket port configured' };
  }
  const client = new KodiClient(endpoint, {
    callTimeoutMs: timeoutMs,
    connectTimeoutMs: timeoutMs,
    webSocket: true,
    ...logger,
  });
  client.start();
  try {
    if (!(await client.waitForWebSocket(timeoutMs))) {
      // Kodi's TCP/WebSocket port listens on 127.0.0.1 only unless remote control from other systems is allowed (real-kodi.md Part A pitfall 4).
      return {
        webSocket: false,
        webSocketError:
          `could not connect to ws://${endpoint.host}:${endpoint.wsPort} (${client.webSocketError ?? 'timed out'}) — ` +
          `check the port (Kodi's default is 9090) and, for a Kodi on another machine, turn on "Allow remote control from ` +
          `applications on other systems" in Kodi's Settings › Services › Control`,
      };
    }
    await client.call('JSONRPC.Ping', undefined, { via: 'ws' });
    return { webSocket: true };
  } catch (error) {
    return { webSocket: false, webSocketError: errorMessage(error) };
  } finally {
    await client.close();
  }
}
