/**
 * The CLI's client for a running service's REST API. Where the service is and which key to use comes from
 * --url / --api-key, else KODI_SYNC_URL / KODI_SYNC_API_KEY, else the local configuration (port, URL base)
 * and <dataDir>/api-key.txt written by the service on first start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { API_KEY_FILE } from '../api/api-key.js';
import { loadConfig } from '../config/load.js';

export interface ApiTarget {
  url: string;
  apiKey: string | undefined;
}

export interface ApiTargetOptions {
  url?: string | undefined;
  apiKey?: string | undefined;
  dataDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/** The service's address and key as seen from this machine. */
export function resolveApiTarget(options: ApiTargetOptions = {}): ApiTarget {
  const env = options.env ?? process.env;
  const config = loadConfig({
    env,
    flags: options.dataDir === undefined ? {} : { dataDir: options.dataDir },
  });
  const host = ['0.0.0.0', '::', '*'].includes(config.bindAddress) ? '127.0.0.1' : config.bindAddress;
  const url = options.url ?? nonEmpty(env.KODI_SYNC_URL) ?? `http://${host}:${config.port}${config.urlBase}`;
  const apiKey = options.apiKey ?? config.apiKey ?? readKeyFile(config.dataDir);
  return { url: url.replace(/\/+$/, ''), apiKey };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readKeyFile(dataDir: string): string | undefined {
  try {
    return nonEmpty(readFileSync(join(dataDir, API_KEY_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/** An answer other than 2xx; `message` is the service's own explanation. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export class ApiClient {
  constructor(readonly target: ApiTarget) {}

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** `path` is relative to the service root, e.g. '/api/v1/jobs'. */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const url = new URL(this.target.url + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.target.apiKey !== undefined) headers['x-api-key'] = this.target.apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ApiRequestError(
        0,
        `Cannot reach Kodi Sync at ${this.target.url} (${(error as Error).message}). Is \`kodi-sync serve\` running? ` +
          'Otherwise pass --url or set KODI_SYNC_URL.',
        undefined,
      );
    }
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : safeJson(text);
    if (!response.ok) {
      const message =
        typeof parsed === 'object' && parsed !== null && 'message' in parsed
          ? String(parsed.message)
          : `HTTP ${response.status}`;
      throw new ApiRequestError(response.status, message, parsed);
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The client for a command, from its global options (--url, --api-key, --data-dir) and the environment. */
export function apiClientFor(command: Command): ApiClient {
  const opts = command.optsWithGlobals<{ url?: string; apiKey?: string; dataDir?: string }>();
  return new ApiClient(resolveApiTarget({ url: opts.url, apiKey: opts.apiKey, dataDir: opts.dataDir }));
}

/** True when the command (or the program) was given --json. */
export function wantsJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}
