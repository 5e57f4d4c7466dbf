/**
 * What an operator reads about a running service: a job's evidence never claims more time in Kodi than the job
 * took, and closing the Kodi connections on stop is logged as the ordinary event it is (info, not a warning).
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-assignment -- tests read JSON answers loosely */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startTestService, type TestService } from './api-harness.js';
import { configureKodi, MANAGER_ROOT } from './service-e2e-flow.js';

let t: TestService;
let kodi: SimulatedKodi;

beforeAll(async () => {
  kodi = await startSimulatedKodi();
  t = await startTestService();
  await configureKodi(t, kodi, []);
});
afterAll(async () => {
  await t.stop();
  await kodi.stop();
});

interface LogLine {
  level: number;
  msg: string;
  code?: number;
}

describe('a running service, as its operator sees it', () => {
  it("keeps each job's time in Kodi within the job's total time", async () => {
    const items = [];
    for (const [title, year] of [
      ['Heat', 1995],
      ['Ronin', 1998],
      ['Collateral', 2004],
    ] as const) {
      const written = await kodi.writeMovie({ title, year });
      items.push({ kind: 'movie', path: `${MANAGER_ROOT}/${written.file.slice(kodi.moviesRoot.length)}` });
    }
    const answer = await t.call('POST', '/api/v1/items/publish', { items });
    expect(answer.status, answer.text).toBe(202);
    const jobIds = answer.body.jobIds as number[];
    await expect
      .poll(
        async () => (await t.call('GET', `/api/v1/batches/${String(answer.body.batchId)}`)).body.succeeded,
        {
          timeout: 30_000,
        },
      )
      .toBe(jobIds.length);
    for (const id of jobIds) {
      const job = (await t.call('GET', `/api/v1/jobs/${String(id)}`)).body;
      const timings = job.result.timings as { kodiMs: number; totalMs: number };
      expect(timings.kodiMs).toBeGreaterThan(0);
      expect(timings.kodiMs).toBeLessThanOrEqual(timings.totalMs);
    }
  });

  it('logs the WebSocket closes of a stop at info', async () => {
    await t.service.stop();
    const lines = readFileSync(t.service.logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine);
    const closes = lines.filter((l) => /^WebSocket (closed|connection lost|disconnected)/.test(l.msg));
    expect(closes.length).toBeGreaterThan(0);
    expect(closes.every((l) => l.level === 30 && l.msg === 'WebSocket closed')).toBe(true);
  });
});
