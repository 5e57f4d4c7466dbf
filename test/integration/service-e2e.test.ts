// End to end on the simulator: configure a Kodi through the API, publish by Radarr webhook, see it verified in Kodi.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- tests read JSON answers loosely */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startTestService, type TestService } from './api-harness.js';
import { configureKodi, expectNoSecrets, publishByWebhook } from './service-e2e-flow.js';

const PASSWORD = 'kodi-secret-Pa55word';
let t: TestService;
let kodi: SimulatedKodi;

beforeAll(async () => {
  kodi = await startSimulatedKodi({ username: 'kodi', password: PASSWORD });
  t = await startTestService();
});
afterAll(async () => {
  await t.stop();
  await kodi.stop();
});

it('publishes a movie sent by Radarr and verifies it in Kodi, streaming job events, with no secret anywhere', async () => {
  const answers: string[] = [];
  const events: string[] = [];
  const stream = await fetch(`${t.url}/api/v1/events?apikey=${t.apiKey}`);
  expect(stream.headers.get('content-type')).toContain('text/event-stream');
  const reader = stream.body?.getReader();
  const reading = (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return;
      events.push(decoder.decode(chunk.value));
    }
  })().catch(() => undefined);

  const groupId = await configureKodi(t, kodi, answers);
  const { job, written, answeredMs } = await publishByWebhook(t, kodi, answers);
  expect(job.state, JSON.stringify(job)).toBe('succeeded');
  expect(job.lane).toBe(groupId);
  expect(answeredMs).toBeLessThan(1000);
  expect(kodi.sim.movies().map((m) => m.file)).toContain(written.file);
  expect(job.result.outcome).toBe('published');
  expect(job.steps.length).toBeGreaterThan(0);

  const state = await t.call('GET', '/api/v1/players/state');
  answers.push(state.text);
  expect(state.body[0]).toMatchObject({ connected: true, webSocket: true, playing: false });
  const metrics = await t.call('GET', '/metrics');
  expect(metrics.text).toContain('kodi_sync_jobs{state="succeeded"} 1');
  expect(metrics.text).toMatch(/kodi_sync_webhook_receipts_total\{source="radarr",outcome="queued"\} 1/);
  for (const path of [
    '/api/v1/players',
    `/api/v1/players/1`,
    '/api/v1/jobs',
    '/api/v1/activity',
    '/api/v1/status',
  ]) {
    answers.push((await t.call('GET', path)).text);
  }

  await reader?.cancel();
  await reading;
  const sse = events.join('');
  expect(sse).toContain('event: job');
  expect(sse).toContain('"reason":"succeeded"');
  answers.push(sse);
  expectNoSecrets(t, answers, [PASSWORD, t.apiKey]);
});
