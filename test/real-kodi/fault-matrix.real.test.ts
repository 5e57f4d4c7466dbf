/**
 * The fault matrix rows that need Kodi's own behaviour (issue 18): what a real Kodi 20.1 does when it dies in the
 * middle of a scan and comes back. The simulator rows are in test/integration/fault-matrix*.test.ts.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { realKodiAvailable, realKodiRpc, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';
import { until } from '../fixtures/service-process.js';
import { startRig, type Rig } from '../integration/sync-rig.js';

describe.skipIf(!realKodiAvailable())('fault matrix (real Kodi)', () => {
  let kodi: RealKodi | undefined;
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  afterAll(async () => {
    await kodi?.stop();
  });

  it(
    'Kodi killed mid-scan and restarted: every job of the batch ends verified, each movie once in Kodi',
    { timeout: 300_000 },
    async () => {
      kodi = await startRealKodi();
      const real = kodi;
      rig = await startRig({
        moviesRoot: real.moviesRoot,
        tvRoot: real.tvRoot,
        groups: [{ name: 'Den', members: [real.endpoint] }],
        backoff: { baseMs: 500, maxDelayMs: 3_000 },
      });
      const files: string[] = [];
      for (let i = 1; i <= 12; i++) {
        files.push((await real.writeMovie({ title: `Killed Mid Scan ${String(i)}`, year: 2010 + i })).file);
      }
      const watcher = new KodiClient(real.endpoint);
      watcher.start();
      expect(await watcher.waitForWebSocket(10_000)).toBe(true);
      let killed: Promise<void> | undefined;
      const off = watcher.onNotification((n) => {
        if (killed === undefined && n.method === 'VideoLibrary.OnUpdate') killed = real.kill();
      });
      const { batchId } = await rig.submit(files.map((path) => ({ action: 'publish', kind: 'movie', path })));
      await until('Kodi is killed mid-scan', 120_000, () => Promise.resolve(killed !== undefined));
      off();
      await watcher.close();
      await killed;
      const midway = await rig.queue.listJobs({ batchId });
      // Some jobs were still to run when Kodi died: they see it gone, and wait for it.
      expect(midway.filter((j) => j.state !== 'succeeded').length).toBeGreaterThan(0);

      await real.restart();
      const jobs = await rig.waitForBatch(batchId, undefined, 240_000);
      expect(
        jobs.filter((j) => j.state !== 'succeeded').map((j) => `${String(j.id)} ${j.lastError ?? ''}`),
      ).toEqual([]);
      // The job whose scan Kodi died in was tried again, after Kodi came back.
      expect(jobs.some((j) => j.attempts > 1)).toBe(true);
      const inKodi = await realKodiRpc<{ movies?: { file: string }[] }>(
        real.endpoint,
        'VideoLibrary.GetMovies',
        {
          properties: ['file'],
        },
      );
      expect((inKodi.movies ?? []).map((m) => m.file).sort()).toEqual([...files].sort());
    },
  );
});
