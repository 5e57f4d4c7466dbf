/**
 * The LISTING workload of `npm run bench:real-kodi`: the same whole-library paged listing as
 * bench/library-listing.bench.ts, against a real headless Kodi 20.1 of its own with 1,000 movies scanned in.
 * Also measures the clean's dry run there (one `Files.GetDirectory` per movie folder).
 * Writes bench/results/library-listing-real.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KodiClient } from '../../src/kodi/client.js';
import { cleanDryRun } from '../../src/library/dry-run.js';
import { listLibrary } from '../../src/library/library-listing.js';
import { StepRecorder } from '../../src/sync/steps.js';
import { writeMovieFolder } from '../../test/fixtures/media.js';
import { startRealKodi } from '../../test/fixtures/real-kodi.js';
import { percentile, type BenchResult } from '../result.js';

const MOVIES = 1_000;
const ROUNDS = 5;

const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

export async function libraryListing(): Promise<BenchResult[]> {
  const loadStart = load();
  const kodi = await startRealKodi();
  const client = new KodiClient(kodi.endpoint);
  client.start();
  try {
    for (let i = 0; i < MOVIES; i++)
      await writeMovieFolder(kodi.moviesRoot, { title: `Bench Movie ${i}`, year: 1950 + (i % 70) });
    await client.scan(kodi.moviesRoot);
    const until = Date.now() + 300_000;
    while ((await client.getMovies({ limits: { end: 0 } })).limits.total < MOVIES && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 500));
    const listing: number[] = [];
    let listed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      listed = (await listLibrary(client, new StepRecorder(() => undefined), ['movie'])).length;
      listing.push(performance.now() - started);
    }
    const dryRun: number[] = [];
    for (let round = 0; round < 2; round++) {
      const started = performance.now();
      await cleanDryRun({ name: 'bench', client }, new StepRecorder(() => undefined), [
        {
          kind: 'movie',
          kodiRoot: kodi.moviesRoot,
          library: { id: 1, name: 'Movies', kind: 'movies', rootPath: kodi.moviesRoot },
        },
      ]);
      dryRun.push(performance.now() - started);
    }
    const results: BenchResult[] = [
      {
        name: `Whole-library listing with file, ${MOVIES} movies (real Kodi 20.1)`,
        goal: '≤ 2 s for 1,000 entries',
        figures: { listed, p50: percentile(listing, 50), max: Math.max(...listing) },
        unit: 'ms',
        met: listed === MOVIES && percentile(listing, 50) <= 2_000,
      },
      {
        name: `Clean dry run (listing + one Files.GetDirectory per folder), ${MOVIES} movies (real Kodi 20.1)`,
        goal: '≤ 60 s for 1,000 folders',
        figures: { p50: percentile(dryRun, 50), max: Math.max(...dryRun) },
        unit: 'ms',
        met: percentile(dryRun, 50) <= 60_000,
      },
    ];
    const resultsDir = fileURLToPath(new URL('../results', import.meta.url));
    await mkdir(resultsDir, { recursive: true });
    await writeFile(
      join(resultsDir, 'library-listing-real.json'),
      JSON.stringify(
        { measuredAt: new Date().toISOString(), node: process.version, loadStart, loadEnd: load(), results },
        null,
        2,
      ) + '\n',
    );
    return results;
  } finally {
    await client.close();
    await kodi.stop();
  }
}
