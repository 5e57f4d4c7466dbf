/**
 * `kodi-sync publish|delete <path> --wait` as a user runs them (real child processes) against a running service
 * whose Kodi is the simulator: the command follows the batch and reports Kodi's evidence, exit code 0 only when
 * every job succeeded.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startTestService, type TestService } from './api-harness.js';
import { configureKodi, MANAGER_ROOT } from './service-e2e-flow.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let t: TestService;
let kodi: SimulatedKodi;

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

beforeAll(async () => {
  kodi = await startSimulatedKodi();
  t = await startTestService();
  await configureKodi(t, kodi, []);
});
afterAll(async () => {
  await t.stop();
  await kodi.stop();
});

describe('kodi-sync publish / delete --wait', () => {
  it('publishes a movie, follows it to the verified end and removes it again', async () => {
    const written = await kodi.writeMovie({ title: 'Heat', year: 1995, imdb: 'tt0113277' });
    const managerPath = `${MANAGER_ROOT}/${written.file.slice(kodi.moviesRoot.length)}`;

    const published = await kodiSync(['publish', managerPath, '--wait']);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/job \d+ \(group \d+\): succeeded — published on .+ \(Kodi id \d+/);
    expect(kodi.sim.movies().map((movie) => movie.file)).toContain(written.file);

    const deleted = await kodiSync(['--json', 'delete', managerPath, '--wait']);
    expect(deleted.code, deleted.stderr).toBe(0);
    const answer = JSON.parse(deleted.stdout) as { jobs: { state: string; result: { outcome: string } }[] };
    expect(answer.jobs.map((job) => [job.state, job.result.outcome])).toEqual([['succeeded', 'removed']]);
    expect(kodi.sim.movies().map((movie) => movie.file)).not.toContain(written.file);
  });

  it('exits non-zero with the reason when Kodi never shows the item', async () => {
    kodi.sim.faults.scanAddsNothing(true);
    try {
      const written = await kodi.writeMovie({ title: 'Ghost Film', year: 2001 });
      const managerPath = `${MANAGER_ROOT}/${written.file.slice(kodi.moviesRoot.length)}`;
      const outcome = await kodiSync(['publish', managerPath, '--wait']);
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toMatch(/job \d+ \(group \d+\): failed — /);
    } finally {
      kodi.sim.faults.scanAddsNothing(false);
    }
  });

  it('refuses a path outside every library with a message naming it, and queues nothing', async () => {
    const before = (await t.call('GET', '/api/v1/jobs')).text;
    const outcome = await kodiSync(['publish', '/elsewhere/Film (2000)/Film (2000).mkv']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('/elsewhere/Film (2000)/Film (2000).mkv');
    expect((await t.call('GET', '/api/v1/jobs')).text).toBe(before);
  });
});
