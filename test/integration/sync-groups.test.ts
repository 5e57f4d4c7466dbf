import { unlink } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { listItems } from '../../src/store/index.js';
import type { SyncEvidence } from '../../src/sync/types.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { assertNoScanWhileScanning, must, startRig, type Rig } from './sync-rig.js';

// Groups, members and TV through the real queue against simulators.
describe('sync across groups and members', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function kodi(options: Parameters<typeof startSimulatedKodi>[0] = {}): Promise<SimulatedKodi> {
    const k = await startSimulatedKodi(options);
    cleanup.push(() => k.stop());
    return k;
  }

  async function rigFor(
    moviesRoot: string,
    tvRoot: string,
    groups: Parameters<typeof startRig>[0]['groups'],
  ): Promise<Rig> {
    const rig = await startRig({ moviesRoot, tvRoot, groups });
    cleanup.push(() => rig.close());
    return rig;
  }

  it('enqueues one job per group serving the library, in one batch, and syncs each group', async () => {
    const a = await kodi({ name: 'living room' });
    const b = await kodi({ name: 'bedroom', mediaDir: a.sim.mediaDir });
    const rig = await rigFor(a.moviesRoot, a.tvRoot, [
      { name: 'Living room', members: [a.endpoint] },
      { name: 'Bedroom', members: [b.endpoint] },
    ]);
    const movie = await a.writeMovie({ title: 'Everywhere', year: 2011 });
    const { batchId, jobIds } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    expect(jobIds).toHaveLength(2);
    const jobs = await rig.waitForBatch(batchId);
    expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    expect(a.sim.movies()).toHaveLength(1);
    expect(b.sim.movies()).toHaveLength(1);
  });

  it('fails over to the second member when the first does not answer', async () => {
    const first = await kodi({ name: 'primary' });
    const second = await kodi({ name: 'backup', sharedLibraryWith: first.sim });
    const rig = await rigFor(first.moviesRoot, first.tvRoot, [
      { name: 'Lounge', members: [first.endpoint, second.endpoint], options: { sharedDatabase: true } },
    ]);
    await first.sim.faults.goOffline();
    const movie = await second.writeMovie({ title: 'Failover', year: 2012 });
    const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    const [job] = await rig.waitForBatch(batchId);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    expect((job?.result as SyncEvidence).member).toBe('backup');
    await first.sim.faults.goOnline();
  });

  it('acts through one member of a shared database, confirms the change from the other and refreshes its screen', async () => {
    const a = await kodi({ name: 'kitchen' });
    const b = await kodi({ name: 'garage', sharedLibraryWith: a.sim });
    const rig = await rigFor(a.moviesRoot, a.tvRoot, [
      { name: 'House', members: [a.endpoint, b.endpoint], options: { sharedDatabase: true } },
    ]);
    const files: string[] = [];
    for (let i = 0; i < 4; i++)
      files.push((await a.writeMovie({ title: `Shared ${i}`, year: 2000 + i })).file);
    const { batchId } = await rig.submit(
      files.map((path) => ({ action: 'publish' as const, kind: 'movie' as const, path })),
    );
    const jobs = await rig.waitForBatch(batchId);
    expect(jobs.map((j) => j.state)).toEqual(Array(4).fill('succeeded'));
    for (const job of jobs) {
      const evidence = job.result as SyncEvidence;
      expect(evidence).toMatchObject({ member: 'kitchen', confirmedBy: 'garage' });
      // Jobs verified by one shared scan end milliseconds apart: the previous refresh may still be running there.
      if (!evidence.screensRefreshed)
        expect(evidence.notes).toContain(
          "screen of garage not refreshed: it is scanning (its scan's end refreshes it)",
        );
      else expect(evidence.screensRefreshed).toEqual(['garage']);
    }
    // The other member only ever got screen refreshes: Scans of a folder that does not exist.
    const bScans = b.sim.calls('VideoLibrary.Scan').map((c) => (c.params as { directory: string }).directory);
    expect(bScans.length).toBeGreaterThan(0);
    expect(new Set(bScans)).toEqual(new Set([`${a.moviesRoot}.kodi-sync-screen-refresh/`]));
    expect(a.sim.movies()).toHaveLength(4);
    assertNoScanWhileScanning(a);
    assertNoScanWhileScanning(b);
  });

  it('publishes, republishes and deletes TV episodes, removing the emptied show', async () => {
    const k = await kodi();
    const rig = await rigFor(k.moviesRoot, k.tvRoot, [{ name: 'Den', members: [k.endpoint] }]);
    const e1 = await k.writeEpisode({ show: 'Brand New Show', season: 1, episode: 1 });
    const e2 = await k.writeEpisode({ show: 'Brand New Show', season: 1, episode: 2 });
    const publish = await rig.submit([
      { action: 'publish', kind: 'episode', path: e1.file, season: 1, episode: 1 },
      { action: 'publish', kind: 'episode', path: e2.file, season: 1, episode: 2 },
    ]);
    expect((await rig.waitForBatch(publish.batchId)).map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    expect(k.sim.episodes()).toHaveLength(2);
    await k.writeEpisode({ show: 'Brand New Show', season: 1, episode: 2, title: 'Renamed Episode' });
    const republish = await rig.submit([
      { action: 'republish', kind: 'episode', path: e2.file, season: 1, episode: 2 },
    ]);
    expect((await rig.waitForBatch(republish.batchId))[0]?.result).toMatchObject({
      outcome: 'refreshed',
      title: 'Renamed Episode',
    });
    const del = await rig.submit([
      { action: 'delete', kind: 'episode', path: e1.file, season: 1, episode: 1 },
      { action: 'delete', kind: 'episode', path: e2.file, season: 1, episode: 2 },
    ]);
    const deleted = await rig.waitForBatch(del.batchId);
    expect(deleted.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    expect(deleted.some((j) => (j.result as SyncEvidence).removedShowId !== undefined)).toBe(true);
    expect(k.sim.tvshows()).toEqual([]);
  });

  it('deletes every row of an episode that Kodi holds twice (two members once scanned its folder at once)', async () => {
    const k = await kodi();
    const rig = await rigFor(k.moviesRoot, k.tvRoot, [{ name: 'Den', members: [k.endpoint] }]);
    const e1 = await k.writeEpisode({ show: 'Twice Scanned', season: 1, episode: 1 });
    const e2 = await k.writeEpisode({ show: 'Twice Scanned', season: 1, episode: 2 });
    const publish = await rig.submit([
      { action: 'publish', kind: 'episode', path: e1.file, season: 1, episode: 1 },
      { action: 'publish', kind: 'episode', path: e2.file, season: 1, episode: 2 },
    ]);
    expect((await rig.waitForBatch(publish.batchId)).map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    const {
      episodeid: _id,
      playcount: _p,
      lastplayed: _l,
      userrating: _r,
      ...row
    } = must(
      k.sim.episodes().find((e) => e.file === e1.file),
      'E01 in Kodi',
    );
    k.sim.library.addEpisode(row, '2024-01-01 00:00:00');
    expect(k.sim.episodes().filter((e) => e.file === e1.file)).toHaveLength(2);
    await unlink(e1.file);
    const del = await rig.submit([
      { action: 'delete', kind: 'episode', path: e1.file, season: 1, episode: 1 },
    ]);
    const [job] = await rig.waitForBatch(del.batchId);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    expect(k.sim.episodes().map((e) => e.file)).toEqual([e2.file]);
  });

  it('ends FAILED with what to check when the scan adds nothing', async () => {
    const k = await kodi();
    const rig = await rigFor(k.moviesRoot, k.tvRoot, [{ name: 'Den', members: [k.endpoint] }]);
    k.sim.faults.scanAddsNothing(true);
    const movie = await k.writeMovie({ title: 'Phantom', year: 2013 });
    const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    const [job] = await rig.waitForBatch(batchId);
    expect(job?.state).toBe('failed');
    expect(job?.lastError).toMatch(/did not add.*Phantom.*content type.*NFO/s);
  });

  it('rejects a bad event naming the field, and writes nothing', async () => {
    const k = await kodi();
    const rig = await rigFor(k.moviesRoot, k.tvRoot, [{ name: 'Den', members: [k.endpoint] }]);
    const movie = await k.writeMovie({ title: 'Fine', year: 2014 });
    await expect(
      rig.submit([
        { action: 'publish', kind: 'movie', path: movie.file },
        { action: 'publish', kind: 'movie', path: 'relative/x.mkv' },
      ]),
    ).rejects.toMatchObject({ field: 'events[1].path' });
    await expect(
      rig.submit([{ action: 'publish', kind: 'movie', path: '/nowhere/X (1)/X (1).mkv' }]),
    ).rejects.toMatchObject({
      field: 'events[0].path',
    });
    expect(await listItems(rig.store.db)).toEqual([]);
    expect(await rig.queue.listJobs()).toEqual([]);
    must(rig.groupIds[0], 'a group');
  });
});
