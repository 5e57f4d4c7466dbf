/**
 * Truth under pressure (issue 14): the situations real set-ups hit every week, written once and run against the
 * simulator (fast suite) and real headless Kodi 20.1 (real-kodi suite) — a season pack landing within one second,
 * a rename that keeps its folder's time, an entry removed to reset Kodi's folder hash getting its watched state
 * back, and look-alike names (`_`, `%`, case) published, re-published and deleted next to their decoys.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KodiClient } from '../../src/kodi/client.js';
import type { Job } from '../../src/queue/types.js';
import type { SyncEvidence } from '../../src/sync/types.js';
import { memberClient, must, startRig, type Rig } from './sync-rig.js';
import type { ScenarioKodi, ScenarioTarget } from './sync-scenarios.js';

const evidence = (job: Job | undefined): SyncEvidence => must(job, 'a job').result as SyncEvidence;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(50);
  }
}

/** Resolves at the start of a wall-clock second (within ~20 ms), so "within one second" is really within one. */
async function startOfSecond(): Promise<void> {
  const into = Date.now() % 1000;
  await sleep(1000 - into + 5);
}

async function episodeRows(
  client: KodiClient,
): Promise<{ id: number; file: string; season: number; episode: number; playcount: number }[]> {
  const { episodes } = await client.getEpisodes({ properties: ['file', 'season', 'episode', 'playcount'] });
  return episodes.map((e) => ({
    id: e.episodeid,
    file: e.file ?? '',
    season: e.season ?? -1,
    episode: e.episode ?? -1,
    playcount: e.playcount ?? 0,
  }));
}

async function movieRows(
  client: KodiClient,
): Promise<{ id: number; file: string; playcount: number; title: string }[]> {
  const { movies } = await client.getMovies({ properties: ['file', 'playcount', 'title'] });
  return movies.map((m) => ({
    id: m.movieid,
    file: m.file ?? '',
    playcount: m.playcount ?? 0,
    title: m.title ?? '',
  }));
}

