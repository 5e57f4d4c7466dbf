/**
 * Starts the real service (real HTTP on port 0, SQLite in a temp dir or a fresh PostgreSQL database) for
 * the API and service tests, with a tiny fetch helper that adds the API key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/load.js';
import { startService, type RunningService } from '../../src/service.js';

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface TestService {
  service: RunningService;
  config: Config;
  dataDir: string;
  url: string;
  apiKey: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options?: { key?: string | null; raw?: string; headers?: Record<string, string> },
  ): Promise<Answer<T>>;
  stop(): Promise<void>;
}

export async function startTestService(settings: Record<string, unknown> = {}): Promise<TestService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kodi-sync-api-'));
  const config = loadConfig({
    env: {},
    flags: { dataDir, port: 0, bindAddress: '127.0.0.1', logLevel: 'debug', demo: 'off', ...settings },
  });
  const service = await startService(config, { logToStdout: false });
  const apiKey = service.apiKey ?? '';
  const call: TestService['call'] = async (method, path, body, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? apiKey : options.key;
    if (key !== null) headers['x-api-key'] = key;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && headers['content-type'] === undefined)
      headers['content-type'] = 'application/json';
    const response = await fetch(service.url + path, {
      method,
      headers,
      ...(payload !== undefined && { body: payload }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (metrics, HTML): keep the text
    }
    return { status: response.status, body: parsed as never, text, headers: response.headers };
  };
  return {
    service,
    config,
    dataDir,
    url: service.url,
    apiKey,
    call,
    stop: async () => {
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
