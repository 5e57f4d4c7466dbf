// The pre-scan idle check trusts a fresh IsScanningVideo=false only while no scan event and no reconnect
// happened since (src/sync/idle-tracker.ts), over real sockets against the simulator.
import { afterEach, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { KNOWN_IDLE_MS } from '../../src/sync/idle-tracker.js';
import { DEFAULT_SCAN_TIMING, waitUntilIdle } from '../../src/sync/scan-wait.js';
import { StepRecorder } from '../../src/sync/steps.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { eventually } from './kodi-sim-raw.js';

describe('pre-scan idle check', () => {
  let kodi: SimulatedKodi | undefined;
  const clients: KodiClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await kodi?.stop();
    kodi = undefined;
  });

  async function connect(sim: SimulatedKodi): Promise<KodiClient> {
    const client = new KodiClient(sim.endpoint, { reconnectMinMs: 20, reconnectMaxMs: 100 });
    clients.push(client);
    client.start();
    expect(await client.waitForWebSocket(2_000)).toBe(true);
    return client;
  }

  function recorder(): { steps: StepRecorder; calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      steps: new StepRecorder((batch) => {
        calls.push(...batch.map((s) => s.call));
      }),
    };
  }

  const isScanningCalls = (sim: SimulatedKodi): number => sim.sim.calls('XBMC.GetInfoBooleans').length;

  it('asks Kodi once, then trusts the answer until a scan starts somewhere', async () => {
    kodi = await startSimulatedKodi({ scanMsPerItem: 60 });
    const sim = kodi;
    const client = await connect(sim);
    const { steps, calls } = recorder();
    expect(await waitUntilIdle(client, steps, DEFAULT_SCAN_TIMING)).toBe(false);
    expect(await waitUntilIdle(client, steps, DEFAULT_SCAN_TIMING)).toBe(false);
    expect(isScanningCalls(sim)).toBe(1);
    await steps.flush();
    expect(calls.at(-1)).toBe('wait for idle');
    // Someone else starts a scan through another connection: its OnScanStarted voids the earlier answer.
    for (let i = 0; i < 3; i++) await sim.writeMovie({ title: `Foreign ${i}`, year: 2000 + i });
    const other = await connect(sim);
    const scanCallsBefore = sim.sim.calls('VideoLibrary.Scan').length;
    await other.scan(sim.moviesRoot);
    await eventually(() => sim.sim.isScanningVideo);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await waitUntilIdle(client, steps, DEFAULT_SCAN_TIMING)).toBe(true);
    expect(sim.sim.isScanningVideo).toBe(false);
    expect(sim.sim.movies()).toHaveLength(3);
    expect(sim.sim.calls('VideoLibrary.Scan')).toHaveLength(scanCallsBefore + 1);
    expect(isScanningCalls(sim)).toBeGreaterThanOrEqual(3);
  });

  it('asks again after a reconnect and once the answer is older than its bound', async () => {
    kodi = await startSimulatedKodi();
    const sim = kodi;
    const client = await connect(sim);
    const { steps } = recorder();
    await waitUntilIdle(client, steps, DEFAULT_SCAN_TIMING);
    const changes: boolean[] = [];
    client.onConnectionChange((up) => changes.push(up));
    sim.sim.faults.dropWebSockets();
    await eventually(() => changes.includes(false) && client.webSocketUp);
    await waitUntilIdle(client, steps, DEFAULT_SCAN_TIMING);
    expect(isScanningCalls(sim)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, KNOWN_IDLE_MS + 50));
    await waitUntilIdle(client, steps, DEFAULT_SCAN_TIMING);
    expect(isScanningCalls(sim)).toBe(3);
  });
});
