/**
 * The fault matrix on the simulator (issue 18): each row a fault a home server meets, each ending with the job
 * succeeded — or failed with a message naming the fix — and the Kodi still answering.
 */
import { rename } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/queue/types.js';
import { answersPing, startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startRig, type Rig } from './sync-rig.js';

/** Polls `read` until `done` holds (a condition, never a fixed sleep); fails naming what it waited for. */
async function waitFor<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function jobOf(rig: Rig, batchId: number): Promise<Job | undefined> {
  return (await rig.queue.listJobs({ batchId }))[0];
}

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
    kodi.sim.faults.delayAnswers(0);
    expect(await answersPing(kodi)).toBe('pong');
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
      expect(await answersPing(kodi)).toBe('pong');
    },
  );

  it(
    'the WebSocket dropped mid-scan: polling takes over and the publish is verified',
    { timeout: 60_000 },
    async () => {
      const { kodi, rig } = await setUp();
      const movie = await kodi.writeMovie({ title: 'Dropped Line', year: 2016 });
      kodi.sim.faults.scanNeverFinishes(true);
      const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      await waitFor(
        'the scan of the job to run',
        () => kodi.sim.calls('VideoLibrary.Scan').length > 0 && kodi.sim.isScanningVideo,
        Boolean,
      );
      const scansBefore = kodi.sim.calls('VideoLibrary.Scan').length;
      kodi.sim.faults.dropWebSockets();
      const dropped = Date.now();
      await waitFor(
        'the job to poll IsScanningVideo after the drop',
        () => kodi.sim.calls('XBMC.GetInfoBooleans').filter((call) => call.at >= dropped).length,
        (polls) => polls >= 2,
      );
      kodi.sim.faults.scanNeverFinishes(false);
      const [job] = await rig.waitForBatch(batchId, undefined, 30_000);
      expect(job?.state, job?.lastError ?? '').toBe('succeeded');
      expect(job?.result).toMatchObject({ outcome: 'published', file: movie.file, completion: 'polling' });
      const steps = (await rig.queue.getJob(job?.id ?? 0)).steps;
      expect(steps.map((s) => s.call)).toContain('wait for scan end');
      // The scan was waited for, not sent again (a second Scan would have cancelled it, real-kodi.md §3).
      expect(kodi.sim.calls('VideoLibrary.Scan')).toHaveLength(scansBefore);
      expect(kodi.sim.movies().map((m) => m.file)).toEqual([movie.file]);
      expect(await answersPing(kodi)).toBe('pong');
    },
  );

  it('Kodi restarted between scan and lookup: the item is still verified', { timeout: 60_000 }, async () => {
    const { kodi, rig } = await setUp();
    const movie = await kodi.writeMovie({ title: 'Second Boot', year: 2017 });
    const crashed = kodi.sim.faults.crashAfterNextScan();
    const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
    await crashed;
    await waitFor(
      'the job to meet the Kodi that is down',
      () => jobOf(rig, batchId),
      (job) => (job?.failures ?? 0) > 0,
    );
    await kodi.sim.faults.goOnline();
    const [job] = await rig.waitForBatch(batchId, undefined, 30_000);
    expect(job?.state, job?.lastError ?? '').toBe('succeeded');
    const [added] = kodi.sim.movies();
    expect(kodi.sim.movies()).toHaveLength(1);
    expect(job?.attempts).toBeGreaterThanOrEqual(2);
    expect(job?.result).toMatchObject({ file: movie.file, kodiIds: [added?.movieid] });
    expect(await answersPing(kodi)).toBe('pong');
  });

  it(
    'the share vanishing and coming back: the job waits as transient and succeeds once the share returns',
    { timeout: 60_000 },
    async () => {
      const { kodi, rig } = await setUp();
      const movie = await kodi.writeMovie({ title: 'Sleeping NAS', year: 2018 });
      const root = kodi.moviesRoot.replace(/\/$/, '');
      await rename(root, `${root}.unmounted`);
      const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      const waiting = await waitFor(
        'the job to wait for the share',
        () => jobOf(rig, batchId),
        (job) => (job?.failures ?? 0) >= 2,
      );
      expect(waiting?.state).not.toBe('failed');
      expect(waiting?.errorClass).toBe('transient');
      expect(waiting?.lastError).toMatch(/cannot list the source root .*share looks offline or unmounted/);
      expect(kodi.sim.calls('VideoLibrary.Scan')).toHaveLength(0);
      await rename(`${root}.unmounted`, root);
      const [job] = await rig.waitForBatch(batchId, undefined, 30_000);
      expect(job?.state, job?.lastError ?? '').toBe('succeeded');
      expect(job?.result).toMatchObject({ outcome: 'published', file: movie.file });
      expect(kodi.sim.movies().map((m) => m.file)).toEqual([movie.file]);
      expect(await answersPing(kodi)).toBe('pong');
    },
  );
});
