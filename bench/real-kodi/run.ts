/**
 * `npm run bench:real-kodi [W1 W2 W3 W4 LISTING]`: Kodi Sync side by side with the usual approaches on one real
 * Kodi 20.1 (issue 17). Not part of `npm run bench` or the test count: it needs the real-Kodi test bed and takes
 * minutes. Writes bench/results/real-kodi.json (merged per workload, so a partial re-run keeps the others) and
 * bench/results/real-kodi.md. LISTING (./library-listing.ts, on a Kodi of its own, after the others) writes
 * bench/results/library-listing-real.json.
 */
import { loadavg, cpus, tmpdir } from 'node:os';
import { copyFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../result.js';
import { realKodiRpc, startRealKodi, type RealKodi } from '../../test/fixtures/real-kodi.js';
import { writeMovieFolder } from '../../test/fixtures/media.js';
import { startRig } from '../../test/integration/sync-rig.js';
import {
  customScript,
  handFloor,
  kodiSync,
  managerBuiltIn,
  type Approach,
  type JobBreakdown,
  type Movie,
  type Outcome,
} from './approaches.js';
import { KodiSocket } from './kodi-socket.js';
import { libraryListing } from './library-listing.js';
import { renderMarkdown } from './report.js';

const RESULTS = fileURLToPath(new URL('../results/real-kodi.json', import.meta.url));
const wanted = new Set(process.argv.slice(2).map((w) => w.toUpperCase()));
const selected = (w: string): boolean => wanted.size === 0 || wanted.has(w);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

export interface VariantResult {
  label: string;
  items: number;
  rounds: number;
  addedInKodi: number;
  reportedDone: number;
  falseDone: number;
  /** Reported done but not in Kodi, plus in Kodi but not reported done (missed confirmations). */
  wallMs: number[];
  perItemP50Ms: number;
  perItemP90Ms: number;
  /** Kodi Sync only: medians of where each job's time went. */
  breakdown?: Record<string, number>;
  escalations?: Record<string, number>;
  /** Hand floor: mean milliseconds per call of its sequence. */
  stepsMeanMs?: Record<string, number>;
}

export interface WorkloadResult {
  description: string;
  library: number;
  load: { start: number[]; end: number[] };
  variants: VariantResult[];
  /** Kodi Sync ÷ hand floor (per-item p50, and wall for bulk workloads). */
  ratio: Record<string, number>;
  extra?: Record<string, number>;
}

async function main(): Promise<void> {
  if (!['W1', 'W2', 'W3', 'W4'].some(selected)) return;
  const previous = await readFile(RESULTS, 'utf8')
    .then((text) => JSON.parse(text) as { workloads?: Record<string, WorkloadResult> })
    .catch(() => ({ workloads: {} }));
  const results = {
    measuredAt: new Date().toISOString(),
    kodi: '20.1 (headless test bed, scripts/kodi-testbed/kodi-testbed.sh)',
    machine: {
      cpus: cpus().length,
      note: 'shared with other engineers running tests and Kodis at the same time: absolute figures vary with load',
      loadStart: load(),
      loadEnd: [] as number[],
    },
    workloads: { ...previous.workloads } as Record<string, WorkloadResult>,
  };
  const save = async (): Promise<void> => {
    results.machine.loadEnd = load();
    await writeFile(RESULTS, JSON.stringify(results, null, 2) + '\n');
    await writeFile(RESULTS.replace(/\.json$/, '.md'), renderMarkdown(results));
  };

  const kodi = await startRealKodi();
  const socket = await KodiSocket.open(kodi.endpoint.host, kodi.endpoint.wsPort ?? 0);
  const rig = await startRig({
    moviesRoot: kodi.moviesRoot,
    tvRoot: kodi.tvRoot,
    groups: [{ name: 'Bench', members: [{ ...kodi.endpoint, name: 'bench kodi' }] }],
  });
  const lab = new Lab(kodi, socket);
  const ks = kodiSync(rig);
  const floor = handFloor(socket, kodi.moviesRoot);
  const approaches: Approach[] = [ks, customScript(kodi.endpoint), managerBuiltIn(kodi.endpoint), floor];
  try {
    if (selected('W1') || selected('W3')) await lab.grow(1_000);
    if (selected('W1')) {
      results.workloads.W1 = await w1(lab, ks, approaches);
      await save();
    }
    if (selected('W3')) {
      results.workloads.W3 = await bulk(lab, approaches, {
        name: 'W3',
        description: '20 imports 50 ms apart (a season pack) on a 1,000-movie library',
        count: 20,
        gapMs: 50,
      });
      await save();
    }
    if (selected('W2') || selected('W4')) await lab.shrinkTo(30);
    if (selected('W2')) {
      results.workloads.W2 = await bulk(lab, approaches, {
        name: 'W2',
        description: '20 new movies 500 ms apart on a 30-movie library last updated by a root scan',
        count: 20,
        gapMs: 500,
      });
      await save();
    }
    if (selected('W4')) {
      results.workloads.W4 = await bulk(lab, approaches, {
        name: 'W4',
        description:
          '200 new movies at once on a 30-movie library (hand floor: one root scan + a lookup each)',
        count: 200,
        gapMs: 'all',
      });
      await save();
    }
  } catch (error) {
    // The fixture's stop purges the instance: keep Kodi's log for the diagnosis.
    const kept = join(tmpdir(), `real-kodi-bench-${String(process.pid)}.log`);
    await copyFile(kodi.logFile, kept).catch(() => undefined);
    console.error(`bench failed; Kodi's log kept in ${kept}`);
    throw error;
  } finally {
    await save();
    await rig.close().catch(() => undefined);
    socket.close();
    await kodi.stop();
  }
}

/** The library under test: a baseline of placeholder movies, restored after every run. */
class Lab {
  private readonly baseline = new Set<string>();
  private runs = 0;

  constructor(
    readonly kodi: RealKodi,
    readonly socket: KodiSocket,
  ) {}

  rpc<T>(method: string, params: object = {}): Promise<T> {
    return realKodiRpc<T>(this.kodi.endpoint, method, params);
  }

  /** A root scan, awaited by its OnScanFinished; returns its duration. */
  async rootScan(): Promise<number> {
    const started = performance.now();
    const finished = this.socket.next('VideoLibrary.OnScanFinished', 600_000);
    await this.socket.call('VideoLibrary.Scan', { directory: this.kodi.moviesRoot });
    await finished;
    return performance.now() - started;
  }

  /** No scan for three polls in a row (a manager's fire-and-forget scans may still be queued). */
  async waitIdle(): Promise<void> {
    let quiet = 0;
    while (quiet < 3) {
      await sleep(200);
      const answer = await this.rpc<Record<string, boolean>>('XBMC.GetInfoBooleans', {
        booleans: ['Library.IsScanningVideo'],
      });
      quiet = answer['Library.IsScanningVideo'] === false ? quiet + 1 : 0;
    }
  }

  async moviesInKodi(): Promise<{ movieid: number; file: string }[]> {
    const answer = await this.rpc<{ movies?: { movieid: number; file: string }[] }>(
      'VideoLibrary.GetMovies',
      {
        properties: ['file'],
      },
    );
    return answer.movies ?? [];
  }

  async grow(size: number): Promise<void> {
    for (let i = this.baseline.size; i < size; i += 50) {
      const batch = Array.from({ length: Math.min(50, size - i) }, (_, k) => i + k);
      const written = await Promise.all(
        batch.map((n) =>
          writeMovieFolder(this.kodi.moviesRoot, {
            title: `Base ${String(n).padStart(4, '0')}`,
            year: 1950 + (n % 70),
          }),
        ),
      );
      for (const movie of written) this.baseline.add(movie.file);
    }
    const ms = await this.rootScan();
    await this.waitIdle();
    const inKodi = (await this.moviesInKodi()).length;
    if (inKodi !== this.baseline.size)
      throw new Error(`library holds ${String(inKodi)}, expected ${String(size)}`);
    console.log(`library: ${String(size)} movies (root scan ${Math.round(ms)} ms)`);
  }

  async shrinkTo(size: number): Promise<void> {
    await this.kodi.reset();
    this.baseline.clear();
    await this.grow(size);
  }

  /** Back to the baseline: the run's movies removed from Kodi and disk, then a root scan (its listing cached again). */
  async restore(): Promise<void> {
    await this.waitIdle();
    for (const movie of await this.moviesInKodi()) {
      if (!this.baseline.has(movie.file))
        await this.rpc('VideoLibrary.RemoveMovie', { movieid: movie.movieid });
    }
    const keep = new Set(
      [...this.baseline].map((file) => file.slice(this.kodi.moviesRoot.length).split('/')[0]),
    );
    for (const entry of await readdir(this.kodi.moviesRoot)) {
      if (!keep.has(entry)) await rm(join(this.kodi.moviesRoot, entry), { recursive: true, force: true });
    }
    await this.rootScan();
    await this.waitIdle();
  }

  /** A fresh movie name per run, so no folder is ever seen twice. */
  newMovie(tag: string, index: number): Promise<Movie> {
    return writeMovieFolder(this.kodi.moviesRoot, {
      title: `${tag} run${String(this.runs)} i${String(index).padStart(3, '0')}`,
      year: 2000 + (index % 20),
    });
  }

  nextRun(): void {
    this.runs += 1;
  }
}

interface RunRecord {
  movies: Movie[];
  publishAt: number[];
  outcomes: Outcome[];
  added: boolean[];
}

/** One run of a workload through one approach, from the baseline, restored afterwards. */
async function runOnce(
  lab: Lab,
  approach: Approach,
  tag: string,
  count: number,
  gapMs: number | 'all',
  settleMs = 0,
): Promise<RunRecord> {
  lab.nextRun();
  const movies: Movie[] = [];
  const publishAt: number[] = [];
  const pending: Promise<Outcome>[] = [];
  if (gapMs === 'all') {
    for (let i = 0; i < count; i += 1) movies.push(await lab.newMovie(tag, i));
    if (settleMs > 0) await sleep(settleMs);
    const now = Date.now();
    for (let i = 0; i < count; i += 1) publishAt.push(now);
    if (approach.publishAll)
      pending.push(...(await approach.publishAll(movies)).map((o) => Promise.resolve(o)));
    else pending.push(...movies.map((m) => approach.publish(m)));
  } else {
    const start = performance.now();
    for (let i = 0; i < count; i += 1) {
      const due = start + i * gapMs - performance.now();
      if (due > 0) await sleep(due);
      const movie = await lab.newMovie(tag, i);
      if (settleMs > 0) await sleep(settleMs);
      movies.push(movie);
      publishAt.push(Date.now());
      pending.push(approach.publish(movie));
    }
  }
  const outcomes = await Promise.all(pending);
  await lab.waitIdle();
  const inKodi = new Set((await lab.moviesInKodi()).map((m) => m.file));
  const added = movies.map((m) => inKodi.has(m.file));
  await lab.restore();
  return { movies, publishAt, outcomes, added };
}

function summarize(label: string, runs: RunRecord[]): VariantResult {
  const latencies: number[] = [];
  const wallMs: number[] = [];
  let addedInKodi = 0;
  let reportedDone = 0;
  let falseDone = 0;
  let items = 0;
  const breakdowns: JobBreakdown[] = [];
  const floorSteps: Record<string, number>[] = [];
  for (const run of runs) {
    const first = Math.min(...run.publishAt);
    wallMs.push(Math.max(...run.outcomes.map((o) => o.doneAt)) - first);
    run.outcomes.forEach((outcome, i) => {
      items += 1;
      latencies.push(outcome.doneAt - (run.publishAt[i] ?? first));
      if (run.added[i]) addedInKodi += 1;
      if (outcome.done) reportedDone += 1;
      if (outcome.done && !run.added[i]) falseDone += 1;
      if (outcome.breakdown) breakdowns.push(outcome.breakdown);
      if (outcome.steps) floorSteps.push(outcome.steps);
    });
  }
  const result: VariantResult = {
    label,
    items,
    rounds: runs.length,
    addedInKodi,
    reportedDone,
    falseDone,
    wallMs,
    perItemP50Ms: percentile(latencies, 50),
    perItemP90Ms: percentile(latencies, 90),
  };
  if (floorSteps.length > 0) {
    result.stepsMeanMs = {};
    for (const key of Object.keys(floorSteps[0] ?? {})) {
      const sum = floorSteps.reduce((total, steps) => total + (steps[key] ?? 0), 0);
      result.stepsMeanMs[key] = Math.round((sum / floorSteps.length) * 10) / 10;
    }
  }
  if (breakdowns.length > 0) {
    const median = (pick: (b: JobBreakdown) => number): number =>
      Math.round(percentile(breakdowns.map(pick), 50));
    const labels = new Set(breakdowns.flatMap((b) => Object.keys(b.steps)));
    result.breakdown = {
      queueMsP50: median((b) => b.queueMs),
      jobTotalMsP50: median((b) => b.totalMs),
      kodiCallsMsP50: median((b) => b.kodiMs),
      folderTimeWaitMsP50: median((b) => b.folderTimeWaitMs),
      folderTimeWaitMsMean: Math.round(
        breakdowns.reduce((sum, b) => sum + b.folderTimeWaitMs, 0) / breakdowns.length,
      ),
      attemptsMax: Math.max(...breakdowns.map((b) => b.attempts)),
    };
    for (const stepLabel of labels) {
      const values = breakdowns.map((b) => b.steps[stepLabel] ?? 0);
      result.breakdown[`step ${stepLabel} (ms per job, mean)`] =
        Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
    }
    result.escalations = {};
    for (const b of breakdowns)
      for (const e of b.escalation) result.escalations[e] = (result.escalations[e] ?? 0) + 1;
  }
  return result;
}

const ratio = (a: number | undefined, b: number | undefined): number =>
  a === undefined || b === undefined || b === 0 ? Number.NaN : Math.round((a / b) * 100) / 100;

/** W1: one new movie on an idle 1,000-movie library, 20 rounds, the approaches in a rotating order. */
async function w1(lab: Lab, ks: Approach, approaches: Approach[]): Promise<WorkloadResult> {
  const loadStart = load();
  const variants: { label: string; approach: Approach; settleMs: number }[] = [
    { label: 'Kodi Sync (published at once)', approach: ks, settleMs: 0 },
    { label: 'Kodi Sync (written ≥ 1.5 s before publish)', approach: ks, settleMs: 1_500 },
    ...approaches
      .filter((a) => a !== ks)
      .map((approach) => ({ label: approach.label, approach, settleMs: 0 })),
  ];
  const runs = new Map<string, RunRecord[]>(variants.map((v) => [v.label, []]));
  const rounds = Number(process.env.W1_ROUNDS ?? 20);
  for (let round = 0; round < rounds; round += 1) {
    for (let k = 0; k < variants.length; k += 1) {
      const variant = variants[(round + k) % variants.length];
      if (!variant) continue;
      runs.get(variant.label)?.push(await runOnce(lab, variant.approach, 'W1', 1, 'all', variant.settleMs));
    }
    console.log(`W1 round ${String(round + 1)}/${String(rounds)} (load ${load().join(' ')})`);
  }
  const results = variants.map((v) => summarize(v.label, runs.get(v.label) ?? []));
  const floorP50 = results.find((r) => r.label === 'hand floor')?.perItemP50Ms;
  return {
    description: 'one new NFO movie on an idle 1,000-movie library, publish → verified (or reported done)',
    library: 1_000,
    load: { start: loadStart, end: load() },
    variants: results,
    ratio: {
      'Kodi Sync p50 ÷ floor p50 (published at once)': ratio(results[0]?.perItemP50Ms, floorP50),
      'Kodi Sync p50 ÷ floor p50 (written ≥ 1.5 s before)': ratio(results[1]?.perItemP50Ms, floorP50),
    },
  };
}

async function bulk(
  lab: Lab,
  approaches: Approach[],
  spec: { name: string; description: string; count: number; gapMs: number | 'all' },
): Promise<WorkloadResult> {
  const loadStart = load();
  const results: VariantResult[] = [];
  for (const approach of approaches) {
    const run = await runOnce(lab, approach, spec.name, spec.count, spec.gapMs);
    results.push(summarize(approach.label, [run]));
    console.log(`${spec.name} ${approach.label}: ${JSON.stringify(results.at(-1))}`);
  }
  const ks = results[0];
  const floor = results.find((r) => r.label === 'hand floor');
  const extra: Record<string, number> = {};
  if (spec.gapMs === 'all') {
    // The goal's anchor: one root scan of the new folders alone.
    lab.nextRun();
    for (let i = 0; i < spec.count; i += 1) await lab.newMovie(`${spec.name} root`, i);
    extra[`one root scan adding ${String(spec.count)} folders (ms)`] = Math.round(await lab.rootScan());
    await lab.restore();
  }
  return {
    description: spec.description,
    library: (await lab.moviesInKodi()).length,
    load: { start: loadStart, end: load() },
    variants: results,
    ratio: {
      'Kodi Sync wall ÷ floor wall': ratio(ks?.wallMs[0], floor?.wallMs[0]),
      'Kodi Sync p50 ÷ floor p50': ratio(ks?.perItemP50Ms, floor?.perItemP50Ms),
    },
    extra,
  };
}

await main();
if (selected('LISTING')) {
  for (const result of await libraryListing())
    console.log(`${result.name}: ${JSON.stringify(result.figures)} ${result.unit} (goal: ${result.goal})`);
}
