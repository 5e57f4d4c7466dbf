/**
 * The fault matrix on the simulator (issue 18): each row a fault a home server meets, each ending with the job
 * succeeded — or failed with a message naming the fix — and the Kodi still answering.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startRig, type Rig } from './sync-rig.js';

describe('fault matrix (simulator)', () => {
  let kodi: SimulatedKodi | undefined;
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    await kodi?.stop();
    rig = undefined;
    kodi = undefined;
  });

  async function setUp(webSocket = true): Promise<{ kodi: SimulatedKodi; rig: Rig }> {
    kodi = await startSimulatedKodi({ name: 'study' });
    rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Study', members: [{ ...kodi.endpoint, ...(!webSocket && { wsPort: null }) }] }],
    });
    return { kodi, rig };
  }

  it('Kodi answering every call after 2 s: the publish is still verified', { timeout: 90_000 }, async () => {
    const { kodi, rig } = await setUp();
    const movie = await kodi.writeMovie({ title: 'Slow Kodi', year: 2014 });
    kodi.sim.faults.delayAnswers(2_000);
    const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    const [job] = await rig.waitForBatch(batchId, undefined, 80_000);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    expect(job?.result).toMatchObject({ outcome: 'published', file: movie.file });
  });

  it(
    'the Kodi password changed: the job fails naming the credentials, and succeeds once they are fixed',
    { timeout: 60_000 },
    async () => {
      const { kodi, rig } = await setUp(false);
      const movie = await kodi.writeMovie({ title: 'Locked Out', year: 2015 });
      kodi.sim.faults.httpStatus(401);
      const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      const [failed] = await rig.waitForBatch(batchId, undefined, 30_000);
      expect(failed?.state).toBe('failed');
      expect(failed?.lastError).toMatch(/401|password|credentials/i);
      kodi.sim.faults.httpStatus(null);
      await rig.queue.retry(failed?.id ?? 0);
      const [job] = await rig.waitForBatch(batchId, (j) => j.state === 'succeeded', 30_000);
      expect(job?.result).toMatchObject({ outcome: 'published', file: movie.file });
      expect(kodi.sim.movies().map((m) => m.file)).toEqual([movie.file]);
    },
  );
});
