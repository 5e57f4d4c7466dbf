/**
 * Benchmark of the drift report's and the clean dry run's one paged listing of a whole library with each entry's
 * file (`VideoLibrary.GetMovies` with `limits` pages, src/library/library-listing.ts) at 20,000 movies on the
 * simulator. Real Kodi at 1,000 movies: `npm run bench:real-kodi LISTING` (bench/real-kodi/library-listing.ts).
 * Run alone: `npx tsx bench/library-listing.bench.ts` (prints, and writes bench/results/library-listing.json).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KodiClient } from '../src/kodi/client.js';
import { KodiSimulator } from '../src/kodi-sim/index.js';
import { listLibrary } from '../src/library/library-listing.js';
import { StepRecorder } from '../src/sync/steps.js';
import { percentile, type BenchResult } from './result.js';

const MOVIES = 20_000;
const ROUNDS = 5;

export async function run(): Promise<BenchResult[]> {
  const sim = await KodiSimulator.start();
  const client = new KodiClient(sim.endpoint);
  try {
    for (let i = 0; i < MOVIES; i++) {
      const name = `Bench Movie ${i} (${1950 + (i % 70)})`;
      const path = `${sim.moviesRoot}${name}/`;
      sim.library.addMovie(
        {
          title: `Bench Movie ${i}`,
          year: 1950 + (i % 70),
          premiered: '',
          imdbnumber: '',
          file: `${path}${name}.mkv`,
          path,
          filename: `${name}.mkv`,
          uniqueid: {},
          art: {},
        },
        '2026-01-01 00:00:00',
      );
    }
    const results: BenchResult[] = [];
    for (const pageSize of [2_000, MOVIES]) {
      const samples: number[] = [];
      let listed = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now();
        listed = (await listLibrary(client, new StepRecorder(() => undefined), ['movie'], pageSize)).length;
        samples.push(performance.now() - started);
      }
      results.push({
        name: `Whole-library listing with file, ${MOVIES} movies, pages of ${pageSize} (simulator)`,
        goal: '≤ 10 s for 20,000 entries (a drift report or dry run is a background task)',
        figures: { listed, p50: percentile(samples, 50), max: Math.max(...samples) },
        unit: 'ms',
        met: listed === MOVIES && percentile(samples, 50) <= 10_000,
      });
    }
    const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(
      join(resultsDir, 'library-listing.json'),
      JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results }, null, 2) +
        '\n',
    );
    return results;
  } finally {
    await client.close();
    await sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const result of await run()) {
    console.log(`${result.name}: ${JSON.stringify(result.figures)} ${result.unit} (goal: ${result.goal})`);
  }
}
