/**
 * The soak's service: the real `kodi-sync serve` as its own process (tsx, SQLite in a temp data folder), so its
 * resident memory and open file descriptors can be read from /proc like an operator would, and a small JSON client.
 * It runs with the inspector on a loopback port so that each sample can follow a full garbage collection
 * (HeapProfiler.collectGarbage): V8 lets garbage pile up for minutes, and RSS taken at a random point of that
 * sawtooth says little about what the service keeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export interface ServiceSample {
  rssKb: number;
  /** The anonymous part of RSS (heap, native allocations), without mapped files such as SQLite's. */
  rssAnonKb: number;
  /** V8's heap in use after the collection. */
  heapUsedKb: number;
  fds: number;
  /** The service's child processes (the connection keeper holding the Kodi WebSockets): RSS and descriptors. */
  children: { rssKb: number; fds: number };
}

export interface SoakService {
  pid: number;
  url: string;
  apiKey: string;
  /** Holds the database and the log (logs/); kept when `stop(true)`. */
  dataDir: string;
  /** A JSON call with the API key; throws on any status other than 2xx. The caller names the answer's type. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the answer's type is the caller's
  call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /**
   * Resident memory (VmRSS) in KiB and the number of open file descriptors of the service process, after a full
   * garbage collection.
   */
  sample(): Promise<ServiceSample>;
  exited(): boolean;
  stop(keepData?: boolean): Promise<void>;
}

const API_KEY = 'soak-test-key-0123456789abcdef0123';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function processFigures(pid: number): Promise<{ rssKb: number; rssAnonKb: number; fds: number }> {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  const fds = (await readdir(`/proc/${String(pid)}/fd`)).length;
  return { rssKb: kb('VmRSS'), rssAnonKb: kb('RssAnon'), fds };
}

export async function startSoakService(): Promise<SoakService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kodi-sync-soak-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--inspect=127.0.0.1:0',
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--bind-address',
      '127.0.0.1',
      '--api-key',
      API_KEY,
      '--demo',
      'off',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let inspectorUrl: string | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
  });
  const base = `http://127.0.0.1:${String(port)}`;
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${String(child.exitCode)}: ${stderr}`);
    if ((await fetch(`${base}/ping`).catch(() => undefined))?.ok === true) break;
    if (i > 600) throw new Error(`serve did not answer /ping in 60 s: ${stderr}`);
    await sleep(100);
  }
  const pid = child.pid ?? 0;
  if (inspectorUrl === undefined) throw new Error(`serve printed no inspector address: ${stderr}`);
  const inspector = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    inspector.once('open', resolve);
    inspector.once('error', reject);
  });
  let calls = 0;
  const inspect = (method: string): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      const id = ++calls;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse((data as Buffer).toString('utf8')) as { id?: number; result?: object };
        if (message.id !== id) return;
        inspector.off('message', onMessage);
        resolve({ ...message.result });
      };
      inspector.on('message', onMessage);
      inspector.send(JSON.stringify({ id, method }));
    });
  return {
    pid,
    url: base,
    apiKey: API_KEY,
    dataDir,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as declared above
    call: async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(base + path, {
        method,
        headers: {
          'x-api-key': API_KEY,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${String(response.status)} ${text}`);
      return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
    sample: async () => {
      await inspect('HeapProfiler.collectGarbage');
      const heap = await inspect('Runtime.getHeapUsage');
      const own = await processFigures(pid);
      const children = { rssKb: 0, fds: 0 };
      const childPids = await readFile(`/proc/${String(pid)}/task/${String(pid)}/children`, 'utf8');
      for (const child of childPids.split(' ').filter((p) => p !== '')) {
        const figures = await processFigures(Number(child)).catch(() => undefined);
        children.rssKb += figures?.rssKb ?? 0;
        children.fds += figures?.fds ?? 0;
      }
      return { ...own, heapUsedKb: Math.round(Number(heap.usedSize) / 1024), children };
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: async (keepData = false) => {
      // Node waits for a connected inspector client before it exits.
      inspector.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
