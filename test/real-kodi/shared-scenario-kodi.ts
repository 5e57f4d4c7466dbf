/**
 * One real Kodi shared by every scenario of a file: each scenario's teardown empties it again (library and media
 * roots) instead of stopping it, which saves a Kodi start and stop per scenario. A failed reset stops it, so the
 * next scenario starts a fresh one.
 */
import { afterAll } from 'vitest';
import { startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';
import type { ScenarioKodi } from '../integration/sync-scenarios.js';

export function sharedScenarioKodi(): () => Promise<ScenarioKodi> {
  let shared: RealKodi | undefined;
  afterAll(async () => {
    await shared?.stop();
  });
  return async () => {
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
  };
}
