import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvidence } from '../../src/sync/types.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { assertNoScanWhileScanning, startRig, type Rig } from './sync-rig.js';

// Coalesced scans for bulk work (src/sync/shared-scan.ts), through the real queue against the simulator.
describe('one scan for the new movies waiting in a lane', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setUp(): Promise<{ kodi: SimulatedKodi; rig: Rig }> {
    const kodi = await startSimulatedKodi({ name: 'den' });
    cleanup.push(() => kodi.stop());
    const rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Den', members: [kodi.endpoint] }],
    });
    cleanup.push(() => rig.close());
    return { kodi, rig };
  }

  async function writeMovies(kodi: SimulatedKodi, count: number): Promise<string[]> {
    const files: string[] = [];
    for (let i = 0; i < count; i++)
      files.push((await kodi.writeMovie({ title: `Bulk ${i}`, year: 2000 + i })).file);
    return files;
  }

  it('twenty new movies in one lane are added by one scan and each job verifies its own movie', async () => {
    const { kodi, rig } = await setUp();
    const files = await writeMovies(kodi, 20);
    const { batchId } = await rig.submit(
      files.map((path) => ({ action: 'publish' as const, kind: 'movie' as const, path })),
    );
    const jobs = await rig.waitForBatch(batchId);
    expect(jobs.map((j) => j.state)).toEqual(Array(20).fill('succeeded'));
    expect(
      kodi.sim.calls('VideoLibrary.Scan').map((c) => (c.params as { directory?: string }).directory),
    ).toEqual([kodi.moviesRoot]);
    const scanner = jobs.find((j) => (j.result as SyncEvidence).timings.scanMs !== undefined);
    const scannerId = scanner?.id;
    for (const job of jobs) {
      const evidence = job.result as SyncEvidence;
      const file = files.find((f) => f === evidence.file);
      expect(file, `job ${job.id} names its own movie`).toBeDefined();
      expect(evidence).toMatchObject({
        outcome: 'published',
        sharedScan: { byJob: scannerId, directory: kodi.moviesRoot, items: 20 },
      });
      // Its own lookup, by its own file, is in its own steps.
      const { steps } = await rig.queue.getJob(job.id);
      expect(steps.some((s) => s.call === `VideoLibrary.GetMovies path+filename "${file ?? ''}"`)).toBe(true);
    }
    expect(
      kodi.sim
        .movies()
        .map((m) => m.file)
        .sort(),
    ).toEqual([...files].sort());
    assertNoScanWhileScanning(kodi);
  });

  it('a season pack of ten new episodes is added by one scan of the show folder, each job verifying its own episode', async () => {
    const { kodi, rig } = await setUp();
    const files: string[] = [];
    for (let episode = 1; episode <= 10; episode++)
      files.push((await kodi.writeEpisode({ show: 'Packed Show', season: 1, episode })).file);
    const other = await kodi.writeEpisode({ show: 'Other Show', season: 2, episode: 1 });
    const { batchId } = await rig.submit([
      ...files.map((path, i) => ({
        action: 'publish' as const,
        kind: 'episode' as const,
        path,
        season: 1,
        episode: i + 1,
      })),
      { action: 'publish', kind: 'episode', path: other.file, season: 2, episode: 1 },
    ]);
    const jobs = await rig.waitForBatch(batchId);
    expect(jobs.map((j) => j.state)).toEqual(Array(11).fill('succeeded'));
    // One scan of the pack's show folder, one of the other show's: never a show scanned for another's episodes.
    const scanned = kodi.sim
      .calls('VideoLibrary.Scan')
      .map((c) => (c.params as { directory?: string }).directory);
    expect(scanned.sort()).toEqual([`${kodi.tvRoot}Other Show/`, `${kodi.tvRoot}Packed Show/`].sort());
    for (const job of jobs) {
      const evidence = job.result as SyncEvidence;
      if (evidence.file === other.file) {
        expect(evidence.sharedScan).toBeUndefined();
        continue;
      }
      expect(evidence).toMatchObject({
        outcome: 'published',
        sharedScan: { directory: `${kodi.tvRoot}Packed Show/`, items: 10 },
      });
    }
    expect(
      kodi.sim
        .episodes()
        .map((e) => e.file)
        .sort(),
    ).toEqual([...files, other.file].sort());
    assertNoScanWhileScanning(kodi);
  });

  it('a folder nobody published (an import still copying) is never added: each job scans its own folder', async () => {
    const { kodi, rig } = await setUp();
    const files = await writeMovies(kodi, 3);
    const copying = await kodi.writeMovie({ title: 'Still Copying', year: 2024 });
    const { batchId } = await rig.submit(
      files.map((path) => ({ action: 'publish' as const, kind: 'movie' as const, path })),
    );
    const jobs = await rig.waitForBatch(batchId);
    expect(jobs.map((j) => j.state)).toEqual(Array(3).fill('succeeded'));
    expect(
      kodi.sim
        .movies()
        .map((m) => m.file)
        .sort(),
    ).toEqual([...files].sort());
    expect(kodi.sim.movies().some((m) => m.file === copying.file)).toBe(false);
    expect(kodi.sim.calls('VideoLibrary.Scan')).toHaveLength(3);
  });

  it('a lane-mate that Kodi already had is "already in sync", not claimed as added by the shared scan', async () => {
    const { kodi, rig } = await setUp();
    const old = (await kodi.writeMovie({ title: 'Old', year: 1999 })).file;
    // The old movie reaches Kodi by someone else's scan, before Kodi Sync is told about it.
    const [player] = await rig.syncStore.listPlayers(rig.groupIds[0] ?? 0);
    await (await rig.pool.acquire(player ?? expect.fail('a player'))).scan(kodi.moviesRoot);
    await expect.poll(() => kodi.sim.movies().length).toBe(1);
    const fresh = await writeMovies(kodi, 3);
    const { batchId } = await rig.submit(
      [...fresh, old].map((path) => ({ action: 'publish' as const, kind: 'movie' as const, path })),
    );
    const jobs = await rig.waitForBatch(batchId);
    expect(jobs.map((j) => j.state)).toEqual(Array(4).fill('succeeded'));
    const byFile = new Map(jobs.map((j) => [(j.result as SyncEvidence).file, j.result as SyncEvidence]));
    expect(byFile.get(old)).toMatchObject({ outcome: 'already in sync' });
    expect(byFile.get(old)?.sharedScan).toBeUndefined();
    for (const file of fresh) expect(byFile.get(file)).toMatchObject({ outcome: 'published' });
  });

  it('a shared scan that fails leaves each lane-mate to its own publish: all verified, none credited to it', async () => {
    const { kodi, rig } = await setUp();
    const files = await writeMovies(kodi, 5);
    kodi.sim.faults.resetNextCall('VideoLibrary.Scan');
    const { batchId } = await rig.submit(
      files.map((path) => ({ action: 'publish' as const, kind: 'movie' as const, path })),
    );
    const jobs = await rig.waitForBatch(batchId);
    expect(jobs.map((j) => j.state)).toEqual(Array(5).fill('succeeded'));
    const failedScanner = jobs.find((j) => j.attempts > 1);
    expect(failedScanner, 'the job whose scan failed ran again').toBeDefined();
    for (const job of jobs)
      expect((job.result as SyncEvidence).sharedScan?.byJob).not.toBe(failedScanner?.id);
    expect(
      kodi.sim
        .movies()
        .map((m) => m.file)
        .sort(),
    ).toEqual([...files].sort());
    assertNoScanWhileScanning(kodi);
  });
});
