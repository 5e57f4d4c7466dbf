/**
 * The seed's nine sync scenarios and an upgrade under a new name, written once and run against any KodiUnderTest
 * (simulator in the fast suite, real headless Kodi in the real-kodi suite): real engine, real queue (SQLite), real
 * KodiClient, real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KodiUnderTest } from '../fixtures/kodi-under-test.js';
import type { Job } from '../../src/queue/types.js';
import type { SyncEvidence } from '../../src/sync/types.js';
import { memberClient, must, startRig, type Rig } from './sync-rig.js';
import { rename, writeFile } from 'node:fs/promises';

export interface ScenarioKodi extends KodiUnderTest {
  /** Kodi unreachable (sim: ports closed; real: process killed) and back (same ports). */
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
}

export interface ScenarioTarget {
  label: string;
  start(options?: { name?: string }): Promise<ScenarioKodi>;
  /** Makes the WebSocket fail while a scan runs (sim: drop sockets mid-scan); undefined → the run uses HTTP only. */
  breakWebSocketDuringScan?: (kodi: ScenarioKodi) => Promise<() => Promise<void>>;
  /** Extra check after a bulk run, e.g. the simulator's "no Scan while scanning" record. */
  afterBulk?: (kodi: ScenarioKodi) => void;
  timeoutMs: number;
}

