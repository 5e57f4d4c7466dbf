/**
 * Queue benchmarks on SQLite (the default store): enqueue throughput, claim → handler start latency with
 * an idle worker, claim cost with 10,000 jobs waiting, and the process RSS with 10,000 queued jobs.
 * PostgreSQL enqueue throughput is printed for comparison when the local server answers.
 * Run directly: `npx tsx bench/queue.bench.ts`. Writes bench/results/queue.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { JobQueue } from '../src/queue/queue.js';
import { Worker } from '../src/queue/worker.js';
import { createPlayerGroup } from '../src/store/groups.js';
import { openStore, type Store } from '../src/store/open.js';
import { percentile, type BenchResult } from './result.js';

const kinds = {
  work: {
    safeParse: (value: unknown) => ({ success: true as const, data: value }),
  },
};
const round = (n: number) => Math.round(n * 100) / 100;

async function withSqlite<T>(body: (store: Store) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ks-bench-queue-'));
  const store = await openStore({ dataDir: dir });
  try {
    return await body(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function lanes(store: Store, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await createPlayerGroup(store.db, { name: `bench ${i}` })).id);
  return ids;
}

async function enqueueThroughput(store: Store, jobs: number): Promise<{ single: number; batch: number }> {
  const queue = new JobQueue(store, { kinds });
  const laneIds = await lanes(store, 4);
  // Warm up the JIT, Kysely's query compiler and SQLite's page cache before timing.
  for (let n = 0; n < 300; n++)
    await queue.enqueue({ lane: laneIds[n % 4] ?? 0, kind: 'work', payload: { n } });
  let start = performance.now();
  for (let n = 0; n < jobs; n++) {
    await queue.enqueue({ lane: laneIds[n % 4] ?? 0, kind: 'work', payload: { n } });
  }
  const single = jobs / ((performance.now() - start) / 1000);
  start = performance.now();
  await queue.enqueueBatch(
    Array.from({ length: jobs * 5 }, (_, n) => ({ lane: laneIds[n % 4] ?? 0, kind: 'work', payload: { n } })),
  );
  const batch = (jobs * 5) / ((performance.now() - start) / 1000);
  return { single, batch };
}

async function sqliteEnqueue(): Promise<BenchResult> {
  const { single, batch } = await withSqlite((store) => enqueueThroughput(store, 3_000));
  return {
    name: 'enqueue throughput (SQLite)',
    goal: '> 2,000 jobs/s, one enqueue() per job (each its own transaction)',
    figures: {
      singleJobsPerS: Math.round(single),
      batchJobsPerS: Math.round(batch),
      // Two cores shared with other work: the 1-minute load average while measuring, for context.
      loadAverage: round(loadavg()[0] ?? 0),
    },
    unit: 'jobs/s',
    met: single > 2_000,
  };
}

async function postgresEnqueue(): Promise<BenchResult | undefined> {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const name = `ks_bench_${String(process.pid)}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const store = await openStore({
      dataDir: tmpdir(),
      databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`,
    });
    try {
      const { single, batch } = await enqueueThroughput(store, 1_000);
      return {
        name: 'enqueue throughput (PostgreSQL, for comparison)',
        goal: 'none (SQLite is the default)',
        figures: { singleJobsPerS: Math.round(single), batchJobsPerS: Math.round(batch) },
        unit: 'jobs/s',
      };
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** An idle worker: time from the start of enqueue() to the handler being called (claim included). */
async function claimToStart(): Promise<BenchResult> {
  return withSqlite(async (store) => {
    const queue = new JobQueue(store, { kinds });
    const [lane] = await lanes(store, 1);
    const samples: number[] = [];
    let started: ((at: number) => void) | undefined;
    const worker = new Worker(
      queue,
      () => {
        started?.(performance.now());
        return Promise.resolve(null);
      },
      { pollMs: 60_000, concurrency: 1 },
    );
    worker.start();
    for (let i = 0; i < 600; i++) {
      const begin = performance.now();
      const at = new Promise<number>((resolve) => (started = resolve));
      await queue.enqueue({ lane: lane ?? 0, kind: 'work', payload: { i } });
      const latency = (await at) - begin;
      if (i >= 100) samples.push(latency); // the first runs warm up the JIT and SQLite's cache
      await new Promise((resolve) => setImmediate(resolve));
    }
    await worker.stop();
    return {
      name: 'claim → handler start, idle worker (SQLite)',
      goal: 'p50 and p99 < 5 ms (measured from the start of enqueue(), so an upper bound)',
      figures: { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) },
      unit: 'ms',
      met: percentile(samples, 99) < 5,
    };
  });
}

