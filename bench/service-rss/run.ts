/**
 * `npx tsx bench/service-rss/run.ts [jobs]` (after `npm run build`): the resident memory of the COMPILED service
 * (`node dist/cli/main.js serve`, plain node, no tsx) with 10,000 queued jobs, and while and after 10,000 jobs are
 * processed — started with Node's defaults and as documented (NODE_OPTIONS="--max-semi-space-size=1
 * --max-old-space-size=1024", as in docs/kodi-sync.service and `npm start`; docs/configuration.md says why).
 * Jobs go in through the real API (POST /api/v1/items/publish, 500 items a request).
 * - queued: the group's only player points at a closed port, so every job waits in the queue (backoff);
 * - processed: the player is a simulator (in this parent process, so it does not count), every job succeeds.
 *   The movies sit 100 to a parent folder (root/Set NNN/M n (2000)/), as a library grouped by letter or collection
 *   would: each job lists its movie's parent (100 entries), not a 10,000-entry root, so 10,000 jobs take minutes.
 * RSS is read from /proc/<pid>/status (VmRSS) of the service process. Writes bench/results/service-rss.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMovieFolder } from '../../test/fixtures/media.js';
import { startSimulatedKodi } from '../../test/fixtures/sim-kodi.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');
const RESULTS = join(ROOT, 'bench/results/service-rss.json');
const JOBS = Number(process.argv[2] ?? 10_000);
const API_KEY = 'bench0123456789abcdef0123456789ab';
const PER_PARENT = 100;
/** How the service is started: NODE_OPTIONS as the systemd unit sets it (docs/kodi-sync.service). */
const STARTS = [
  { label: 'Node defaults', nodeOptions: '' },
  { label: 'documented start', nodeOptions: '--max-semi-space-size=1 --max-old-space-size=1024' },
];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

