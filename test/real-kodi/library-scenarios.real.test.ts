/** Library-wide operations (issue 15) against real headless Kodi 20.1: the same scenarios as the simulator run. */
import { afterAll } from 'vitest';
import { realKodiAvailable, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';
import { defineLibraryScenarios } from '../integration/library-scenarios.js';

if (realKodiAvailable()) {
  // One Kodi for every scenario: each teardown empties it (library and media roots); a failed reset stops it.
  let shared: RealKodi | undefined;
  afterAll(async () => {
    await shared?.stop();
  });

  defineLibraryScenarios({
    label: 'real Kodi',
    timeoutMs: 60_000,
    async start() {
      shared ??= await startRealKodi();
      const kodi = shared;
      return {
        ...kodi,
        stop: async () => {
          try {
            await kodi.reset();
          } catch (error) {
            shared = undefined;
            await kodi.stop();
            throw error;
          }
        },
        goOffline: () => kodi.kill(),
        goOnline: () => kodi.restart(),
      };
    },
  });
}
