import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { assertNoScanWhileScanning } from './sync-rig.js';
import { defineSyncScenarios, type ScenarioKodi } from './sync-scenarios.js';

type SimScenarioKodi = ScenarioKodi & { sim: SimulatedKodi['sim'] };

defineSyncScenarios({
  label: 'simulator',
  timeoutMs: 15_000,
  async start(options) {
    const kodi = await startSimulatedKodi(options?.name ? { name: options.name } : {});
    const scenarioKodi: SimScenarioKodi = {
      ...kodi,
      goOffline: () => kodi.sim.faults.goOffline(),
      goOnline: () => kodi.sim.faults.goOnline(),
    };
    return scenarioKodi;
  },
  // Slow scans, and every WebSocket dropped (and refused) as soon as the Scan arrives.
  breakWebSocketDuringScan(kodi) {
    const { sim } = kodi as SimScenarioKodi;
    sim.settings.scanMsPerItem = 400;
    const state = { stop: false };
    const watch = (async () => {
      while (!state.stop && sim.calls('VideoLibrary.Scan').length === 0)
        await new Promise((r) => setTimeout(r, 2));
      if (state.stop) return;
      await sim.faults.refuseWebSocket(true);
      sim.faults.dropWebSockets();
    })();
    return Promise.resolve(async () => {
      state.stop = true;
      await watch;
      await sim.faults.refuseWebSocket(false);
    });
  },
  afterBulk(kodi) {
    assertNoScanWhileScanning(kodi as SimScenarioKodi);
  },
});