export function defineTruthScenarios(target: ScenarioTarget): void {
  describe(`truth under pressure (${target.label})`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      const failures: unknown[] = [];
      for (const step of cleanup.splice(0).reverse())
        await step().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    });

    async function setUp(): Promise<{ kodi: ScenarioKodi; rig: Rig; client: KodiClient }> {
      const kodi = await target.start({ name: 'den' });
      cleanup.push(() => kodi.stop());
      const rig = await startRig({
        moviesRoot: kodi.moviesRoot,
        tvRoot: kodi.tvRoot,
        groups: [{ name: 'Den', members: [{ ...kodi.endpoint, name: 'den' }] }],
      });
      cleanup.push(() => rig.close());
      return { kodi, rig, client: await memberClient(rig) };
    }

    async function publishAndWait(rig: Rig, events: Parameters<Rig['submit']>[0]): Promise<Job[]> {
      const { batchId } = await rig.submit(events);
      return rig.waitForBatch(batchId, undefined, target.timeoutMs);
    }

    it(
      'two episodes written into one season folder within one second, each published at once: both verified',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig, client } = await setUp();
        const e1 = await kodi.writeEpisode({ show: 'Season Pack', season: 1, episode: 1 });
        await publishAndWait(rig, [
          { action: 'publish', kind: 'episode', path: e1.file, season: 1, episode: 1 },
        ]);
        // A later batch of the pack: E02 and E03 land in one second, each announced as soon as it is written.
        await startOfSecond();
        const e2 = await kodi.writeEpisode({ show: 'Season Pack', season: 1, episode: 2 });
        const first = await rig.submit([
          { action: 'publish', kind: 'episode', path: e2.file, season: 1, episode: 2 },
        ]);
        await sleep(300);
        const e3 = await kodi.writeEpisode({ show: 'Season Pack', season: 1, episode: 3 });
        const second = await rig.submit([
          { action: 'publish', kind: 'episode', path: e3.file, season: 1, episode: 3 },
        ]);
        const jobs = [
          ...(await rig.waitForBatch(first.batchId, undefined, target.timeoutMs)),
          ...(await rig.waitForBatch(second.batchId, undefined, target.timeoutMs)),
        ];
        for (const job of jobs) {
          expect(job.state, job.lastError ?? '').toBe('succeeded');
          // Scanned after the folder's second had passed: Kodi never skipped it, no entry had to be removed.
          expect(evidence(job).escalation).toBeUndefined();
        }
        expect((await episodeRows(client)).map((e) => e.file).sort()).toEqual([e1.file, e2.file, e3.file]);
      },
    );

    it(
      'an episode Kodi skipped as unchanged is added by removing a sibling, whose watched state comes back',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig, client } = await setUp();
        const e1 = await kodi.writeEpisode({ show: 'Frozen Folder', season: 1, episode: 1 });
        await publishAndWait(rig, [
          { action: 'publish', kind: 'episode', path: e1.file, season: 1, episode: 1 },
        ]);
        // A second scan gives the season folder a hash of its own (real-kodi.md §16); then E01 is watched.
        const e2 = await kodi.writeEpisode({ show: 'Frozen Folder', season: 1, episode: 2 });
        await publishAndWait(rig, [
          { action: 'publish', kind: 'episode', path: e2.file, season: 1, episode: 2 },
        ]);
        const e1Row = must(
          (await episodeRows(client)).find((e) => e.file === e1.file),
          'E01 in Kodi',
        );
        await client.setEpisodeDetails(e1Row.id, { playcount: 4, lastplayed: '2022-03-04 05:06:07' });
        // E03 arrives by a move that keeps the folders' times (rsync -t, some NAS moves): Kodi's hash is unchanged.
        const seasonTime = await stat(e2.seasonFolder);
        const showTime = await stat(e2.showFolder);
        const e3 = await kodi.writeEpisode({ show: 'Frozen Folder', season: 1, episode: 3 });
        await utimes(e2.seasonFolder, seasonTime.atime, seasonTime.mtime);
        await utimes(e2.showFolder, showTime.atime, showTime.mtime);
        const [job] = await publishAndWait(rig, [
          { action: 'publish', kind: 'episode', path: e3.file, season: 1, episode: 3 },
        ]);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job).escalation?.join(' ')).toMatch(/forgets the folder's hash/);
        const rows = await episodeRows(client);
        expect(rows.map((e) => e.file).sort()).toEqual([e1.file, e2.file, e3.file]);
        const removed = evidence(job)
          .escalation?.join(' ')
          .match(/removed "([^"]+)"/)?.[1];
        const { episodes } = await client.getEpisodes({ properties: ['file', 'playcount', 'lastplayed'] });
        const sibling = must(
          episodes.find((e) => e.file === removed),
          'the removed sibling, back in Kodi',
        );
        if (removed === e1.file)
          expect(sibling).toMatchObject({ playcount: 4, lastplayed: '2022-03-04 05:06:07' });
        // Whichever sibling was chosen, E01 keeps its watched state.
        expect(episodes.find((e) => e.file === e1.file)).toMatchObject({ playcount: 4 });
      },
    );

    it(
      'a second movie landing in a new movie folder within the second of its first scan is still verified, and the first keeps its watched state',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig, client } = await setUp();
        // A new folder is scanned at once (no folder-second wait): Kodi stores its hash in that very second.
        const first = await kodi.writeMovie({ title: 'Two In One', year: 2014 });
        await publishAndWait(rig, [{ action: 'publish', kind: 'movie', path: first.file }]);
        const firstRow = must((await movieRows(client))[0], 'the first movie');
        await client.setMovieDetails(firstRow.id, { playcount: 2, lastplayed: '2023-04-05 06:07:08' });
        // The second movie lands in the same second: the folder's time is the one Kodi hashed.
        const folderTime = await stat(first.folder);
        const second = `${first.folder}Two In One Extended (2015).mkv`;
        await writeFile(second, 'x');
        await writeFile(
          second.replace(/\.mkv$/, '.nfo'),
          '<movie><title>Two In One Extended</title><year>2015</year></movie>',
        );
        await utimes(first.folder, folderTime.atime, folderTime.mtime);
        const [job] = await publishAndWait(rig, [{ action: 'publish', kind: 'movie', path: second }]);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job).escalation?.join(' ')).toMatch(/forgets the folder's hash/);
        const { movies } = await client.getMovies({ properties: ['file', 'playcount', 'lastplayed'] });
        expect(movies.map((m) => m.file).sort()).toEqual([first.file, second].sort());
        expect(movies.find((m) => m.file === first.file)).toMatchObject({
          playcount: 2,
          lastplayed: '2023-04-05 06:07:08',
        });
      },
    );

    it(
      'a rename whose folder keeps its time, with replaces: the new entry carries the old watched state, the old is gone',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig, client } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Kept Time', year: 2011 });
        await publishAndWait(rig, [{ action: 'publish', kind: 'movie', path: movie.file }]);
        const old = must((await movieRows(client))[0], 'the old entry');
        const watched = { playcount: 3, lastplayed: '2021-02-03 04:05:06' };
        await client.setMovieDetails(old.id, { ...watched, resume: { position: 40, total: 120 } });
        const folderTime = await stat(movie.folder);
        const newFile = `${movie.folder}Kept Time (2011) - 2160p.mkv`;
        await rename(movie.file, newFile);
        await rename(`${movie.folder}Kept Time (2011).nfo`, `${movie.folder}Kept Time (2011) - 2160p.nfo`);
        await utimes(movie.folder, folderTime.atime, folderTime.mtime);
        const [job] = await publishAndWait(rig, [
          { action: 'publish', kind: 'movie', path: newFile, replaces: [movie.file] },
        ]);
        expect(job?.state, job?.lastError ?? '').toBe('succeeded');
        expect(evidence(job).replaced).toMatchObject([{ file: movie.file }]);
        const { movies } = await client.getMovies({
          properties: ['file', 'playcount', 'lastplayed', 'resume'],
        });
        expect(movies).toMatchObject([{ file: newFile, ...watched, resume: { position: 40 } }]);
      },
    );

    it(
      'a movie deleted with its folder, in Kodi before Kodi Sync knew it: removed once the folder is gone, never while its file exists',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig, client } = await setUp();
        const movie = await kodi.writeMovie({ title: 'Gone_Movie', year: 2001 });
        const decoy = await kodi.writeMovie({ title: 'GoneXMovie', year: 2001 });
        // Scanned in by Kodi itself (a root scan), long before Kodi Sync was installed: no item describes them.
        await client.scan(kodi.moviesRoot);
        await waitFor(async () => (await movieRows(client)).length === 2, target.timeoutMs);
        const queued = must(await rig.submitFolderDelete('movie', movie.folder), 'a folder removal job');
        // Radarr deletes the folder asynchronously: while the file is on disk, nothing is removed.
        await sleep(1_500);
        const [waiting] = await rig.queue.listJobs({ batchId: queued.batchId });
        expect(waiting?.state).not.toBe('succeeded');
        expect(waiting?.lastError).toMatch(/still lists 2 file\(s\).*waiting for the manager/);
        expect((await movieRows(client)).map((m) => m.file).sort()).toEqual([decoy.file, movie.file].sort());
        await rm(movie.folder, { recursive: true });
        const [job] = await rig.waitForBatch(
          queued.batchId,
          (j) => j.state === 'succeeded',
          target.timeoutMs,
        );
        expect(evidence(job)).toMatchObject({ outcome: 'removed' });
        expect((await movieRows(client)).map((m) => m.file)).toEqual([decoy.file]);
      },
    );

    it(
      'a publish while the share is offline (the mount point empty) waits, and is verified once the share is back',
      { timeout: target.timeoutMs * 2 },
      async () => {
        const { kodi, rig } = await setUp();
        const old = await kodi.writeMovie({ title: 'Already There', year: 1990 });
        await publishAndWait(rig, [{ action: 'publish', kind: 'movie', path: old.file }]);
        const movie = await kodi.writeMovie({ title: 'While Offline', year: 2013 });
        const root = kodi.moviesRoot.replace(/\/$/, '');
        await rename(root, `${root}.offline`);
        await mkdir(root);
        try {
          const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
          const [waiting] = await rig.waitForBatch(
            batchId,
            (j) => j.errorClass === 'transient',
            target.timeoutMs,
          );
          expect(waiting?.state).toBe('queued');
          expect(waiting?.lastError).toMatch(/sees an empty source root .*offline or unmounted/);
          await rm(root, { recursive: true });
          await rename(`${root}.offline`, root);
          const [job] = await rig.waitForBatch(batchId, (j) => j.state === 'succeeded', target.timeoutMs);
          expect(evidence(job)).toMatchObject({ outcome: 'published', file: movie.file });
        } finally {
          if (!existsSync(`${root}/${basename(old.folder)}`) && existsSync(`${root}.offline`)) {
            await rm(root, { recursive: true, force: true });
            await rename(`${root}.offline`, root);
          }
        }
      },
    );

    for (const [name, decoyName] of [
      ['A_B', 'AxB'],
      ['100% Wolf', '1000 Wolf'],
      ['Case Study', 'CASE STUDY'],
      ['Prefix', 'Prefix Plus'],
    ] as const) {
      it(
        `"${name}" is published, re-published and deleted next to its look-alike "${decoyName}", which stays untouched`,
        { timeout: target.timeoutMs * 2 },
        async () => {
          const { kodi, rig, client } = await setUp();
          const decoy = await kodi.writeMovie({ title: decoyName, year: 2001 });
          await publishAndWait(rig, [{ action: 'publish', kind: 'movie', path: decoy.file }]);
          const decoyRow = must((await movieRows(client))[0], 'the decoy');
          await client.setMovieDetails(decoyRow.id, { playcount: 5 });

          const movie = await kodi.writeMovie({ title: name, year: 2001 });
          const [published] = await publishAndWait(rig, [
            { action: 'publish', kind: 'movie', path: movie.file },
          ]);
          expect(published?.state, published?.lastError ?? '').toBe('succeeded');
          expect(evidence(published)).toMatchObject({
            outcome: 'published',
            file: movie.file,
            matchedBy: 'file',
          });

          await kodi.writeMovie({ title: name, year: 2001, nfoTitle: `${name} (edited)` });
          const [refreshed] = await publishAndWait(rig, [
            { action: 'republish', kind: 'movie', path: movie.file },
          ]);
          expect(refreshed?.state, refreshed?.lastError ?? '').toBe('succeeded');
          expect(evidence(refreshed)).toMatchObject({ outcome: 'refreshed', file: movie.file });
          const afterRefresh = await movieRows(client);
          expect(afterRefresh.find((m) => m.file === decoy.file)).toEqual({ ...decoyRow, playcount: 5 });
          expect(afterRefresh.find((m) => m.file === movie.file)?.title).toBe(`${name} (edited)`);

          const [deleted] = await publishAndWait(rig, [
            { action: 'delete', kind: 'movie', path: movie.file },
          ]);
          expect(evidence(deleted)).toMatchObject({ outcome: 'removed', file: movie.file });
          const [again] = await publishAndWait(rig, [{ action: 'delete', kind: 'movie', path: movie.file }]);
          expect(evidence(again)).toMatchObject({ outcome: 'already absent' });
          expect(await movieRows(client)).toEqual([{ ...decoyRow, playcount: 5 }]);
        },
      );
    }
  });
}
