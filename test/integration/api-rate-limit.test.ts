// Routes that connect to a Kodi on request are rate-limited per client, with an answer that says why and when.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- tests read JSON answers loosely */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from './api-harness.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ workers: 0 });
});
afterAll(async () => {
  await t.stop();
});

it('answers 429 with a reason and Retry-After after 20 player tests a minute, and other routes still answer', async () => {
  const group = await t.call('POST', '/api/v1/groups', { name: 'Hammered' });
  const player = await t.call('POST', '/api/v1/players', {
    groupId: group.body.id,
    name: 'Nobody home',
    host: '127.0.0.1',
    httpPort: 9,
    wsPort: null,
  });
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++)
    statuses.push((await t.call('POST', `/api/v1/players/${player.body.id}/test`)).status);
  expect(statuses.every((s) => s === 200)).toBe(true);
  const limited = await t.call('POST', `/api/v1/players/${player.body.id}/test`);
  expect(limited.status).toBe(429);
  expect(limited.body).toMatchObject({ error: 'TooManyRequests' });
  expect(limited.body.message).toMatch(/Too many tests .*20 a minute.*Try again in \d+ s/);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((await t.call('GET', `/api/v1/players/${player.body.id}`)).status).toBe(200);
});
