/**
 * The nine seed scenarios end to end against real headless Kodi 20.1 (the same scenario code as the simulator run),
 * plus failover and a shared MariaDB video database with two real instances.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncEvidence } from '../../src/sync/types.js';
import { realKodiAvailable, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';
import { startRig, type Rig } from '../integration/sync-rig.js';
import { defineSyncScenarios } from '../integration/sync-scenarios.js';
import { sharedScenarioKodi } from './shared-scenario-kodi.js';

if (realKodiAvailable()) {
  defineSyncScenarios({ label: 'real Kodi', timeoutMs: 60_000, start: sharedScenarioKodi() });

  describe('sync with two real Kodis on one MariaDB video database', () => {
    let a: RealKodi | undefined;
    let b: RealKodi | undefined;
    let rig: Rig | undefined;
    beforeAll(async () => {
      const database = `kodisync${String(process.pid)}${String(Date.now() % 100000)}`;
      a = await startRealKodi({ mysqlDatabase: database });
      b = await startRealKodi({ mysqlDatabase: database });
    });
    afterEach(async () => {
      await rig?.close();
      rig = undefined;
    });
    afterAll(async () => {
      // Both, even when the first stop fails.
      const results = await Promise.allSettled([a?.stop(), b?.stop()]);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    });

    async function houseRig(first: RealKodi, second: RealKodi): Promise<Rig> {
      rig = await startRig({
        moviesRoot: first.moviesRoot,
        tvRoot: first.tvRoot,
        groups: [
          {
            name: 'House',
            members: [
              { ...first.endpoint, name: 'kitchen' },
              { ...second.endpoint, name: 'garage' },
            ],
            options: { sharedDatabase: true },
          },
        ],
      });
      return rig;
    }

    const pair = (): { a: RealKodi; b: RealKodi } => {
      if (!a || !b) throw new Error('the MariaDB pair did not start');
      return { a, b };
    };

    it('publishes through one member and confirms it from the other', { timeout: 120_000 }, async () => {
      const kodis = pair();
      const house = await houseRig(kodis.a, kodis.b);
      const movie = await kodis.a.writeMovie({ title: 'Shared One', year: 2001 });
      const { batchId } = await house.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      const [job] = await house.waitForBatch(batchId, undefined, 60_000);
      expect(job?.state, job?.lastError ?? '').toBe('succeeded');
      expect(job?.result).toMatchObject({ outcome: 'published', member: 'kitchen', confirmedBy: 'garage' });
    });

    it('fails over to the second member when the first is down', { timeout: 120_000 }, async () => {
      const kodis = pair();
      const house = await houseRig(kodis.a, kodis.b);
      await kodis.a.kill();
      const movie = await kodis.a.writeMovie({ title: 'Failover One', year: 2002 });
      const { batchId } = await house.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      const [job] = await house.waitForBatch(batchId, undefined, 60_000);
      expect(job?.state, job?.lastError ?? '').toBe('succeeded');
      expect((job?.result as SyncEvidence).member).toBe('garage');
    });
  });
} else {
  describe('sync scenarios (real Kodi)', () => {
    it.skip('needs kodi.bin and Xvfb (scripts/kodi-testbed/kodi-testbed.sh install)', () => undefined);
  });
}
