import { startSimulatedKodi } from '../fixtures/sim-kodi.js';
import { defineLibraryScenarios } from './library-scenarios.js';

defineLibraryScenarios({
  label: 'simulator',
  timeoutMs: 15_000,
  async start(options) {
    const kodi = await startSimulatedKodi(options?.name ? { name: options.name } : {});
    return {
      ...kodi,
      goOffline: () => kodi.sim.faults.goOffline(),
      goOnline: () => kodi.sim.faults.goOnline(),
    };
  },
});
