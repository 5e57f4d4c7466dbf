/**
 * "Never take a Kodi down, even when killed" (issue 18, DESIGN §2.9): a real Kodi 20.1 whose SIGPIPE is at its
 * default action — one started from a desktop session or a shell — dies when it writes into a socket whose client
 * vanished (real-kodi.md §12). Measured before the connection keeper (bench/results/service-killed.json): a
 * client killed with SIGKILL took such a Kodi down with calls in flight 3 times of 3, mid-scan 1 of 3. The
 * service now holds the WebSocket's TCP side in a keeper process that lets Kodi close first
 * (src/kodi/connection-keeper-process.ts); these tests kill the client, and then the whole service, and Kodi
 * must still be running and answering.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { startClientProcess, type ClientState } from '../fixtures/client-process.js';
import {
  processDead,
  realKodiAvailable,
  realKodiRpc,
  startRealKodi,
  type RealKodi,
} from '../fixtures/real-kodi.js';
import { startServiceProcess, until, type ServiceProcess } from '../fixtures/service-process.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGPIPE (signal 13) is not in the process's ignored-signals mask. */
function sigpipeAtDefault(pid: number): boolean {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const mask = /^SigIgn:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
  return (BigInt(`0x${mask}`) & 0x1000n) === 0n;
}

describe.skipIf(!realKodiAvailable())('a Kodi with SIGPIPE at its default, when Kodi Sync is killed', () => {
  let kodi: RealKodi;
  let written = 0;

  /** Whatever Kodi still had to send is sent (or not): Kodi must be running and answer a fresh client. */
  async function expectKodiAlive(): Promise<void> {
    await sleep(3_000);
    expect(!processDead(kodi.pid), `Kodi (pid ${String(kodi.pid)}) died: see ${kodi.logFile}`).toBe(true);
    const answer = await new KodiClient(kodi.endpoint, { webSocket: false, callTimeoutMs: 10_000 }).ping();
    expect(answer).toBe('pong');
  }

  async function writeMovies(count: number): Promise<string[]> {
    const files: string[] = [];
    for (let i = 0; i < count; i++) {
      written += 1;
      files.push((await kodi.writeMovie({ title: `Killed Service ${String(written)}`, year: 2001 })).file);
    }
    return files;
  }

  beforeAll(async () => {
    kodi = await startRealKodi({ sigpipe: 'default' });
    expect(sigpipeAtDefault(kodi.pid)).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await kodi.stop();
  });

  describe.each<[ClientState, string]>([
    ['idle', 'connected, nothing in flight'],
    ['scan', 'mid-scan, with Kodi sending notifications'],
    ['call', 'with ten big answers in flight'],
  ])('a client process killed with SIGKILL %s', (mode, when) => {
    it(`leaves Kodi running, ${when} (3 times)`, { timeout: 180_000 }, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (mode === 'scan') await writeMovies(30);
        const child = await startClientProcess(kodi.endpoint, mode, { folder: kodi.moviesRoot });
        child.kill('SIGKILL');
        await expectKodiAlive();
        // The scan goes on without its client; the next attempt starts on an idle library.
        await until('the scan is over', 60_000, async () => {
          const scanning = await realKodiRpc<Record<string, boolean>>(kodi.endpoint, 'XBMC.GetInfoBooleans', {
            booleans: ['Library.IsScanningVideo'],
          });
          return scanning['Library.IsScanningVideo'] === false;
        });
      }
    });
  });

  describe('the service process', () => {
    let service: ServiceProcess | undefined;
    afterAll(async () => {
      await service?.stop();
    });

    it(
      'killed with SIGKILL mid-scan leaves Kodi running; restarted, it puts every movie in Kodi exactly once',
      { timeout: 300_000 },
      async () => {
        service = await startServiceProcess('--job-lease-seconds', '10');
        const api = service;
        const library = await api.call<{ id: number }>('POST', '/api/v1/libraries', {
          name: 'Movies',
          kind: 'movies',
          rootPath: kodi.moviesRoot,
        });
        const group = await api.call<{ id: number }>('POST', '/api/v1/groups', {
          name: 'Den',
          libraryIds: [library.id],
        });
        await api.call<unknown>('POST', '/api/v1/players', {
          groupId: group.id,
          name: 'den',
          host: kodi.endpoint.host,
          httpPort: kodi.endpoint.httpPort,
          wsPort: kodi.endpoint.wsPort ?? null,
        });
        const files = await writeMovies(20);
        const watcher = new KodiClient(kodi.endpoint, { webSocket: true });
        watcher.start();
        expect(await watcher.waitForWebSocket(10_000)).toBe(true);
        let killed = false;
        const off = watcher.onNotification((n) => {
          if (!killed && n.method === 'VideoLibrary.OnUpdate') {
            killed = true;
            api.child.kill('SIGKILL');
          }
        });
        const batch = await api.call<{ batchId: number }>('POST', '/api/v1/items/publish', {
          items: files.map((path) => ({ kind: 'movie', path })),
        });
        await until('the service is killed mid-scan', 120_000, () => Promise.resolve(killed));
        off();
        await watcher.close();
        await expectKodiAlive();

        await api.start();
        const batchJobs = (): Promise<{ id: number; state: string; lastError: string | null }[]> =>
          api.call('GET', `/api/v1/jobs?batchId=${String(batch.batchId)}&limit=100`);
        await until('every job of the batch ended', 240_000, async () => {
          const jobs = await batchJobs();
          return jobs.length === files.length && jobs.every((j) => ['succeeded', 'failed'].includes(j.state));
        });
        expect((await batchJobs()).filter((j) => j.state !== 'succeeded')).toEqual([]);
        const inKodi = await realKodiRpc<{ movies?: { file: string }[] }>(
          kodi.endpoint,
          'VideoLibrary.GetMovies',
          {
            properties: ['file'],
          },
        );
        const found = (inKodi.movies ?? []).map((m) => m.file).filter((file) => files.includes(file));
        expect(found.sort()).toEqual([...files].sort());
        await expectKodiAlive();
      },
    );
  });
});
