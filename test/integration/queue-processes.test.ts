/**
 * The queue across real processes: a worker killed with SIGKILL in the middle of the work, and several
 * workers sharing lanes on PostgreSQL. What is checked, from the workers' own append-only logs:
 *
 * - every job ends `succeeded`, once: its committed result names the run (pid:attempt) whose effect
 *   counts, and exactly one `end` line carries that token;
 * - "exactly once" is exact where it can be: a run cut off by SIGKILL after its side effect but before
 *   the commit runs again (at-least-once execution — handlers are idempotent by design, DESIGN.md §2.2).
 *   So a second run is allowed only for jobs the killed process had started, at most one per lane;
 *   without a kill, every job has exactly one start and one end;
 * - no lane ever ran two jobs at once: per lane, each run starts after the previous one ended (a run the
 *   kill cut off ends at the kill).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobQueue } from '../../src/queue/index.js';
import { createPlayerGroup } from '../../src/store/index.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  useTestDatabase,
  type TestDatabase,
} from '../fixtures/databases.js';

interface Run {
  jobId: number;
  lane: number;
  token: string;
  pid: number;
  start: number;
  end?: number;
}

function startWorker(
  database: TestDatabase,
  options: { concurrency: number; leaseMs?: number },
): Promise<ChildProcess> {
  const args = ['--import', 'tsx', 'test/fixtures/queue-worker.ts', '--data-dir', database.dataDir];
  if (database.databaseUrl) args.push('--database-url', database.databaseUrl);
  args.push('--log-dir', database.dataDir, '--concurrency', String(options.concurrency));
  if (options.leaseMs !== undefined) args.push('--lease-ms', String(options.leaseMs));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`worker exited early with ${String(code)}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
}

function readRuns(dir: string): Run[] {
  const runs = new Map<string, Run>();
  for (const file of readdirSync(dir).filter((name) => name.startsWith('worker-'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const [what, jobId, lane, token, at] = line.split(' ');
      if (!what || !jobId || !lane || !token || !at) continue;
      const run = runs.get(token + '/' + jobId) ?? {
        jobId: Number(jobId),
        lane: Number(lane),
        token,
        pid: Number(token.split(':')[0]),
        start: Number.NaN,
      };
      if (what === 'start') run.start = Number(at);
      else run.end = Number(at);
      runs.set(token + '/' + jobId, run);
    }
  }
  return [...runs.values()];
}

function groupBy<T, K>(values: T[], key: (value: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return groups;
}

/** Lane overlap check: every run of a lane starts at or after the end of the one before it. */
function laneOverlaps(runs: Run[], killed?: { pid: number; at: number }): string[] {
  const problems: string[] = [];
  const byLane = groupBy(runs, (run) => run.lane);
  for (const [lane, laneRuns] of byLane) {
    laneRuns.sort((a, b) => a.start - b.start);
    for (let i = 1; i < laneRuns.length; i++) {
      const prev = laneRuns[i - 1] as Run;
      const prevEnd = prev.end ?? (prev.pid === killed?.pid ? killed.at : Number.POSITIVE_INFINITY);
      const next = laneRuns[i] as Run;
      if (next.start < prevEnd)
        problems.push(`lane ${lane}: job ${next.jobId} started before job ${prev.jobId} ended`);
    }
  }
  return problems;
}

/**
 * Waits until `atLeast` jobs succeeded. A worker process that ends while work is left is a failure at
 * once (a started worker runs until it is told to stop), not a timeout much later.
 */
