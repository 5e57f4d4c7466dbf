/**
 * The nine seed scenarios end to end against real headless Kodi 20.1 (the same scenario code as the simulator run),
 * plus failover and a shared MariaDB video database with two real instances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvidence } from '../../src/sync/types.js';
import { realKodiAvailable, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';
import { startRig, type Rig } from '../integration/sync-rig.js';
import { defineSyncScenarios } from '../integration/sync-scenarios.js';

if (realKodiAvailable()) {
  defineSyncScenarios({
    label: 'real Kodi',
    timeoutMs: 60_000,
    async start() {
      const kodi = await startRealKodi();
      return {
        ...kodi,
        stop: () => kodi.stop(),
        goOffline: () => kodi.kill(),
        goOnline: () => kodi.restart(),
      };
    },
  });

  describe('sync with two real Kodis on one MariaDB video database', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    async function pair(): Promise<{ a: RealKodi; b: RealKodi; rig: Rig }> {
      const database = `kodisync${String(process.pid)}${String(Date.now() % 100000)}`;
      const a = await startRealKodi({ mysqlDatabase: database });
      cleanup.push(() => a.stop());
      const b = await startRealKodi({ mysqlDatabase: database });
      cleanup.push(() => b.stop());
      const rig = await startRig({
        moviesRoot: a.moviesRoot,
        tvRoot: a.tvRoot,
        groups: [
          {
            name: 'House',
            members: [
              { ...a.endpoint, name: 'kitchen' },
              { ...b.endpoint, name: 'garage' },
            ],
            options: { sharedDatabase: true },
          },
        ],
      });
      cleanup.push(() => rig.close());
      return { a, b, rig };
    }

    it('publishes through one member and confirms it from the other', { timeout: 240_000 }, async () => {
      const { a, rig } = await pair();
      const movie = await a.writeMovie({ title: 'Shared One', year: 2001 });
      const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      const [job] = await rig.waitForBatch(batchId, undefined, 60_000);
      expect(job?.state, job?.lastError ?? '').toBe('succeeded');
      expect(job?.result).toMatchObject({ outcome: 'published', member: 'kitchen', confirmedBy: 'garage' });
    });

    it('fails over to the second member when the first is down', { timeout: 240_000 }, async () => {
      const { a, rig } = await pair();
      await a.kill();
      const movie = await a.writeMovie({ title: 'Failover One', year: 2002 });
      const { batchId } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      const [job] = await rig.waitForBatch(batchId, undefined, 60_000);
      expect(job?.state, job?.lastError ?? '').toBe('succeeded');
      expect((job?.result as SyncEvidence).member).toBe('garage');
    });
  });
} else {
  describe('sync scenarios (real Kodi)', () => {
    it.skip('needs kodi.bin and Xvfb (scripts/kodi-testbed/kodi-testbed.sh install)', () => undefined);
  });
}
