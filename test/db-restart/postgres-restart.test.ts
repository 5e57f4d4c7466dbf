/**
 * The queue through a real PostgreSQL restart (`pg_ctlcluster … restart` of the machine's server): jobs that
 * were loading or saving while the server went away are retried — a restart is weather, not a verdict — and
 * the worker goes on claiming afterwards. This project runs after the `fast` one (vitest.config.ts,
 * groupOrder), one file at a time: the restart cuts every connection to the shared server for a moment.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobQueue, Worker, type Job } from '../../src/queue/index.js';
import { createPlayerGroup } from '../../src/store/index.js';
import { ensurePostgres, useTestDatabase } from '../fixtures/databases.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function restartPostgres(): Promise<void> {
  const version = readdirSync('/etc/postgresql')[0] ?? '';
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
  await ensurePostgres();
}

describe('the queue while PostgreSQL restarts', () => {
  const t = useTestDatabase('postgres');

  it('retries the jobs that were running when PostgreSQL restarted, fails none, and keeps working after', async () => {
    const queue = new JobQueue(t.store, {
      kinds: { work: z.object({ n: z.number() }) },
      backoff: { baseMs: 200, factor: 2, maxDelayMs: 1_000, jitter: 0 },
    });
    await queue.start();
    const lanes: number[] = [];
    for (let i = 0; i < 4; i++) lanes.push((await createPlayerGroup(t.store.db, { name: `lane ${i}` })).id);
    // Each run reads its job row four times, 100 ms apart: a restart lands in the middle of running jobs.
    const worker = new Worker(
      queue,
      async (job) => {
        for (let i = 0; i < 4; i++) {
          await t.store.db.selectFrom('jobs').select('id').where('id', '=', job.id).executeTakeFirstOrThrow();
          await sleep(100);
        }
        return { done: job.id };
      },
      { concurrency: 4, pollMs: 100, leaseMs: 20_000 },
    );
    const all = async (batchId: number): Promise<Job[]> => queue.listJobs({ batchId, limit: 1_000 });
    const settled = async (batchId: number, timeoutMs: number): Promise<Job[]> => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const jobs = await all(batchId);
        if (jobs.every((j) => j.state === 'succeeded' || j.state === 'failed')) return jobs;
        if (Date.now() > until) throw new Error(`not settled: ${jobs.map((j) => j.state).join(',')}`);
        await sleep(200);
      }
    };
    try {
      const before = await queue.enqueueBatch(
        Array.from({ length: 40 }, (_, n) => ({ lane: lanes[n % 4] ?? 0, kind: 'work', payload: { n } })),
      );
      worker.start();
      for (;;) {
        const jobs = await all(before.batchId);
        if (
          jobs.filter((j) => j.state === 'succeeded').length >= 4 &&
          jobs.some((j) => j.state === 'running')
        )
          break;
        await sleep(50);
      }
      await restartPostgres();

      const jobs = await settled(before.batchId, 60_000);
      expect(jobs.filter((j) => j.state === 'failed').map((j) => j.lastError)).toEqual([]);
      // The restart did reach running jobs: they were tried again, not failed.
      const retried = jobs.filter((j) => j.attempts > 1);
      expect(retried.length).toBeGreaterThan(0);
      expect(retried.some((j) => /database unavailable/.test(j.lastError ?? ''))).toBe(true);

      const after = await queue.enqueueBatch(
        lanes.map((lane, n) => ({ lane, kind: 'work', payload: { n } })),
      );
      const later = await settled(after.batchId, 30_000);
      expect(later.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    } finally {
      await worker.stop();
      await queue.close();
    }
  }, 120_000);
});
