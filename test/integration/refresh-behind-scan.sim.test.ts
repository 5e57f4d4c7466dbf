/**
 * A refresh sent while Kodi scans is answered "OK" and runs only when the scan ends, minutes later on a big
 * library (real-kodi.md §12): the job would see nothing happen and time out. So a re-publish first waits until the
 * library is idle — this test fails if that wait is skipped.
 */
import { afterEach, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { until } from '../fixtures/service-process.js';
import { startRig, type Rig } from './sync-rig.js';

let kodi: SimulatedKodi | undefined;
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  await kodi?.stop();
  rig = undefined;
  kodi = undefined;
});

it(
  'sends the refresh of a re-publish only after the scan running in Kodi has ended',
  { timeout: 60_000 },
  async () => {
    kodi = await startSimulatedKodi({ name: 'den' });
    const sim = kodi.sim;
    rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Den', members: [kodi.endpoint] }],
      timing: { idleWaitMs: 30_000 },
    });
    const movie = await kodi.writeMovie({ title: 'Behind The Scan', year: 2019 });
    const published = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    expect((await rig.waitForBatch(published.batchId))[0]?.state).toBe('succeeded');

    // Someone else's scan starts and keeps running.
    sim.faults.scanNeverFinishes(true);
    const other = new KodiClient(kodi.endpoint, { webSocket: false });
    await other.scan();
    await kodi.writeMovie({ title: 'Behind The Scan', year: 2019, nfoTitle: 'Behind The Scan (edited)' });
    const { batchId } = await rig.submit([{ action: 'republish', kind: 'movie', path: movie.file }]);
    const calls = sim.calls().length;
    await until('the job has checked Kodi while it scans', 20_000, () =>
      Promise.resolve(
        sim
          .calls()
          .slice(calls)
          .filter((c) => c.scanning).length >= 3,
      ),
    );
    expect(sim.calls('VideoLibrary.RefreshMovie')).toEqual([]);

    sim.faults.scanNeverFinishes(false);
    const [job] = await rig.waitForBatch(batchId, undefined, 40_000);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    const refreshes = sim.calls('VideoLibrary.RefreshMovie');
    expect(refreshes.length).toBeGreaterThan(0);
    expect(refreshes.filter((c) => c.scanning)).toEqual([]);
  },
);