/** A valid 1×1 PNG: real Kodi stores the art URL, a GUI would decode it. */
const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** `image://<url-encoded path>/` (Kodi's art URL for a local file) → the path. */
const imagePath = (url: string | undefined): string | undefined =>
  url?.startsWith('image://') ? decodeURIComponent(url.slice('image://'.length).replace(/\/$/, '')) : url;

const succeeded = (job: Job): boolean => job.state === 'succeeded';
const evidence = (job: Job | undefined): SyncEvidence => must(job, 'a job').result as SyncEvidence;

export function defineSyncScenarios(target: ScenarioTarget): void {
  describe(`sync scenarios (${target.label})`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      // Every step runs even when one fails (a Kodi must never be left running); the first failure is reported.
      const failures: unknown[] = [];
      for (const step of cleanup.splice(0).reverse())
        await step().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    });

    async function setUp(
      options: { mapped?: boolean; webSocket?: boolean } = {},
    ): Promise<{ kodi: ScenarioKodi; rig: Rig; manager: (kodiPath: string) => string }> {
      const kodi = await target.start({ name: 'living room' });
      cleanup.push(() => kodi.stop());
      const endpoint = {
        ...kodi.endpoint,
        name: 'living room',
        ...(options.webSocket === false && { wsPort: null }),
      };
      const managerRoot = (root: string): string =>
        options.mapped ? root.replace(/^.*\/(movies|tv)[^/]*\/$/, '/data/$1/') : root;
      const rig = await startRig({
        moviesRoot: managerRoot(kodi.moviesRoot),
        tvRoot: managerRoot(kodi.tvRoot),
        groups: [
          {
            name: 'Living room',
            members: [endpoint],
            ...(options.mapped && {
              mappings: [
                { managerPrefix: '/data/movies', kodiPrefix: kodi.moviesRoot },
                { managerPrefix: '/data/tv', kodiPrefix: kodi.tvRoot },
              ],
            }),
          },
        ],
      });
      cleanup.push(() => rig.close());
      const manager = (kodiPath: string): string =>
        kodiPath.startsWith(kodi.moviesRoot)
          ? managerRoot(kodi.moviesRoot) + kodiPath.slice(kodi.moviesRoot.length)
          : managerRoot(kodi.tvRoot) + kodiPath.slice(kodi.tvRoot.length);
      return { kodi, rig, manager };
    }

    async function moviesInKodi(
      rig: Rig,
    ): Promise<{ file: string; title: string; art: Record<string, string> }[]> {
      const client = await memberClient(rig);
      const { movies } = await client.getMovies({ properties: ['file', 'title', 'art'] });
      return movies.map((m) => ({ file: m.file ?? '', title: m.title ?? '', art: m.art ?? {} }));
    }

    it(
      '1. fresh movie publish: scanned in, found by its file, job succeeded with evidence',
      { timeout: target.timeoutMs },
      async () => {
        const { kodi, rig } = await setUp();
        const movie = await kodi.writeMovie({ title: 'The Matrix', year: 1999, imdb: 'tt0133093' });
        const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
        const [job] = await rig.waitForBatch(batchId);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job)).toMatchObject({ outcome: 'published', file: movie.file, matchedBy: 'file' });
        expect((await moviesInKodi(rig)).map((m) => m.file)).toEqual([movie.file]);
      },
    );

    it(
      '2. metadata update: after a republish Kodi shows the new title',
      { timeout: target.timeoutMs },
      async () => {
        const { kodi, rig } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Edit Me', year: 2003 });
        await rig.waitForBatch(
          (await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }])).batchId,
        );
        await kodi.writeMovie({ title: 'Edit Me', year: 2003, nfoTitle: 'Edit Me (Director’s Cut)' });
        const { batchId } = await rig.submit([{ action: 'republish', kind: 'movie', path: movie.file }]);
        const [job] = await rig.waitForBatch(batchId);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job)).toMatchObject({ outcome: 'refreshed', title: 'Edit Me (Director’s Cut)' });
        expect((await moviesInKodi(rig)).map((m) => m.title)).toEqual(['Edit Me (Director’s Cut)']);
      },
    );

    it(
      '3. asset change: after a republish Kodi shows the new poster',
      { timeout: target.timeoutMs },
      async () => {
        const { kodi, rig } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Poster Boy', year: 2004 });
        await rig.waitForBatch(
          (await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }])).batchId,
        );
        expect((await moviesInKodi(rig))[0]?.art.poster).toBeUndefined();
        // `<video name>-poster.png`: Kodi's local artwork name that works without "use folder names".
        const poster = movie.file.replace(/\.mkv$/, '-poster.png');
        await writeFile(poster, ONE_PIXEL_PNG);
        const { batchId } = await rig.submit([{ action: 'republish', kind: 'movie', path: movie.file }]);
        const [job] = await rig.waitForBatch(batchId);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        const art = (await moviesInKodi(rig))[0]?.art ?? {};
        expect(imagePath(art.poster), JSON.stringify(art)).toBe(poster);
        expect(imagePath(evidence(job).art?.poster)).toBe(poster);
      },
    );

    it(
      '4. deletion: RemoveMovie, then absence confirmed by a fresh lookup',
      { timeout: target.timeoutMs },
      async () => {
        const { kodi, rig } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Gone Soon', year: 2005 });
        await rig.waitForBatch(
          (await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }])).batchId,
        );
        const { batchId } = await rig.submit([{ action: 'delete', kind: 'movie', path: movie.file }]);
        const [job] = await rig.waitForBatch(batchId);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job)).toMatchObject({ outcome: 'removed' });
        expect(await moviesInKodi(rig)).toEqual([]);
      },
    );

    it(
      '5. bulk publish of 10 movies: processed one at a time, all verified',
      { timeout: target.timeoutMs * 3 },
      async () => {
        const { kodi, rig } = await setUp();
        const files: string[] = [];
        for (let i = 0; i < 10; i++)
          files.push((await kodi.writeMovie({ title: `Bulk ${i}`, year: 1990 + i })).file);
        const { batchId } = await rig.submit(
          files.map((path) => ({ action: 'publish' as const, kind: 'movie' as const, path })),
        );
        const jobs = await rig.waitForBatch(batchId, undefined, target.timeoutMs * 3);
        expect(jobs.map((j) => j.state)).toEqual(Array(10).fill('succeeded'));
        expect((await moviesInKodi(rig)).map((m) => m.file).sort()).toEqual([...files].sort());
        const spans = jobs
          .map((j) => [must(j.startedAt, 'start'), must(j.finishedAt, 'finish')] as const)
          .sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < spans.length; i++)
          expect(must(spans[i], 'span')[0]).toBeGreaterThanOrEqual(must(spans[i - 1], 'span')[1]);
        target.afterBulk?.(kodi);
      },
    );

    it(
      '6. active playback: the removal waits while the movie plays and runs after Stop',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Now Playing', year: 2006 });
        await rig.waitForBatch(
          (await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }])).batchId,
        );
        await kodi.play(movie.file);
        const { batchId } = await rig.submit([{ action: 'delete', kind: 'movie', path: movie.file }]);
        const [deferred] = await rig.waitForBatch(batchId, (j) => j.state === 'deferred');
        expect(deferred?.wakeOn).toContain('player-stopped');
        expect((await moviesInKodi(rig)).map((m) => m.file)).toEqual([movie.file]);
        await kodi.stopPlayback();
        const [job] = await rig.waitForBatch(batchId, succeeded);
        expect(evidence(job)).toMatchObject({ outcome: 'removed' });
        expect(await moviesInKodi(rig)).toEqual([]);
      },
    );

    it(
      '7. path mapping: the manager’s /data/… path is published as Kodi’s own path',
      { timeout: target.timeoutMs },
      async () => {
        const { kodi, rig, manager } = await setUp({ mapped: true });
        const movie = await kodi.writeMovie({ title: 'Mapped', year: 2007 });
        const managerPath = manager(movie.file);
        expect(managerPath.startsWith('/data/movies/')).toBe(true);
        const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: managerPath }]);
        const [job] = await rig.waitForBatch(batchId);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job).file).toBe(movie.file);
      },
    );

    it(
      '8. WebSocket lost: polling takes over and the job is still verified',
      { timeout: target.timeoutMs },
      async () => {
        const breakIt = target.breakWebSocketDuringScan;
        const { kodi, rig } = await setUp({ webSocket: breakIt !== undefined });
        const movie = await kodi.writeMovie({ title: 'No Socket', year: 2008 });
        const restore = breakIt ? await breakIt(kodi) : () => Promise.resolve();
        const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
        const [job] = await rig.waitForBatch(batchId);
        await restore();
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job)).toMatchObject({
          outcome: 'published',
          file: movie.file,
          completion: 'polling',
        });
      },
    );

    it(
      '9. Kodi offline: the job is retried with backoff and succeeds once Kodi is back',
      { timeout: target.timeoutMs * 3 },
      async () => {
        const { kodi, rig } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Offline', year: 2009 });
        await kodi.goOffline();
        const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
        const [waiting] = await rig.waitForBatch(
          batchId,
          (j) => j.state === 'queued' && j.errorClass === 'transient',
        );
        expect(waiting?.lastError).toMatch(/living room/);
        await kodi.goOnline();
        const [job] = await rig.waitForBatch(batchId, succeeded, target.timeoutMs * 2);
        expect(evidence(job)).toMatchObject({ outcome: 'published', file: movie.file });
      },
    );

    it(
      '10. upgrade under a new name: one entry, the new file, with the old watched state and date added',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Upgrade Me', year: 2010 });
        await rig.waitForBatch(
          (await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }])).batchId,
        );
        const client = await memberClient(rig);
        const { movies: before } = await client.getMovies({ properties: ['file'] });
        const watched = { playcount: 2, lastplayed: '2021-02-03 04:05:06', dateadded: '2019-05-06 07:08:09' };
        await client.setMovieDetails(must(before[0], 'the old movie').movieid, {
          ...watched,
          resume: { position: 30, total: 120 },
        });
        // Renamed right after the publish, often within the same second: Kodi's whole-second folder hash would skip
        // the folder (real-kodi.md §16); the engine makes that harmless.
        const newFile = `${movie.folder}Upgrade Me (2010) - 1080p.mkv`;
        await rename(movie.file, newFile);
        await rename(`${movie.folder}Upgrade Me (2010).nfo`, `${movie.folder}Upgrade Me (2010) - 1080p.nfo`);
        const { batchId } = await rig.submit([
          { action: 'publish', kind: 'movie', path: newFile, replaces: [movie.file] },
        ]);
        const [job] = await rig.waitForBatch(batchId, undefined, target.timeoutMs * 2);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job).replaced).toMatchObject([{ file: movie.file }]);
        const { movies } = await client.getMovies({
          properties: ['file', 'playcount', 'lastplayed', 'resume', 'dateadded'],
        });
        expect(movies).toMatchObject([{ file: newFile, ...watched, resume: { position: 30 } }]);
      },
    );
  });
}
