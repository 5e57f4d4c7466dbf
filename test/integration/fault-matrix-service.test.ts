/**
 * The fault matrix rows that hit the service itself (issue 18): its SQLite disk filling up, the process killed with
 * SIGKILL mid-job, and SIGTERM while jobs run. Each ends with every job succeeded and the Kodi still answering.
 * The kill rows run the real `kodi-sync serve` process against simulated Kodis in this process.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- tests read JSON answers loosely */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/queue/queue.js';
import type { Job } from '../../src/queue/types.js';
import { openStore } from '../../src/store/index.js';
import { syncJobKinds } from '../../src/sync/handler.js';
import { answersPing, startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { webhookFixture } from '../fixtures/webhooks/load.js';
import { callService, serve, type Served } from '../fixtures/service-process.js';
import { startTestService, type Answer, type TestService } from './api-harness.js';
import { configureKodi, MANAGER_ROOT } from './service-e2e-flow.js';

const MOVIES = '/data/media/movies';
const TV = '/data/media/tv';

/** Polls `read` until `done` holds (a condition, never a fixed sleep); fails naming what it waited for. */
async function waitFor<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely
const call = <T = any>(url: string, method: string, path: string, body?: unknown) =>
  callService<T>(url, method, path, body);

/** A movies and a TV library, one group per Kodi with both, each Kodi's roots mapped. Returns the group ids. */
async function configure(url: string, kodis: SimulatedKodi[]): Promise<number[]> {
  const movies = await call(url, 'POST', '/api/v1/libraries', {
    name: 'Movies',
    kind: 'movies',
    rootPath: MOVIES,
  });
  const tv = await call(url, 'POST', '/api/v1/libraries', { name: 'TV', kind: 'tvshows', rootPath: TV });
  const groupIds: number[] = [];
  for (const kodi of kodis) {
    const group = await call(url, 'POST', '/api/v1/groups', {
      name: `Room ${kodi.endpoint.name}`,
      libraryIds: [movies.body.id, tv.body.id],
    });
    expect(group.status, group.text).toBe(201);
    const player = await call(url, 'POST', '/api/v1/players', {
      groupId: group.body.id,
      name: kodi.endpoint.name,
      host: kodi.endpoint.host,
      httpPort: kodi.endpoint.httpPort,
      wsPort: kodi.endpoint.wsPort ?? null,
    });
    expect(player.status, player.text).toBe(201);
    for (const [managerPrefix, kodiPrefix] of [
      [MOVIES, kodi.moviesRoot],
      [TV, kodi.tvRoot],
    ]) {
      const mapping = await call(url, 'POST', '/api/v1/mappings', {
        groupId: group.body.id,
        managerPrefix,
        kodiPrefix,
      });
      expect(mapping.status, mapping.text).toBe(201);
    }
    groupIds.push(group.body.id as number);
  }
  return groupIds;
}

interface Published {
  kind: 'movie' | 'episode';
  /** Relative to the library root: the same on the manager's side and in every Kodi. */
  relative: string;
  season?: number;
  episode?: number;
}

/** Writes `movies` movies and `episodes` episodes (5 per show) into each Kodi's folders. */
async function writeLibrary(kodis: SimulatedKodi[], movies: number, episodes: number): Promise<Published[]> {
  const items: Published[] = [];
  for (let i = 0; i < movies; i++) {
    for (const kodi of kodis) {
      const written = await kodi.writeMovie({ title: `Killed Film ${String(i)}`, year: 1990 + i });
      if (kodi === kodis[0])
        items.push({ kind: 'movie', relative: written.file.slice(kodi.moviesRoot.length) });
    }
  }
  for (let i = 0; i < episodes; i++) {
    const number = { show: `Killed Show ${String(Math.floor(i / 5))}`, season: 1, episode: (i % 5) + 1 };
    for (const kodi of kodis) {
      const written = await kodi.writeEpisode({ ...number, tvdb: String(7000 + Math.floor(i / 5)) });
      if (kodi === kodis[0])
        items.push({
          kind: 'episode',
          relative: written.file.slice(kodi.tvRoot.length),
          season: number.season,
          episode: number.episode,
        });
    }
  }
  return items;
}

function publishBody(items: Published[]): unknown {
  return {
    items: items.map((item) => ({
      kind: item.kind,
      path: `${item.kind === 'movie' ? MOVIES : TV}/${item.relative}`,
      ...(item.season !== undefined && { season: item.season, episode: item.episode }),
    })),
  };
}

/** Each published file is in Kodi's library exactly once: none missing, none twice. */
function expectEachOnce(kodi: SimulatedKodi, items: Published[]): void {
  const want = (kind: Published['kind'], root: string) =>
    items
      .filter((item) => item.kind === kind)
      .map((item) => root + item.relative)
      .sort();
  expect(
    kodi.sim
      .movies()
      .map((m) => m.file)
      .sort(),
  ).toEqual(want('movie', kodi.moviesRoot));
  expect(
    kodi.sim
      .episodes()
      .map((e) => e.file)
      .sort(),
  ).toEqual(want('episode', kodi.tvRoot));
}

async function batchOf(
  url: string,
  batchId: number,
): Promise<{ succeeded: number; failed: number; total: number }> {
  return (
    await call<{ succeeded: number; failed: number; total: number }>(
      url,
      'GET',
      `/api/v1/batches/${String(batchId)}`,
    )
  ).body;
}

/** The jobs as the database holds them while no service runs. */
async function jobsAtRest(dataDir: string): Promise<Job[]> {
  const store = await openStore({ dataDir });
  try {
    return await new JobQueue(store, { kinds: syncJobKinds }).listJobs();
  } finally {
    await store.close();
  }
}

describe('fault matrix (service)', () => {
  const kodis: SimulatedKodi[] = [];
  const served: Served[] = [];
  const dirs: string[] = [];
  let t: TestService | undefined;
  afterEach(async () => {
    for (const s of served.splice(0)) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      await s.exited;
    }
    await t?.stop();
    t = undefined;
    for (const kodi of kodis.splice(0)) await kodi.stop();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function simulatedKodi(name: string): Promise<SimulatedKodi> {
    const kodi = await startSimulatedKodi({ name });
    kodis.push(kodi);
    return kodi;
  }

  async function started(dataDir: string, ...flags: string[]): Promise<Served> {
    const s = await serve(dataDir, '--job-lease-seconds', '10', ...flags);
    served.push(s);
    return s;
  }

  it(
    'the SQLite disk full: a clear error, nothing corrupted, nothing lost once space returns',
    { timeout: 90_000 },
    async () => {
      const kodi = await simulatedKodi('den');
      t = await startTestService({ jobLeaseSeconds: 10 });
      const service = t;
      await configureKodi(service, kodi, []);
      const db = service.service.store.db;
      const paths: string[] = [];
      for (let i = 0; i < 40; i++) {
        const written = await kodi.writeMovie({ title: `Full Disk ${String(i)}`, year: 1960 + i });
        paths.push(`${MANAGER_ROOT}/${written.file.slice(kodi.moviesRoot.length)}`);
      }
      const radarr = (path: string) => {
        const payload = webhookFixture('radarr', 'download-new') as {
          movie: { folderPath: string };
          movieFile: { path: string; relativePath: string };
        };
        const relative = path.slice(MANAGER_ROOT.length + 1);
        payload.movie.folderPath = `${MANAGER_ROOT}/${relative.split('/')[0] ?? ''}`;
        payload.movieFile.path = path;
        payload.movieFile.relativePath = relative.split('/').slice(1).join('/');
        return service.call('POST', '/api/v1/webhooks/radarr', payload);
      };
      // Alternately by webhook and by the API, as a manager and a script would send them.
      const submit = (path: string, i: number) =>
        i % 2 === 0
          ? radarr(path)
          : service.call('POST', '/api/v1/items/publish', { items: [{ kind: 'movie', path }] });

      // A job is in flight while the disk fills: its scan hangs until the refusals below are done.
      kodi.sim.faults.scanNeverFinishes(true);
      const first = await submit(paths[0] ?? '', 0);
      expect(first.status, first.text).toBe(202);
      await waitFor('the first job to be mid-scan', () => kodi.sim.isScanningVideo, Boolean);
      const acknowledged = new Map<string, number[]>([[paths[0] ?? '', first.body.jobIds as number[]]]);

      // SQLite may grow no further: the real SQLITE_FULL once the free pages are used up.
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
      await sql.raw(`pragma max_page_count = ${String(rows[0]?.page_count)}`).execute(db);
      const refused: string[] = [];
      const answers: Answer[] = [];
      for (const [i, path] of paths.slice(1).entries()) {
        const answer = await submit(path, i + 1);
        if (answer.status === 202) {
          acknowledged.set(path, answer.body.jobIds as number[]);
        } else {
          refused.push(path);
          answers.push(answer);
        }
        if (refused.length >= 4) break;
      }
      kodi.sim.faults.scanNeverFinishes(false);
      expect(refused.length, 'the database never filled up').toBeGreaterThanOrEqual(4);
      for (const answer of answers) {
        expect(answer.status, answer.text).toBe(503);
        expect(answer.body).toMatchObject({ error: 'DatabaseFull', message: /disk is full/ });
      }
      expect((await service.call('GET', '/api/v1/status')).status).toBe(200);
      const stored = async () => (await db.selectFrom('items').select('path').execute()).map((r) => r.path);
      expect((await stored()).filter((path) => refused.includes(path))).toEqual([]);

      await sql.raw('pragma max_page_count = 1073741823').execute(db);
      const { rows: check } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
      expect(check).toEqual([{ integrity_check: 'ok' }]);
      for (const path of refused) {
        const again = await service.call('POST', '/api/v1/items/publish', {
          items: [{ kind: 'movie', path }],
        });
        expect(again.status, again.text).toBe(202);
        acknowledged.set(path, again.body.jobIds as number[]);
      }
      const jobIds = [...acknowledged.values()].flat();
      const jobs = await waitFor(
        'every acknowledged job to end',
        () =>
          Promise.all(
            jobIds.map(
              async (id) => (await service.call<{ state: string }>('GET', `/api/v1/jobs/${String(id)}`)).body,
            ),
          ),
        (list) => list.every((job) => ['succeeded', 'failed', 'cancelled'].includes(job.state)),
        60_000,
      );
      expect(jobs.filter((job) => job.state !== 'succeeded')).toEqual([]);
      expect(await stored()).toEqual(expect.arrayContaining([...acknowledged.keys()]));
      expect(kodi.sim.movies()).toHaveLength(acknowledged.size);
      expect(await answersPing(kodi)).toBe('pong');
    },
  );

  it(
    'the service killed mid-job and restarted: each item exactly once in Kodi',
    { timeout: 90_000 },
    async () => {
      const kodi = await simulatedKodi('lounge');
      const dataDir = await mkdtemp(join(tmpdir(), 'fault-kill-'));
      dirs.push(dataDir);
      const first = await started(dataDir);
      await configure(first.url, [kodi]);
      const items = await writeLibrary([kodi], 20, 10);
      const answer = await call(first.url, 'POST', '/api/v1/items/publish', publishBody(items));
      expect(answer.status, answer.text).toBe(202);
      const batchId = answer.body.batchId as number;
      await waitFor(
        'a few jobs to succeed',
        () => batchOf(first.url, batchId),
        (b) => b.succeeded >= 5,
      );
      // The next scan hangs, so the kill lands while a job waits for Kodi's scan (the most delicate moment).
      kodi.sim.faults.scanNeverFinishes(true);
      await waitFor('a job to be mid-scan', () => kodi.sim.isScanningVideo, Boolean);
      first.child.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      kodi.sim.faults.scanNeverFinishes(false);
      const cutOff = (await jobsAtRest(dataDir)).filter((job) => job.state === 'running');
      expect(cutOff).toHaveLength(1);

      const second = await started(dataDir);
      const done = await waitFor(
        'every job to end after the restart',
        () => batchOf(second.url, batchId),
        (b) => b.succeeded + b.failed === b.total,
        75_000,
      );
      expect(done).toMatchObject({ total: items.length, succeeded: items.length, failed: 0 });
      const rerun = (await call(second.url, 'GET', `/api/v1/jobs/${String(cutOff[0]?.id)}`)).body;
      expect(rerun).toMatchObject({ state: 'succeeded', crashes: 1 });
      expectEachOnce(kodi, items);
      expect(await answersPing(kodi)).toBe('pong');
    },
  );

  it(
    'SIGTERM with jobs running: the service stops within its timeout and the jobs are returned',
    { timeout: 90_000 },
    async () => {
      const kodiA = await simulatedKodi('attic');
      const kodiB = await simulatedKodi('basement');
      const dataDir = await mkdtemp(join(tmpdir(), 'fault-term-'));
      dirs.push(dataDir);
      const first = await started(dataDir, '--shutdown-timeout-seconds', '2', '--workers', '2');
      await configure(first.url, [kodiA, kodiB]);
      const items = await writeLibrary([kodiA, kodiB], 1, 0);
      for (const kodi of [kodiA, kodiB]) kodi.sim.faults.scanNeverFinishes(true);
      const answer = await call(first.url, 'POST', '/api/v1/items/publish', publishBody(items));
      expect(answer.status, answer.text).toBe(202);
      const jobIds = answer.body.jobIds as number[];
      expect(jobIds).toHaveLength(2);
      await waitFor(
        'both jobs to be mid-scan',
        () => kodiA.sim.isScanningVideo && kodiB.sim.isScanningVideo,
        Boolean,
      );
      first.child.kill('SIGTERM');
      // Without the shutdown timeout it would wait for scans that never end: exiting at all proves the bound.
      expect(await first.exited).toEqual({ code: 0, signal: null });
      const returned = (await jobsAtRest(dataDir)).filter((job) => jobIds.includes(job.id));
      expect(
        returned.map((job) => ({ state: job.state, crashes: job.crashes, failures: job.failures })),
      ).toEqual([
        { state: 'queued', crashes: 0, failures: 0 },
        { state: 'queued', crashes: 0, failures: 0 },
      ]);

      for (const kodi of [kodiA, kodiB]) kodi.sim.faults.scanNeverFinishes(false);
      const second = await started(dataDir, '--workers', '2');
      const done = await waitFor(
        'both jobs to end after the restart',
        () => batchOf(second.url, answer.body.batchId as number),
        (b) => b.succeeded + b.failed === b.total,
        60_000,
      );
      expect(done).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
      for (const kodi of [kodiA, kodiB]) {
        expectEachOnce(kodi, items);
        expect(await answersPing(kodi)).toBe('pong');
      }
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    },
  );
});
