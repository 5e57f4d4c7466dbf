import { afterEach, describe, expect, it } from 'vitest';
import { createItem } from '../../src/store/index.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { NotAddedError } from '../../src/sync/failures.js';
import type { SyncJob } from '../../src/sync/handler.js';
import { assertNoScanWhileScanning, memberClient, must, runOnce, startRig, type Rig } from './sync-rig.js';

// The engine's job handler alone, over real sockets against the simulator (the queue is covered in sync-*.test.ts).
describe('sync job handler against the simulator', () => {
  let kodi: SimulatedKodi | undefined;
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    await kodi?.stop();
    rig = undefined;
    kodi = undefined;
  });

  async function setUp(): Promise<{ kodi: SimulatedKodi; rig: Rig }> {
    kodi = await startSimulatedKodi({ name: 'living room' });
    rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Living room', members: [kodi.endpoint] }],
    });
    return { kodi, rig };
  }

  it('publishes a new movie, then reports it already in sync, then removes it', async () => {
    const { kodi, rig } = await setUp();
    const movie = await kodi.writeMovie({ title: 'The Matrix', year: 1999, imdb: 'tt0133093' });
    const item = await createItem(rig.store.db, {
      kind: 'movie',
      path: movie.file,
      state: 'published',
      libraryId: rig.moviesLibraryId,
      imdb: 'tt0133093',
      title: 'The Matrix',
      year: 1999,
    });
    const job = {
      id: 1,
      lane: must(rig.groupIds[0], 'a group'),
      itemId: item.id,
      payload: { itemId: item.id },
    };
    const first = await runOnce(rig, job);
    expect(first.error).toBeUndefined();
    expect(first.result).toMatchObject({
      outcome: 'published',
      file: movie.file,
      matchedBy: 'file',
      completion: 'OnScanFinished event',
    });
    expect(kodi.sim.movies().map((m) => m.file)).toEqual([movie.file]);
    const second = await runOnce(rig, job);
    expect(second.result).toMatchObject({ outcome: 'already in sync' });
    await rig.store.db.updateTable('items').set({ state: 'deleted' }).where('id', '=', item.id).execute();
    const third = await runOnce(rig, job);
    expect(third.error).toBeUndefined();
    expect(third.result).toMatchObject({ outcome: 'removed' });
    expect(kodi.sim.movies()).toEqual([]);
  });

  async function item(
    rig: Rig,
    input: {
      kind: 'movie' | 'episode';
      path: string;
      title?: string;
      year?: number;
      season?: number;
      episode?: number;
    },
  ): Promise<SyncJob> {
    const created = await createItem(rig.store.db, {
      ...input,
      state: 'published',
      libraryId: input.kind === 'movie' ? rig.moviesLibraryId : rig.tvLibraryId,
    });
    return {
      id: created.id,
      lane: must(rig.groupIds[0], 'a group'),
      itemId: created.id,
      payload: { itemId: created.id },
    };
  }

  async function bump(rig: Rig, job: SyncJob, state: 'published' | 'deleted' = 'published'): Promise<void> {
    await rig.store.db
      .updateTable('items')
      .set((eb) => ({ state, revision: state === 'published' ? eb('revision', '+', 1) : eb.ref('revision') }))
      .where('id', '=', job.itemId)
      .execute();
  }

  it('publishes an episode of a new show, refreshes it, and removes the show with its last episode', async () => {
    const { kodi, rig } = await setUp();
    const ep = await kodi.writeEpisode({ show: 'Fourth Show', season: 1, episode: 1, title: 'Pilot' });
    const job = await item(rig, { kind: 'episode', path: ep.file, season: 1, episode: 1 });
    const published = await runOnce(rig, job);
    expect(published.error).toBeUndefined();
    expect(published.result).toMatchObject({ outcome: 'published', file: ep.file });
    expect(published.steps.some((s) => s.startsWith(`VideoLibrary.Scan "${ep.showFolder}"`))).toBe(true);
    await kodi.writeEpisode({ show: 'Fourth Show', season: 1, episode: 1, title: 'Pilot (director cut)' });
    await bump(rig, job);
    const refreshed = await runOnce(rig, job);
    expect(refreshed.error).toBeUndefined();
    expect(refreshed.result).toMatchObject({ outcome: 'refreshed', title: 'Pilot (director cut)' });
    await bump(rig, job, 'deleted');
    const removed = await runOnce(rig, job);
    expect(removed.error).toBeUndefined();
    expect(removed.result?.removedShowId).toBeTypeOf('number');
    expect(kodi.sim.episodes()).toEqual([]);
    expect(kodi.sim.tvshows()).toEqual([]);
  });

  it('keeps playcount, last played and rating across a republish (Kodi resets them on refresh)', async () => {
    const { kodi, rig } = await setUp();
    const movie = await kodi.writeMovie({ title: 'Watched', year: 2001 });
    const job = await item(rig, { kind: 'movie', path: movie.file });
    expect((await runOnce(rig, job)).result?.outcome).toBe('published');
    const id = must(kodi.sim.movies()[0], 'a movie').movieid;
    const client = await memberClient(rig);
    await client.setMovieDetails(id, { playcount: 2, lastplayed: '2020-01-02 03:04:05', userrating: 7 });
    await kodi.writeMovie({ title: 'Watched', year: 2001, nfoTitle: 'Watched (edited)' });
    await bump(rig, job);
    const refreshed = await runOnce(rig, job);
    expect(refreshed.error).toBeUndefined();
    expect(refreshed.result).toMatchObject({ outcome: 'refreshed', title: 'Watched (edited)' });
    const after = must(kodi.sim.movies()[0], 'a movie');
    expect(after).toMatchObject({ playcount: 2, lastplayed: '2020-01-02 03:04:05', userrating: 7 });
  });

  it('runs a job backing off after Kodi went away as soon as Kodi answers again, not when its backoff ends', async () => {
    kodi = await startSimulatedKodi({ name: 'bedroom' });
    rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Bedroom', members: [kodi.endpoint] }],
      backoff: { baseMs: 120_000, maxDelayMs: 120_000 },
    });
    const movie = await kodi.writeMovie({ title: 'Back Again', year: 2012 });
    await kodi.sim.faults.goOffline();
    const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    const [failing] = await rig.waitForBatch(batchId, (j) => j.errorClass === 'transient', 15_000);
    expect(failing?.runAfter).toBeGreaterThan(Date.now() + 60_000);
    await kodi.sim.faults.goOnline();
    const [job] = await rig.waitForBatch(batchId, (j) => j.state === 'succeeded', 15_000);
    expect(job?.result).toMatchObject({ outcome: 'published', file: movie.file });
  });

  it('fails with an actionable message when the scan adds nothing', async () => {
    const { kodi, rig } = await setUp();
    const movie = await kodi.writeMovie({ title: 'Never Added', year: 2002 });
    kodi.sim.faults.scanAddsNothing(true);
    const job = await item(rig, { kind: 'movie', path: movie.file });
    const outcome = await runOnce(rig, job);
    expect(outcome.error).toBeInstanceOf(NotAddedError);
    expect((outcome.error as NotAddedError).reason).toBe('not-identified');
    expect(outcome.error?.message).toMatch(
      /did not add .*Never Added.*identified nothing.*content type.*NFO/s,
    );
    expect(outcome.steps.filter((s) => s.startsWith('VideoLibrary.Scan')).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a path no mapping covers, naming the mapping to add', async () => {
    kodi = await startSimulatedKodi();
    rig = await startRig({
      moviesRoot: '/data/movies',
      tvRoot: '/data/tv',
      groups: [
        {
          name: 'Den',
          members: [kodi.endpoint],
          mappings: [{ managerPrefix: '/data/movies', kodiPrefix: kodi.moviesRoot }],
        },
      ],
    });
    const job = await item(rig, { kind: 'movie', path: '/elsewhere/X (2000)/X (2000).mkv' });
    const outcome = await runOnce(rig, job);
    expect(outcome.error?.message).toMatch(/No path mapping of group "Den" covers/);
  });

  it('waits for a scan someone else started instead of cancelling it', async () => {
    const { kodi, rig } = await setUp();
    for (let i = 0; i < 5; i++) await kodi.writeMovie({ title: `Other ${i}`, year: 1990 + i });
    kodi.sim.settings.scanMsPerItem = 60;
    const client = await memberClient(rig);
    await client.scan(kodi.moviesRoot);
    const movie = await kodi.writeMovie({ title: 'Mine', year: 2010 });
    const job = await item(rig, { kind: 'movie', path: movie.file });
    const outcome = await runOnce(rig, job);
    expect(outcome.error).toBeUndefined();
    expect(kodi.sim.movies()).toHaveLength(6);
    assertNoScanWhileScanning(kodi);
  });
});
