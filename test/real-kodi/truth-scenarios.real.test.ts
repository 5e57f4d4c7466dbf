/** Truth under pressure (issue 14) against real headless Kodi 20.1: the same scenarios as the simulator run. */
import { realKodiAvailable } from '../fixtures/real-kodi.js';
import { defineTruthScenarios } from '../integration/truth-scenarios.js';
import { sharedScenarioKodi } from './shared-scenario-kodi.js';

if (realKodiAvailable()) {
  defineTruthScenarios({ label: 'real Kodi', timeoutMs: 60_000, start: sharedScenarioKodi() });
}
