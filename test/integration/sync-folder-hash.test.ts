// The folder-hash lever (src/sync/folder-hash.ts) when the manager changes the folder meanwhile: simulator, real queue.
import { stat, unlink, utimes } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { must, startRig, type Rig } from './sync-rig.js';

describe('a sibling removed to make Kodi rescan a folder', () => {
  let kodi: SimulatedKodi | undefined;
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    await kodi?.stop();
  });

  it('is let go, not waited for, when its file was deleted before it could come back', async () => {
    kodi = await startSimulatedKodi({ name: 'den' });
    rig = await startRig({
      backoff: { baseMs: 100, maxDelayMs: 100 },
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Den', members: [kodi.endpoint] }],
    });
    const publish = async (file: string, episode: number) => {
      const { batchId } = await must(rig, 'rig').submit([
        { action: 'publish', kind: 'episode', path: file, season: 1, episode },
      ]);
      return must(rig, 'rig').waitForBatch(batchId);
    };
    const e1 = await kodi.writeEpisode({ show: 'Moving Folder', season: 1, episode: 1 });
    expect((await publish(e1.file, 1)).map((j) => j.state)).toEqual(['succeeded']);
    const e2 = await kodi.writeEpisode({ show: 'Moving Folder', season: 1, episode: 2 });
    expect((await publish(e2.file, 2)).map((j) => j.state)).toEqual(['succeeded']);
    // E03 arrives by a move that keeps the folders' times: Kodi's hash is unchanged, a sibling must go.
    const seasonTime = await stat(e2.seasonFolder);
    const showTime = await stat(e2.showFolder);
    const e3 = await kodi.writeEpisode({ show: 'Moving Folder', season: 1, episode: 3 });
    await utimes(e2.seasonFolder, seasonTime.atime, seasonTime.mtime);
    await utimes(e2.showFolder, showTime.atime, showTime.mtime);
    // The first attempt removes the sibling, then the rescan adds nothing (a scraper miss): the sibling is held.
    kodi.sim.faults.scanAddsNothing(true);
    const [failed] = await publish(e3.file, 3);
    expect(failed?.state).toBe('failed');
    expect(kodi.sim.episodes()).toHaveLength(1);
    const kept = must(kodi.sim.episodes()[0], 'the sibling left in Kodi').file;
    const removed = kept === e1.file ? e2.file : e1.file;
    // Meanwhile the manager deletes the removed sibling's file.
    await unlink(removed);
    kodi.sim.faults.scanAddsNothing(false);

    const [job] = await publish(e3.file, 3);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    expect(
      kodi.sim
        .episodes()
        .map((e) => e.file)
        .sort(),
    ).toEqual([kept, e3.file].sort());
  });
});
