/**
 * `kodi-sync clean`, `drift`, `tasks` and `items import` as a user runs them (real child processes) against a running
 * service whose Kodi is the simulator.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import type { WrittenMovie } from '../fixtures/kodi-under-test.js';
import { startTestService, type TestService } from './api-harness.js';
import { configureKodi } from './service-e2e-flow.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let t: TestService;
let kodi: SimulatedKodi;
let client: KodiClient;
const movies: WrittenMovie[] = [];

function kodiSync(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, '--url', t.url, '--api-key', t.apiKey, ...args],
      { timeout: 60_000, env: { ...process.env, KODI_SYNC_URL: '', KODI_SYNC_API_KEY: '' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function files(): Promise<string[]> {
  return (await client.getMovies({ properties: ['file'] })).movies.map((m) => m.file ?? '').sort();
}

beforeAll(async () => {
  kodi = await startSimulatedKodi();
  t = await startTestService();
  await configureKodi(t, kodi, []);
  client = new KodiClient(kodi.endpoint);
  for (const title of ['Alpha', 'Beta', 'Gamma']) movies.push(await kodi.writeMovie({ title, year: 2000 }));
  await client.scan(kodi.moviesRoot);
  for (let i = 0; i < 200 && (await files()).length < 3; i++) await new Promise((r) => setTimeout(r, 25));
  await rm(movies[1]?.file ?? '');
});
afterAll(async () => {
  await client.close();
  await t.stop();
  await kodi.stop();
});

describe('kodi-sync clean / drift / tasks / items import', () => {
  it('clean --dry-run lists the entry Kodi cannot reach and changes nothing', async () => {
    const run = await kodiSync(['--json', 'clean', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    const [preview] = JSON.parse(run.stdout) as {
      wouldRun: boolean;
      members: { dryRun: { unreachable: { file: string }[] }; refusals: { code: string }[] }[];
    }[];
    expect(preview?.members[0]?.dryRun.unreachable.map((e) => e.file)).toEqual([movies[1]?.file]);
    expect(preview?.members[0]?.refusals.map((r) => r.code)).toEqual(['over-percent-limit']);
    expect(await files()).toHaveLength(3);
  });

  it('clean --run without --yes and no terminal to ask: not run, nothing removed', async () => {
    const run = await kodiSync(['clean', '--run', '--max-percent', '50']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/WARNING: a clean removes library entries/);
    expect(run.stderr).toMatch(/clean not run.*--yes.*Nothing was removed/);
    expect(await files()).toHaveLength(3);
  });

  it('clean --run --yes removes exactly the unreachable entry and reports the count', async () => {
    const run = await kodiSync(['--json', 'clean', '--run', '--yes', '--max-percent', '50']);
    expect(run.code, run.stderr).toBe(0);
    const [job] = JSON.parse(run.stdout) as { state: string; result: { removedCount: number } }[];
    expect(job).toMatchObject({ state: 'succeeded', result: { removedCount: 1, dryRunCount: 1 } });
    expect(await files()).toEqual([movies[0]?.file, movies[2]?.file].sort());
  });

  it('drift reports the entries no item describes as unknown, and --repair leaves them alone', async () => {
    const run = await kodiSync(['--json', 'drift', '--repair']);
    expect(run.code, run.stderr).toBe(0);
    const [repaired] = JSON.parse(run.stdout) as {
      report: { unknown: { file: string }[] };
      batch?: unknown;
    }[];
    expect(repaired?.report.unknown.map((e) => e.file).sort()).toEqual(
      [movies[0]?.file, movies[2]?.file].sort(),
    );
    expect(repaired?.batch).toBeUndefined();
    expect(await files()).toHaveLength(2);
  });

  it('items import of a root Kodi Sync cannot read: a clear error naming the root', async () => {
    const run = await kodiSync(['items', 'import', '/data/media/movies']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/cannot read "\/data\/media\/movies"/);
    const unknown = await kodiSync(['items', 'import', '/nowhere']);
    expect(unknown.stderr).toMatch(/is not the root of a library; known roots: \/data\/media\/movies/);
  });

  it('tasks list / run / runs', async () => {
    const created = await t.call<{ id: number }>('POST', '/api/v1/tasks', {
      name: 'weekly drift',
      kind: 'drift-report',
      cron: '0 3 * * 0',
      timezone: 'Europe/Berlin',
    });
    const list = await kodiSync(['tasks', 'list']);
    expect(list.stdout).toMatch(/weekly drift\s+drift-report\s+all\s+0 3 \* \* 0 \(Europe\/Berlin\)\s+no/);
    const ran = await kodiSync(['tasks', 'run', String(created.body.id)]);
    expect(ran.code, ran.stderr).toBe(0);
    const runs = await kodiSync(['tasks', 'runs', String(created.body.id)]);
    expect(runs.stdout).toMatch(/succeeded\s+0 missing, 0 deleted but present, 0 stale, 2 unknown/);
  });
});