interface Service {
  child: ChildProcess;
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

async function startService(nodeOptions: string): Promise<Service> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rss-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      ...process.env,
      KODI_SYNC_DATA_DIR: dataDir,
      KODI_SYNC_PORT: String(port),
      KODI_SYNC_BIND_ADDRESS: '127.0.0.1',
      KODI_SYNC_API_KEY: API_KEY,
      KODI_SYNC_LOG_LEVEL: 'warn',
      KODI_SYNC_DEMO: 'off',
      NODE_OPTIONS: nodeOptions,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${String(port)}`;
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(base + path, {
      method,
      headers: { 'X-Api-Key': API_KEY, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${String(response.status)} ${await response.text()}`);
    return (await response.json()) as T;
  };
  for (let i = 0; ; i += 1) {
    if (
      await fetch(`${base}/ping`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error('service did not answer /ping in 30 s');
    await sleep(100);
  }
  return {
    child,
    api,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

interface Progress {
  total: number;
  succeeded: number;
  failed: number;
}

/** Library, group and one player; then JOBS publishes in requests of 500. Returns the batch ids. */
async function publishAll(
  service: Service,
  moviesRoot: string,
  player: { host: string; httpPort: number; wsPort: number | null },
  files: string[],
): Promise<number[]> {
  const library = await service.api<{ id: number }>('POST', '/api/v1/libraries', {
    name: 'Movies',
    kind: 'movies',
    rootPath: moviesRoot,
  });
  const group = await service.api<{ id: number }>('POST', '/api/v1/groups', {
    name: 'Bench',
    libraryIds: [library.id],
  });
  await service.api('POST', '/api/v1/players', { groupId: group.id, name: 'bench', ...player });
  const batches: number[] = [];
  for (let i = 0; i < files.length; i += 500) {
    const items = files.slice(i, i + 500).map((path) => ({ kind: 'movie', path }));
    batches.push(
      (await service.api<{ batchId: number }>('POST', '/api/v1/items/publish', { items })).batchId,
    );
  }
  return batches;
}

async function progress(service: Service, batches: number[]): Promise<Progress> {
  const all = await Promise.all(
    batches.map((id) => service.api<Progress>('GET', `/api/v1/batches/${String(id)}`)),
  );
  return all.reduce(
    (sum, p) => ({
      total: sum.total + p.total,
      succeeded: sum.succeeded + p.succeeded,
      failed: sum.failed + p.failed,
    }),
    { total: 0, succeeded: 0, failed: 0 },
  );
}

/** RSS samples every second for `ms`: the last and the highest. */
async function sampleRss(pid: number, ms: number): Promise<{ last: number; max: number }> {
  let max = 0;
  let last = 0;
  for (let t = 0; t < ms; t += 1_000) {
    last = await rssMb(pid);
    max = Math.max(max, last);
    await sleep(1_000);
  }
  return { last, max };
}

/** Queued: nothing answers on the player's port, so the jobs stay in the queue. */
async function queued(nodeOptions: string): Promise<Record<string, number>> {
  const service = await startService(nodeOptions);
  const pid = service.child.pid ?? 0;
  const root = await mkdtemp(join(tmpdir(), 'rss-bench-media-'));
  try {
    await sleep(3_000);
    const idleRssMb = await rssMb(pid);
    const files = Array.from({ length: JOBS }, (_, n) =>
      join(root, `M ${String(n)} (2000)`, `M ${String(n)} (2000).mkv`),
    );
    const closed = await freePort();
    const batches = await publishAll(
      service,
      root + '/',
      { host: '127.0.0.1', httpPort: closed, wsPort: null },
      files,
    );
    const p = await progress(service, batches);
    const rss = await sampleRss(pid, 15_000);
    return {
      idleRssMb,
      jobsInQueue: p.total - p.succeeded - p.failed,
      rssMb: rss.last,
      rssMaxMb: rss.max,
    };
  } finally {
    await service.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** Processed: a simulator answers, every job runs to the end; RSS sampled as the jobs go. */
async function processed(nodeOptions: string): Promise<Record<string, unknown>> {
  const kodi = await startSimulatedKodi({ scanMsPerItem: 1 });
  const service = await startService(nodeOptions);
  const pid = service.child.pid ?? 0;
  try {
    const files: string[] = [];
    for (let n = 0; n < JOBS; n += PER_PARENT) {
      const parent = join(kodi.moviesRoot, `Set ${String(n / PER_PARENT).padStart(3, '0')}`);
      const written = await Promise.all(
        Array.from({ length: Math.min(PER_PARENT, JOBS - n) }, (_, k) =>
          writeMovieFolder(parent, { title: `M ${String(n + k)}`, year: 2000 }),
        ),
      );
      files.push(...written.map((m) => m.file));
    }
    const idleRssMb = await rssMb(pid);
    await sleep(1_500); // the folders' times in a past second: no folder-time wait in the jobs
    const started = Date.now();
    const batches = await publishAll(
      service,
      kodi.moviesRoot,
      { host: kodi.endpoint.host, httpPort: kodi.endpoint.httpPort, wsPort: kodi.endpoint.wsPort ?? null },
      files,
    );
    const samples: { done: number; rssMb: number }[] = [];
    let p: Progress;
    for (;;) {
      p = await progress(service, batches);
      samples.push({ done: p.succeeded + p.failed, rssMb: await rssMb(pid) });
      if (p.succeeded + p.failed >= p.total) break;
      await sleep(2_000);
    }
    const wallS = Math.round((Date.now() - started) / 1000);
    const after = await sampleRss(pid, 15_000);
    const at = (done: number): number | undefined => samples.find((s) => s.done >= done)?.rssMb;
    return {
      idleRssMb,
      succeeded: p.succeeded,
      failed: p.failed,
      wallS,
      rssAt1000DoneMb: at(1_000),
      rssAt5000DoneMb: at(5_000),
      rssMaxWhileRunningMb: Math.max(...samples.map((s) => s.rssMb)),
      rssAfterAllDoneMb: after.last,
      rssSamples: samples.filter((_, i) => i % 10 === 0 || i === samples.length - 1),
    };
  } finally {
    await service.stop();
    await kodi.stop();
  }
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const result: Record<string, unknown> = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    process: 'node dist/cli/main.js serve (compiled, plain node, SQLite), RSS = VmRSS of that process',
    jobs: JOBS,
    machine: `${String(cpus().length)} cores shared with other engineers' tests and benches`,
    loadStart: load(),
    library: `processed: ${String(JOBS)} movie folders, ${String(PER_PARENT)} to a parent folder, simulator scanMsPerItem 1`,
  };
  const runs: Record<string, unknown>[] = [];
  for (const start of STARTS) {
    const run: Record<string, unknown> = { start: start.label, nodeOptions: start.nodeOptions };
    run.queued = await queued(start.nodeOptions);
    console.log(start.label, 'queued', run.queued);
    run.processed = await processed(start.nodeOptions);
    console.log(start.label, 'processed', run.processed);
    runs.push(run);
  }
  result.runs = runs;
  result.loadEnd = load();
  await writeFile(RESULTS, JSON.stringify(result, null, 2) + '\n');
}

await main();
