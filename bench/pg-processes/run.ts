/**
 * `npx tsx bench/pg-processes/run.ts [jobs] [work-ms,…]`: queue throughput on PostgreSQL with 1 and with 3 worker
 * processes (test/fixtures/queue-worker.ts, each 8 at a time, under tsx), 500 lanes (as for 500 Kodis), every job
 * `work-ms` long (a stand-in for Kodi's answer; default 20 and 100 ms — a real Kodi job takes 100–350 ms). From the workers' own logs: jobs/s, lane overlaps (must be 0),
 * the claim's duration (one statement filling every free slot of a worker) and the lane hand-off gap (one job's
 * end → the next job's start on the same lane). Jobs are served oldest first across lanes, so with 500 lanes a
 * lane's next job waits for the other lanes' older jobs: the gap is about 500 ÷ throughput, not claim latency.
 * Writes bench/results/pg-processes.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { JobQueue } from '../../src/queue/index.js';
import { createPlayerGroup } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../test/fixtures/databases.js';
import { percentile } from '../result.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JOBS = Number(process.argv[2] ?? 3_000);
const WORK_MS = (process.argv[3] ?? '20,100').split(',').map(Number);
const LANES = 500;
const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

function startWorker(database: TestDatabase, workMs: number): Promise<ChildProcess> {
  const args = ['--import', 'tsx', 'test/fixtures/queue-worker.ts', '--data-dir', database.dataDir];
  args.push('--database-url', database.databaseUrl ?? '', '--log-dir', database.dataDir);
  args.push('--concurrency', '8', '--work-ms', String(workMs), '--poll-ms', '100', '--time-claims');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

interface Run {
  lane: number;
  start: number;
  end: number;
}

function readRuns(dir: string): Run[] {
  const open = new Map<string, { lane: number; start: number }>();
  const runs: Run[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith('worker-'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const [what, jobId, lane, token, at] = line.split(' ');
      if (!what || !jobId || !lane || !token || !at) continue;
      const key = `${jobId} ${token}`;
      if (what === 'start') open.set(key, { lane: Number(lane), start: Number(at) });
      const started = open.get(key);
      if (what === 'end' && started) runs.push({ ...started, end: Number(at) });
    }
  }
  return runs;
}

/** Every claim's duration and how many jobs it took, from the workers' claim logs. */
function readClaims(dir: string): { ms: number; jobs: number }[] {
  const claims: { ms: number; jobs: number }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith('claims-'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const [ms, jobs] = line.split(' ');
      if (ms && jobs) claims.push({ ms: Number(ms), jobs: Number(jobs) });
    }
  }
  return claims;
}

async function measure(processes: number, workMs: number): Promise<Record<string, number>> {
  const database = await createTestDatabase('postgres');
  const store = await database.open();
  const queue = new JobQueue(store, { kinds: { work: z.object({ n: z.number() }) } });
  const workers: ChildProcess[] = [];
  try {
    const lanes: number[] = [];
    for (let i = 0; i < LANES; i++) lanes.push((await createPlayerGroup(store.db, { name: `kodi ${i}` })).id);
    for (let i = 0; i < processes; i++) workers.push(await startWorker(database, workMs));
    const started = Date.now();
    await queue.enqueueBatch(
      Array.from({ length: JOBS }, (_, n) => ({ lane: lanes[n % LANES] ?? 0, kind: 'work', payload: { n } })),
    );
    for (;;) {
      const row = await store.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '=', 'succeeded')
        .executeTakeFirstOrThrow();
      if (row.n >= JOBS) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wallMs = Date.now() - started;
    const runs = readRuns(database.dataDir);
    let overlaps = 0;
    const gaps: number[] = [];
    const byLane = new Map<number, Run[]>();
    for (const run of runs) byLane.set(run.lane, [...(byLane.get(run.lane) ?? []), run]);
    for (const laneRuns of byLane.values()) {
      laneRuns.sort((a, b) => a.start - b.start);
      for (let i = 1; i < laneRuns.length; i++) {
        const prev = laneRuns[i - 1] as Run;
        const next = laneRuns[i] as Run;
        if (next.start < prev.end) overlaps++;
        else gaps.push(next.start - prev.end);
      }
    }
    const claims = readClaims(database.dataDir);
    const taking = claims.filter((c) => c.jobs > 0);
    return {
      processes,
      jobs: JOBS,
      wallMs,
      jobsPerS: Math.round((JOBS / wallMs) * 1000),
      laneOverlaps: overlaps,
      claims: claims.length,
      claimP50Ms: percentile(
        claims.map((c) => c.ms),
        50,
      ),
      claimP99Ms: percentile(
        claims.map((c) => c.ms),
        99,
      ),
      claimTakingJobsP99Ms: percentile(
        taking.map((c) => c.ms),
        99,
      ),
      jobsPerTakingClaim: Math.round((JOBS / Math.max(1, taking.length)) * 100) / 100,
      laneHandOffGapP50Ms: percentile(gaps, 50),
      laneHandOffGapP99Ms: percentile(gaps, 99),
    };
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
    await queue.close();
    await store.close();
    await database.drop();
  }
}

const runs: Record<string, unknown>[] = [];
for (const workMs of WORK_MS) {
  const loadStart = load();
  const one = await measure(1, workMs);
  console.log(one);
  const three = await measure(3, workMs);
  console.log(three);
  runs.push({
    workMs,
    loadStart,
    loadEnd: load(),
    oneProcess: one,
    threeProcesses: three,
    speedup: Math.round(((three.jobsPerS ?? 0) / (one.jobsPerS ?? 1)) * 100) / 100,
    ceilingJobsPerS: { oneProcess: (8 * 1000) / workMs, threeProcesses: (3 * 8 * 1000) / workMs },
  });
}
await writeFile(
  join(ROOT, 'bench/results/pg-processes.json'),
  JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      goal: '1 → 3 processes ≥ 2.5 × the throughput, claim p99 < 20 ms, 0 lane overlaps',
      setup: `PostgreSQL, ${String(LANES)} lanes, ${String(JOBS)} jobs of work-ms each, workers test/fixtures/queue-worker.ts (concurrency 8, under tsx)`,
      machine: `${String(cpus().length)} cores shared with other engineers' tests and benches: figures vary with the load`,
      runs,
    },
    null,
    2,
  ) + '\n',
);
