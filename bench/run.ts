/**
 * `npm run bench`: runs every bench/*.bench.ts, prints each figure against its goal and writes
 * bench/results/summary.json. Benchmarks report; they never fail the build on a missed goal.
 */
import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './result.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

const files = (await readdir(benchDir)).filter(
  (file) => file.endsWith('.bench.ts') && (only.length === 0 || only.some((name) => file.includes(name))),
);
const all: Record<string, BenchResult[]> = {};
for (const file of files.sort()) {
  console.log(`\n== ${file}`);
  const module = (await import(pathToFileURL(join(benchDir, file)).href)) as {
    run: () => Promise<BenchResult[]>;
  };
  const results = await module.run();
  all[file] = results;
  for (const result of results) {
    const figures = Object.entries(result.figures)
      .map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toFixed(3)}`)
      .join(' ');
    const verdict = result.met === undefined ? '' : result.met ? '  [goal met]' : '  [goal MISSED]';
    console.log(`${result.name}: ${figures} ${result.unit}  (goal: ${result.goal})${verdict}`);
  }
}
await mkdir(join(benchDir, 'results'), { recursive: true });
await writeFile(
  join(benchDir, 'results', 'summary.json'),
  JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results: all }, null, 2) +
    '\n',
);