/** 10,000 jobs waiting over 8 lanes: the cost of one claim. */
async function claimWithTenThousandWaiting(): Promise<BenchResult> {
  return withSqlite(async (store) => {
    const queue = new JobQueue(store, { kinds });
    const laneIds = await lanes(store, 8);
    await queue.enqueueBatch(
      Array.from({ length: 10_000 }, (_, n) => ({
        lane: laneIds[n % 8] ?? 0,
        kind: 'work',
        payload: { n, path: `/data/movies/Movie ${n} (2000)/Movie ${n}.mkv` },
        priority: n % 3,
      })),
    );
    const samples: number[] = [];
    for (let i = 0; i < 500; i++) {
      const begin = performance.now();
      const job = await queue.claim('bench', { leaseMs: 60_000 });
      if (i >= 100) samples.push(performance.now() - begin);
      if (job) await queue.succeed(job.id, 'bench', null);
    }
    return {
      name: 'claim with 10,000 jobs waiting over 8 lanes (SQLite)',
      goal: 'p50 and p99 < 5 ms',
      figures: { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) },
      unit: 'ms',
      met: percentile(samples, 99) < 5,
    };
  });
}

/**
 * Runs in a child process of its own (so the other benchmarks' garbage does not count): store open,
 * 10,000 jobs queued over 8 lanes, a Worker running 8 lanes through 400 of them, then RSS after a GC.
 */
async function rssChild(): Promise<void> {
  await withSqlite(async (store) => {
    const queue = new JobQueue(store, { kinds });
    const laneIds = await lanes(store, 8);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    for (let chunk = 0; chunk < 20; chunk++) {
      await queue.enqueueBatch(
        Array.from({ length: 500 }, (_, i) => {
          const n = chunk * 500 + i;
          return {
            lane: laneIds[n % 8] ?? 0,
            kind: 'work',
            payload: { n, path: `/data/movies/M ${n}/M ${n}.mkv` },
          };
        }),
      );
    }
    let done = 0;
    const worker = new Worker(
      queue,
      async () => {
        done++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        return null;
      },
      { concurrency: 8, pollMs: 1_000 },
    );
    worker.start();
    while (done < 400) await new Promise((resolve) => setTimeout(resolve, 20));
    await worker.stop();
    global.gc?.();
    const usage = process.memoryUsage();
    process.stdout.write(JSON.stringify({ rss: usage.rss, baseline, heapUsed: usage.heapUsed }) + '\n');
  });
}

/** Most of the RSS is V8's committed young generation, not jobs: measured with Node's default and with a small one. */
function rssWithTenThousandQueued(): BenchResult {
  const measure = (flags: string[]) => {
    const output = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        ...flags,
        '--import',
        'tsx',
        join(import.meta.dirname, 'queue.bench.ts'),
        '--rss-child',
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
      rss: number;
      baseline: number;
      heapUsed: number;
    };
  };
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  const plain = measure([]);
  const small = measure(['--max-semi-space-size=2']);
  return {
    name: 'RSS with 10,000 queued jobs and a worker running (SQLite, under tsx)',
    goal: '< 120 MB (with Node defaults)',
    figures: {
      rssMb: mb(plain.rss),
      rssBeforeJobsMb: mb(plain.baseline),
      heapUsedMb: mb(plain.heapUsed),
      rssSemiSpace2Mb: mb(small.rss),
    },
    unit: 'MB',
    met: plain.rss < 120 * 1024 * 1024,
  };
}

export async function run(): Promise<BenchResult[]> {
  const loadStart = loadavg().map(round);
  const results: BenchResult[] = [];
  results.push(await sqliteEnqueue());
  const postgres = await postgresEnqueue();
  if (postgres) results.push(postgres);
  results.push(await claimToStart());
  results.push(await claimWithTenThousandWaiting());
  results.push(rssWithTenThousandQueued());
  await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
  await writeFile(
    join(import.meta.dirname, 'results', 'queue.json'),
    JSON.stringify(
      { measuredAt: new Date().toISOString(), loadStart, loadEnd: loadavg().map(round), results },
      null,
      2,
    ) + '\n',
  );
  return results;
}

if (process.argv.includes('--rss-child')) {
  await rssChild();
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const result of await run()) {
    const verdict = result.met === undefined ? '' : result.met ? ' [goal met]' : ' [goal MISSED]';
    console.log(
      `${result.name}: ${JSON.stringify(result.figures)} ${result.unit} (goal: ${result.goal})${verdict}`,
    );
  }
}