async function waitForSucceeded(
  queue: JobQueue,
  workers: readonly ChildProcess[],
  total: number,
  timeoutMs: number,
  atLeast = total,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const row = await queue.store.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'succeeded')
      .executeTakeFirstOrThrow();
    if (row.n >= atLeast) return;
    const gone = workers.find((worker) => worker.exitCode !== null || worker.signalCode !== null);
    if (gone) {
      throw new Error(
        `worker ${String(gone.pid)} ended (code ${String(gone.exitCode)}, signal ${String(gone.signalCode)}) with ${row.n} of ${total} jobs succeeded`,
      );
    }
    if (Date.now() > end) throw new Error(`only ${row.n} of ${total} jobs succeeded in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function enqueueWork(queue: JobQueue, laneCount: number, jobs: number): Promise<number[]> {
  const lanes: number[] = [];
  for (let i = 0; i < laneCount; i++) {
    lanes.push((await createPlayerGroup(queue.store.db, { name: `lane ${i}` })).id);
  }
  await queue.enqueueBatch(
    Array.from({ length: jobs }, (_, n) => ({
      lane: lanes[n % laneCount] as number,
      kind: 'work',
      payload: { n },
    })),
  );
  return lanes;
}

async function committedTokens(queue: JobQueue): Promise<Map<number, string>> {
  const rows = await queue.store.db.selectFrom('jobs').select(['id', 'state', 'result']).execute();
  expect(rows.every((row) => row.state === 'succeeded')).toBe(true);
  return new Map(rows.map((row) => [row.id, (JSON.parse(row.result ?? '{}') as { token: string }).token]));
}

describe.each(DATABASE_KINDS)('queue across processes on %s', (kind) => {
  const t = useTestDatabase(kind);
  const kinds = { work: z.object({ n: z.number() }) };

  it('a worker process started while a dead worker still holds the only lane waits, then takes the job over once the lease expires', async () => {
    // A database of its own, so the job count of the kill test below stays exact.
    const database = await createTestDatabase(kind);
    const store = await database.open();
    let worker: ChildProcess | undefined;
    try {
      const queue = new JobQueue(store, { kinds });
      await enqueueWork(queue, 1, 1);
      const orphan = await queue.claim('dead-worker', { leaseMs: 600_000 });
      worker = await startWorker(database, { concurrency: 1 });
      // The dead worker's last heartbeat was a moment ago: its lease runs out in 1 s, well after the new
      // worker's first look found nothing it could claim.
      const expiresAt = Date.now() + 1_000;
      await store.db
        .updateTable('jobs')
        .set({ lease_expires_at: expiresAt })
        .where('id', '=', orphan?.id ?? 0)
        .execute();
      await waitForSucceeded(queue, [worker], 1, 30_000);

      const job = await queue.getJob(orphan?.id ?? 0);
      expect(job).toMatchObject({
        state: 'succeeded',
        attempts: 2,
        result: { token: `${String(worker.pid)}:2` },
      });
      expect(job.startedAt).toBeGreaterThanOrEqual(expiresAt);
      const runs = readRuns(database.dataDir);
      expect(runs.map((run) => run.token)).toEqual([`${String(worker.pid)}:2`]);
    } finally {
      worker?.kill('SIGTERM');
      if (worker) await exited(worker);
      await store.close();
      await database.drop();
    }
  }, 60_000);

  it('fails a poison job that ended its worker process three times, with the crashes recorded, and the lane moves on', async () => {
    const database = await createTestDatabase(kind);
    const store = await database.open();
    let worker: ChildProcess | undefined;
    try {
      const queue = new JobQueue(store, {
        kinds: { work: z.object({ n: z.number(), crash: z.boolean().optional() }) },
      });
      const lane = (await createPlayerGroup(store.db, { name: 'poisoned lane' })).id;
      const [poison, after] = (
        await queue.enqueueBatch([
          { lane, kind: 'work', payload: { n: 1, crash: true }, priority: 10 },
          { lane, kind: 'work', payload: { n: 2 } },
        ])
      ).jobs;
      let starts = 0;
      const end = Date.now() + 60_000;
      for (;;) {
        const job = await queue.getJob(poison?.id ?? 0);
        if (job.state === 'failed') break;
        if (Date.now() > end) throw new Error(`poison job still ${job.state} after ${starts} worker starts`);
        if (!worker || worker.exitCode !== null || worker.signalCode !== null) {
          worker = await startWorker(database, { concurrency: 1, leaseMs: 1_000 });
          starts += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const failed = await queue.getJob(poison?.id ?? 0);
      expect(failed).toMatchObject({ state: 'failed', crashes: 3, errorClass: 'permanent' });
      expect(failed.lastError).toMatch(/stopped without finishing it 3 times/);
      expect(failed.steps.filter((step) => step.call === 'worker lost')).toHaveLength(3);
      // Three processes died running it; the fourth reaped it as failed instead of running it again.
      expect(starts).toBe(4);
      if (!worker || worker.exitCode !== null || worker.signalCode !== null)
        worker = await startWorker(database, { concurrency: 1, leaseMs: 1_000 });
      await waitForSucceeded(queue, [worker], 1, 30_000);
      expect((await queue.getJob(after?.id ?? 0)).state).toBe('succeeded');
    } finally {
      worker?.kill('SIGTERM');
      if (worker) await exited(worker);
      await store.close();
      await database.drop();
    }
  }, 90_000);

  it('loses nothing and repeats nothing committed when a worker is killed with SIGKILL mid-run (1,000 jobs, 4 lanes)', async () => {
    const queue = new JobQueue(t.store, { kinds });
    await enqueueWork(queue, 4, 1_000);

    const first = await startWorker(t.database, { concurrency: 4 });
    await waitForSucceeded(queue, [first], 1_000, 60_000, 300);
    first.kill('SIGKILL');
    await exited(first);
    const killed = { pid: first.pid ?? 0, at: Date.now() };

    const second = await startWorker(t.database, { concurrency: 4 });
    await waitForSucceeded(queue, [second], 1_000, 90_000);
    second.kill('SIGTERM');
    await exited(second);

    const tokens = await committedTokens(queue);
    expect(tokens.size).toBe(1_000);
    const runs = readRuns(t.database.dataDir);
    for (const [jobId, token] of tokens) {
      const ends = runs.filter((run) => run.jobId === jobId && run.end !== undefined);
      expect(ends.filter((run) => run.token === token)).toHaveLength(1);
      if (ends.length > 1 || runs.filter((run) => run.jobId === jobId).length > 1) {
        // Ran twice: only possible for a job the killed worker had in hand.
        expect(runs.some((run) => run.jobId === jobId && run.pid === killed.pid)).toBe(true);
      }
    }
    const rerun = new Set(
      runs.filter((run) => run.pid === killed.pid && tokens.get(run.jobId) !== run.token).map((r) => r.jobId),
    );
    expect(rerun.size).toBeLessThanOrEqual(4);
    expect(runs.filter((run) => run.pid === killed.pid).length).toBeGreaterThanOrEqual(300);
    expect(laneOverlaps(runs, killed)).toEqual([]);
  }, 180_000);

  it.runIf(kind === 'postgres')(
    'three worker processes share 2,000 jobs over 8 lanes: each runs exactly once, no lane ever runs two at once',
    async () => {
      // A database of its own, so the logs and jobs of the kill test above do not mix in.
      const database = await createTestDatabase('postgres');
      const store = await database.open();
      try {
        const queue = new JobQueue(store, { kinds });
        await enqueueWork(queue, 8, 2_000);
        const workers = await Promise.all([1, 2, 3].map(() => startWorker(database, { concurrency: 8 })));
        await waitForSucceeded(queue, workers, 2_000, 120_000);
        for (const worker of workers) worker.kill('SIGTERM');
        await Promise.all(workers.map(exited));

        const tokens = await committedTokens(queue);
        expect(tokens.size).toBe(2_000);
        const runs = readRuns(database.dataDir);
        expect(runs).toHaveLength(2_000);
        expect(new Set(runs.map((run) => run.jobId)).size).toBe(2_000);
        for (const run of runs) {
          expect(run.end).toBeTypeOf('number');
          expect(tokens.get(run.jobId)).toBe(run.token);
        }
        expect(groupBy(runs, (run) => run.pid).size).toBe(3);
        expect(laneOverlaps(runs)).toEqual([]);
      } finally {
        await store.close();
        await database.drop();
      }
    },
    180_000,
  );
});
