/** The Kodi simulator's public surface. */
export { KodiSimulator, type KodiSimulatorOptions } from './simulator.js';
export type { SimFaults } from './faults.js';
export { SCAN_START_DELAY_MS } from './scanner.js';
export type { CallRecord, Transport } from './dispatch.js';
export type { SimEpisode, SimMovie, SimTVShow } from './library.js';
export type { SimSettings, SimToast } from './context.js';
export {
  writeDemoLibrary,
  writeDemoMovie,
  type DemoEpisode,
  type DemoLibrary,
  type DemoMovie,
} from './demo-library.js';
