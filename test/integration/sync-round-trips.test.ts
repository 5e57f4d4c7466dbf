// How many times a job asks Kodi what it already knows from Kodi's own notifications (issue 17: fewer round trips),
// through the real queue and client against the simulator.
import { afterEach, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { playingFiles } from '../../src/sync/member.js';
import { StepRecorder } from '../../src/sync/steps.js';
import type { SyncPlayer } from '../../src/sync/types.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startRig } from './sync-rig.js';

describe('round trips a job spends on state that Kodi announces', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function simulator(): Promise<SimulatedKodi> {
    const kodi = await startSimulatedKodi({ name: 'den' });
    cleanup.push(() => kodi.stop());
    return kodi;
  }

  it('publishes a new movie with one IsScanningVideo (before its scan) and none after OnScanFinished', async () => {
    const kodi = await simulator();
    const rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Den', members: [kodi.endpoint] }],
    });
    cleanup.push(() => rig.close());
    const movie = await kodi.writeMovie({ title: 'Counted', year: 2020 });
    const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    const [job] = await rig.waitForBatch(batchId);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    expect(job?.result).toMatchObject({ outcome: 'published', completion: 'OnScanFinished event' });
    expect(kodi.sim.calls('VideoLibrary.Scan')).toHaveLength(1);
    expect(kodi.sim.calls('XBMC.GetInfoBooleans')).toHaveLength(1);
    expect(kodi.sim.calls('Player.GetActivePlayers')).toHaveLength(1);
  });

  it('asks which player plays once, trusts "none" until Player.OnPlay, then asks again and sees the file', async () => {
    const kodi = await simulator();
    const movie = await kodi.writeMovie({ title: 'Playing Soon', year: 2021 });
    const client = new KodiClient(kodi.endpoint, { reconnectMinMs: 20, reconnectMaxMs: 100 });
    cleanup.push(() => client.close());
    client.start();
    expect(await client.waitForWebSocket(2_000)).toBe(true);
    await client.scan(kodi.moviesRoot);
    await expect.poll(() => kodi.sim.movies().length).toBe(1);
    const member = { player: { name: 'den' } as SyncPlayer, client, playing: false };
    const steps = new StepRecorder(() => undefined);
    const asked = (): number => kodi.sim.calls('Player.GetActivePlayers').length;

    expect(await playingFiles(member, steps)).toEqual([]);
    expect(await playingFiles(member, steps)).toEqual([]);
    expect(asked()).toBe(1);
    const announced = new Promise<void>((resolve) => {
      const off = client.onNotification((n) => {
        if (n.method === 'Player.OnPlay') {
          off();
          resolve();
        }
      });
    });
    await kodi.play(movie.file);
    await announced;
    expect(await playingFiles(member, steps)).toEqual([movie.file]);
    expect(asked()).toBe(2);
  });
});
