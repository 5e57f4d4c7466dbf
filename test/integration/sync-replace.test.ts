import { rename } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { memberClient, must, startRig, type Rig } from './sync-rig.js';

// Upgrades and renames under a new name, through the real queue and the simulator over real sockets.
describe('replacing a file with a new one (upgrade, rename)', () => {
  let kodi: SimulatedKodi | undefined;
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    await kodi?.stop();
    rig = undefined;
    kodi = undefined;
  });

  /** skipActive off: the group acts on a playing Kodi, so only the playing-file check itself can hold the job. */
  async function setUp(skipActive = true, backoffMs = 200): Promise<{ kodi: SimulatedKodi; rig: Rig }> {
    kodi = await startSimulatedKodi({ name: 'living room' });
    rig = await startRig({
      backoff: { baseMs: backoffMs, maxDelayMs: backoffMs },
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Living room', members: [kodi.endpoint], options: { skipActive } }],
    });
    return { kodi, rig };
  }

  const USER = ['file', 'playcount', 'lastplayed', 'resume', 'dateadded'];

  async function publishAndWatch(rig: Rig, kodi: SimulatedKodi): Promise<{ folder: string; file: string }> {
    const movie = await kodi.writeMovie({ title: 'Upgraded', year: 2000 });
    const batch = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    expect((await rig.waitForBatch(batch.batchId)).map((j) => j.state)).toEqual(['succeeded']);
    const client = await memberClient(rig);
    const id = must(kodi.sim.movies()[0], 'the old movie').movieid;
    await client.setMovieDetails(id, {
      playcount: 2,
      lastplayed: '2021-02-03 04:05:06',
      resume: { position: 30, total: 120 },
      dateadded: '2019-05-06 07:08:09',
    });
    return movie;
  }

  /**
   * The upgrade lands in a later second than the first publish, as it does in life (hours later): the first
   * publish of a new folder scans at once, so a rename within its second would be skipped by Kodi's folder hash
   * and found by the hash reset instead (truth-scenarios.ts covers that path).
   */
  async function upgradeOnDisk(movie: { folder: string; file: string }): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 1_020 - (Date.now() % 1_000)));
    const newFile = `${movie.folder}Upgraded (2000) - 1080p.mkv`;
    await rename(movie.file, newFile);
    await rename(`${movie.folder}Upgraded (2000).nfo`, `${movie.folder}Upgraded (2000) - 1080p.nfo`);
    return newFile;
  }

  it('carries playcount, last played, resume and the old date added over to the upgrade, then removes the old entry', async () => {
    const { kodi, rig } = await setUp();
    const movie = await publishAndWatch(rig, kodi);
    const newFile = await upgradeOnDisk(movie);
    const batch = await rig.submit([
      { action: 'publish', kind: 'movie', path: newFile, replaces: [movie.file] },
    ]);
    expect(batch.jobIds).toHaveLength(1);
    const [job] = await rig.waitForBatch(batch.batchId);
    expect(job?.state).toBe('succeeded');
    expect(job?.result).toMatchObject({
      outcome: 'published',
      file: newFile,
      replaced: [{ file: movie.file, restored: [expect.objectContaining({ playcount: 2 })] }],
    });
    const { movies } = await (await memberClient(rig)).getMovies({ properties: USER });
    expect(movies).toHaveLength(1);
    expect(movies[0]).toMatchObject({
      file: newFile,
      playcount: 2,
      lastplayed: '2021-02-03 04:05:06',
      resume: { position: 30, total: 120 },
      dateadded: '2019-05-06 07:08:09',
    });
    const old = await rig.store.db
      .selectFrom('items')
      .select(['id', 'state'])
      .where('path', '=', movie.file)
      .executeTakeFirstOrThrow();
    expect(old.state).toBe('deleted');
    const oldSync = await rig.syncStore.getItemSync(old.id, must(rig.groupIds[0], 'a group'));
    expect(oldSync).toMatchObject({ kodiFile: null, evidence: { outcome: 'removed', file: movie.file } });
  });

  it('waits while the replaced file is playing, then finishes once playback stops', async () => {
    const { kodi, rig } = await setUp(false);
    const movie = await publishAndWatch(rig, kodi);
    await kodi.play(movie.file);
    const newFile = await upgradeOnDisk(movie);
    const batch = await rig.submit([
      { action: 'publish', kind: 'movie', path: newFile, replaces: [movie.file] },
    ]);
    const [deferred] = await rig.waitForBatch(batch.batchId, (j) => j.state === 'deferred');
    expect(deferred?.lastError).toContain(`"${movie.file}" is playing`);
    expect(
      kodi.sim
        .movies()
        .map((m) => m.file)
        .sort(),
    ).toEqual([movie.file, newFile].sort());
    await kodi.stopPlayback();
    const [done] = await rig.waitForBatch(batch.batchId);
    expect(done?.state).toBe('succeeded');
    expect(kodi.sim.movies()).toMatchObject([{ file: newFile, playcount: 2 }]);
  });

  it('moves a renamed episode’s watched state to the new name', async () => {
    const { kodi, rig } = await setUp();
    const ep = await kodi.writeEpisode({ show: 'Renamed Show', season: 1, episode: 2, title: 'Second' });
    const first = await rig.submit([
      { action: 'publish', kind: 'episode', path: ep.file, season: 1, episode: 2 },
    ]);
    expect((await rig.waitForBatch(first.batchId)).map((j) => j.state)).toEqual(['succeeded']);
    const client = await memberClient(rig);
    const oldId = must(kodi.sim.episodes()[0], 'the episode').episodeid;
    await client.setEpisodeDetails(oldId, { playcount: 1, lastplayed: '2022-03-04 05:06:07' });
    const newFile = `${ep.seasonFolder}Renamed Show - S01E02 - Second (renamed).mkv`;
    await rename(ep.file, newFile);
    const batch = await rig.submit([
      { action: 'publish', kind: 'episode', path: newFile, season: 1, episode: 2, replaces: [ep.file] },
    ]);
    const [job] = await rig.waitForBatch(batch.batchId);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    expect(kodi.sim.episodes()).toMatchObject([
      { file: newFile, season: 1, episode: 2, playcount: 1, lastplayed: '2022-03-04 05:06:07' },
    ]);
    expect(kodi.sim.tvshows()).toHaveLength(1);
  });

  it('keeps every replaced path when a waiting job of the same item gets another event', async () => {
    const { kodi, rig } = await setUp();
    await rig.worker.stop();
    const folder = `${kodi.moviesRoot}Twice (2003)/`;
    const first = await rig.submit([
      {
        action: 'publish',
        kind: 'movie',
        path: `${folder}Twice (2003) 2160p.mkv`,
        replaces: [`${folder}Twice (2003) 480p.mkv`],
      },
    ]);
    const second = await rig.submit([
      {
        action: 'republish',
        kind: 'movie',
        path: `${folder}Twice (2003) 2160p.mkv`,
        replaces: [`${folder}Twice (2003) 720p.mkv`],
      },
    ]);
    expect(second.jobIds).toEqual(first.jobIds);
    const job = await rig.queue.getJob(must(first.jobIds[0], 'a job'));
    expect(job.payload).toEqual({
      itemId: job.itemId,
      replaces: [`${folder}Twice (2003) 480p.mkv`, `${folder}Twice (2003) 720p.mkv`],
    });
  });

  it('keeps the old entry and its watched state when copying fails, and finishes on the retry', async () => {
    const { kodi, rig } = await setUp(true, 1_500);
    const movie = await publishAndWatch(rig, kodi);
    const newFile = await upgradeOnDisk(movie);
    kodi.sim.faults.resetNextCall('VideoLibrary.SetMovieDetails');
    const batch = await rig.submit([
      { action: 'publish', kind: 'movie', path: newFile, replaces: [movie.file] },
    ]);
    const [failed] = await rig.waitForBatch(
      batch.batchId,
      (j) => j.state === 'queued' && j.errorClass === 'transient',
    );
    expect(failed?.lastError).toBeTruthy();
    expect(kodi.sim.movies()).toHaveLength(2);
    expect(kodi.sim.movies().find((m) => m.file === movie.file)).toMatchObject({ playcount: 2 });
    const [done] = await rig.waitForBatch(batch.batchId);
    expect(done?.state, done?.lastError ?? '').toBe('succeeded');
    expect(kodi.sim.movies()).toMatchObject([{ file: newFile, playcount: 2 }]);
  });
});
