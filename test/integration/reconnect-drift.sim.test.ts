/**
 * A drift report by itself when a Kodi answers again: the pool's 'kodi-online' wake (WebSocket back) reaches the
 * debouncer, which reports once after the reconnects settle — not once per reconnect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/library/drift.js';
import { createLibraryOperations } from '../../src/library/operations.js';
import { ReconnectDrift, summarizeDrift } from '../../src/library/reconnect-drift.js';
import { startSimulatedKodi } from '../fixtures/sim-kodi.js';
import { memberClient, must, startRig } from './sync-rig.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('drift report when a Kodi answers again (simulator)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('two reconnects in a row give one drift report, after the Kodi is back', async () => {
    const kodi = await startSimulatedKodi();
    cleanup.push(() => kodi.stop());
    const rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Den', members: [{ ...kodi.endpoint, name: 'den' }] }],
    });
    cleanup.push(() => rig.close());
    const client = await memberClient(rig);
    await kodi.writeMovie({ title: 'Scanned By Hand', year: 1999 });
    await client.scan();
    const ops = createLibraryOperations({
      db: rig.store.db,
      store: rig.syncStore,
      clientFor: (p) => rig.pool.acquire(p),
      queue: rig.queue,
    });
    const reports: DriftReport[] = [];
    const drift = new ReconnectDrift({
      drift: (groupId) => ops.drift(groupId),
      record: (report) => Promise.resolve(reports.push(report)),
      quietMs: 300,
      minIntervalMs: 60_000,
    });
    cleanup.push(() => {
      drift.stop();
    });
    const groupId = must(rig.groupIds[0], 'a group');
    const seen = rig.wakes.length;
    for (let round = 0; round < 2; round++) {
      await kodi.sim.faults.goOffline();
      await sleep(200);
      await kodi.sim.faults.goOnline();
      for (let i = 0; i < 100 && !rig.wakes.slice(seen).some((w) => w.reason === 'kodi-online'); i++)
        await sleep(50);
      for (const w of rig.wakes.splice(seen)) if (w.reason === 'kodi-online') drift.kodiOnline(w.groupId);
    }
    for (let i = 0; i < 100 && reports.length === 0; i++) await sleep(50);
    await sleep(500);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.groupId).toBe(groupId);
    expect(summarizeDrift(must(reports[0], 'a report'))).toBe(
      'Drift of Den: 0 missing in Kodi, 0 deleted but still in Kodi, 0 not updated, 1 unknown to Kodi Sync',
    );
  });
});
