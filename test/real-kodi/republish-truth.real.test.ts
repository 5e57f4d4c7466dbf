/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- tests read JSON answers loosely */
/**
 * Re-publish under pressure on real Kodi 20.1 (issue 14): a refresh sent while Kodi scans waits in Kodi's queue and,
 * when it finally runs, resets the watched state (real-kodi.md §16). The job must wait for the library to be idle,
 * end only after the re-add is observed, and leave playcount / last played / resume intact — over HTTP only and with
 * the WebSocket. And the service killed right after RefreshMovie went out must, once restarted, restore the
 * watched state from the snapshot it stored before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import type { SyncEvidence } from '../../src/sync/types.js';
import { writeMovieFolder } from '../fixtures/media.js';
import { realKodiAvailable, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';
import { memberClient, must, startRig, type Rig } from '../integration/sync-rig.js';

const WATCHED = { playcount: 3, lastplayed: '2021-02-03 04:05:06', resume: { position: 40, total: 120 } };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

async function watchedState(client: KodiClient, file: string) {
  const { movies } = await client.getMovies({
    properties: ['file', 'title', 'playcount', 'lastplayed', 'resume'],
  });
  return movies.find((m) => m.file === file);
}

if (realKodiAvailable()) {
  let kodi: RealKodi | undefined;
  afterAll(async () => {
    await kodi?.stop();
  });

  describe('re-publish while Kodi scans (real Kodi)', () => {
    let rig: Rig | undefined;
    afterEach(async () => {
      await rig?.close();
      rig = undefined;
      await kodi?.reset();
    });

    for (const webSocket of [false, true]) {
      it(
        `waits for a root scan of 650 movies, observes the re-add and keeps the watched state (${webSocket ? 'WebSocket' : 'HTTP only'})`,
        { timeout: 240_000 },
        async () => {
          kodi ??= await startRealKodi();
          rig = await startRig({
            moviesRoot: kodi.moviesRoot,
            tvRoot: kodi.tvRoot,
            groups: [
              {
                name: 'Den',
                members: [{ ...kodi.endpoint, name: 'den', ...(!webSocket && { wsPort: null }) }],
              },
            ],
          });
          const client = await memberClient(rig);
          const movie = await kodi.writeMovie({ title: 'Refresh Me', year: 2005 });
          await rig.waitForBatch(
            (await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }])).batchId,
          );
          const before = must(await watchedState(client, movie.file), 'the movie in Kodi');
          await client.setMovieDetails(before.movieid, WATCHED);
          for (let i = 0; i < 650; i++)
            await writeMovieFolder(kodi.moviesRoot, { title: `Bulk ${i}`, year: 1950 + (i % 70) });
          // Someone else's root scan (Kodi's own "update library"): a refresh sent now would wait behind it.
          await client.scan(kodi.moviesRoot);
          await until('Kodi scans', 10_000, () => client.isScanningVideo());
          await kodi.writeMovie({ title: 'Refresh Me', year: 2005, nfoTitle: 'Refresh Me (edited)' });
          const { batchId } = await rig.submit([{ action: 'republish', kind: 'movie', path: movie.file }]);
          const [job] = await rig.waitForBatch(batchId, undefined, 180_000);
          expect(job?.state, job?.lastError ?? '').toBe('succeeded');
          const evidence = job?.result as SyncEvidence;
          expect(evidence.outcome).toBe('refreshed');
          expect(evidence.notes?.join(' ')).toMatch(/re-add observed/);
          expect(evidence.title).toBe('Refresh Me (edited)');
          await until('the root scan ends', 120_000, async () => !(await client.isScanningVideo()));
          await sleep(30_000);
          expect(await watchedState(client, movie.file)).toMatchObject({
            title: 'Refresh Me (edited)',
            playcount: WATCHED.playcount,
            lastplayed: WATCHED.lastplayed,
            resume: { position: WATCHED.resume.position },
          });
        },
      );
    }
  });

  describe('the service killed right after RefreshMovie (real Kodi)', () => {
    let service: ChildProcess | undefined;
    let dataDir: string | undefined;
    afterEach(async () => {
      service?.kill('SIGTERM');
      service = undefined;
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      await kodi?.reset();
    });

    async function freePort(): Promise<number> {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      await new Promise((resolve) => server.close(resolve));
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    }

    it('restores and verifies the stored watched state once restarted', { timeout: 180_000 }, async () => {
      kodi ??= await startRealKodi();
      const real = kodi;
      dataDir = await mkdtemp(join(tmpdir(), 'kodi-sync-kill-'));
      const port = await freePort();
      const apiKey = 'k'.repeat(32);
      const start = async (): Promise<ChildProcess> => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'src/cli/main.ts',
            'serve',
            '--data-dir',
            dataDir ?? '',
            '--port',
            String(port),
            '--bind-address',
            '127.0.0.1',
            '--demo',
            'off',
            '--api-key',
            apiKey,
            '--job-lease-seconds',
            '10',
          ],
          { stdio: 'ignore' },
        );
        const url = `http://127.0.0.1:${port}/ping`;
        await until(
          'the service answers',
          60_000,
          async () => (await fetch(url).catch(() => undefined))?.ok === true,
        );
        return child;
      };
      const call = async (method: string, path: string, body?: unknown): Promise<any> => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: { 'x-api-key': apiKey, ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        return response.json();
      };
      const job = async (
        id: number,
      ): Promise<{ state: string; lastError: string | null; result: SyncEvidence }> =>
        call('GET', `/api/v1/jobs/${id}`);

      service = await start();
      const library = await call('POST', '/api/v1/libraries', {
        name: 'Movies',
        kind: 'movies',
        rootPath: real.moviesRoot,
      });
      const group = await call('POST', '/api/v1/groups', { name: 'Den', libraryIds: [library.id] });
      await call('POST', '/api/v1/players', {
        groupId: group.id,
        name: 'den',
        host: real.endpoint.host,
        httpPort: real.endpoint.httpPort,
        wsPort: real.endpoint.wsPort ?? null,
      });
      const movie = await real.writeMovie({ title: 'Kill Me', year: 2006 });
      const published = await call('POST', '/api/v1/items/publish', { kind: 'movie', path: movie.file });
      await until(
        'the publish succeeds',
        60_000,
        async () => (await job(published.jobIds[0])).state === 'succeeded',
      );

      const client = new KodiClient(real.endpoint);
      client.start();
      await client.waitForWebSocket(5_000);
      try {
        const before = must(await watchedState(client, movie.file), 'the movie in Kodi');
        await client.setMovieDetails(before.movieid, WATCHED);
        await real.writeMovie({ title: 'Kill Me', year: 2006, nfoTitle: 'Kill Me (edited)' });
        // The moment Kodi runs the refresh (OnRemove of the old row), the service dies without closing anything.
        let killed = false;
        const off = client.onNotification((n) => {
          if (!killed && n.method === 'VideoLibrary.OnRemove' && n.item.id === before.movieid) {
            killed = true;
            service?.kill('SIGKILL');
          }
        });
        const republished = await call('POST', '/api/v1/items/republish', {
          kind: 'movie',
          path: movie.file,
        });
        await until('the service is killed mid-refresh', 60_000, () => Promise.resolve(killed));
        off();
        await until(
          'Kodi re-added the movie',
          10_000,
          async () => (await watchedState(client, movie.file)) !== undefined,
        );
        // Kodi ran the refresh: the watched state is gone from Kodi, only the stored snapshot has it.
        expect((await watchedState(client, movie.file))?.playcount).toBe(0);

        service = await start();
        const id = republished.jobIds[0] as number;
        await until('the retried job ends', 120_000, async () =>
          ['succeeded', 'failed'].includes((await job(id)).state),
        );
        const done = await job(id);
        expect(done.state, done.lastError ?? '').toBe('succeeded');
        expect(done.result.restored).toMatchObject({ playcount: 3, lastplayed: WATCHED.lastplayed });
        expect(await watchedState(client, movie.file)).toMatchObject({
          title: 'Kill Me (edited)',
          playcount: WATCHED.playcount,
          lastplayed: WATCHED.lastplayed,
          resume: { position: WATCHED.resume.position },
        });
      } finally {
        await client.close();
      }
    });
  });
}
