/** The Kodi client contract against a real headless Kodi 20.1 (with webserver authentication on). */
import { describe, it } from 'vitest';
import { describeKodiContract } from '../fixtures/kodi-contract.js';
import { realKodiAvailable, startRealKodi } from '../fixtures/real-kodi.js';

if (realKodiAvailable()) {
  describeKodiContract('real Kodi', () => startRealKodi({ user: 'kodi', password: 'contract-secret' }));
} else {
  describe('Kodi client contract (real Kodi)', () => {
    it.skip('needs kodi.bin and Xvfb on this machine', () => undefined);
  });
}
