/** The Kodi client contract against the simulator (same scenarios and assertions as against real Kodi). */
import { describeKodiContract } from '../fixtures/kodi-contract.js';
import { startSimulatedKodi } from '../fixtures/sim-kodi.js';

describeKodiContract('simulator', () =>
  startSimulatedKodi({ username: 'kodi', password: 'contract-secret' }),
);
