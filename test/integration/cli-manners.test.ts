/**
 * The CLI as a person meets it (real child processes against a running service): a group command without a
 * sub-command lists (`kodi-sync batches`), a reader that closes the pipe early (`| head`, `| true`) ends the
 * command quietly, and a failure shows one line — the stack only with --debug.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './api-harness.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let t: TestService;

function run(file: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        timeout: 60_000,
        env: {
          ...process.env,
          KODI_SYNC_URL: t.url,
          KODI_SYNC_API_KEY: t.apiKey,
          KODI_SYNC_DATA_DIR: t.dataDir,
        },
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const kodiSync = (...args: string[]) => run(process.execPath, ['--import', 'tsx', MAIN, ...args]);

beforeAll(async () => {
  t = await startTestService();
  await t.call('POST', '/api/v1/libraries', { name: 'Movies', kind: 'movies', rootPath: '/data/movies' });
});
afterAll(async () => {
  await t.stop();
});

describe('kodi-sync manners', () => {
  it.each([
    ['batches', /^ID\s+CREATED\s+DONE/],
    ['jobs', /^ID\s+GROUP\s+STATE/],
    ['players', /^ID\s+GROUP\s+NAME/],
    ['groups', /^ID\s+NAME/],
    ['mappings', /^ID\s+GROUP\s+MANAGER/],
    ['config', /^dataDir = /],
    ['backups', /^NAME\s+CREATED/],
  ])('`kodi-sync %s` without a sub-command lists', async (group, header) => {
    const outcome = await kodiSync(group);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(header);
  });

  it('`kodi-sync kodi` lists its sub-commands', async () => {
    const outcome = await kodiSync('kodi');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/ping/);
  });

  it('ends quietly when the reader closes the pipe', async () => {
    for (const args of ['jobs list', 'config show', '--help']) {
      const outcome = await run('sh', ['-c', `"${process.execPath}" --import tsx "${MAIN}" ${args} | true`]);
      expect(outcome.stderr, args).toBe('');
      expect(outcome.code, args).toBe(0);
    }
    const head = await run('sh', ['-c', `"${process.execPath}" --import tsx "${MAIN}" jobs list | head -1`]);
    expect(head.stdout).toMatch(/^ID\s+GROUP\s+STATE/);
    expect(head.stderr).toBe('');
  });

  it('shows a failure in one line, and its stack only with --debug', async () => {
    const plain = await kodiSync('--url', 'http://127.0.0.1:9', 'jobs', 'list');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^kodi-sync: Cannot reach Kodi Sync at http:\/\/127\.0\.0\.1:9/);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    const debug = await kodiSync('--debug', '--url', 'http://127.0.0.1:9', 'jobs', 'list');
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('names the maximum instead of showing a stack when input is wrong', async () => {
    const limit = await kodiSync('jobs', 'list', '--limit', '100000');
    expect(limit.code).toBe(1);
    expect(limit.stderr).toMatch(/must be at most 1000 \(HTTP 400\)/);
    expect(limit.stderr).not.toMatch(/\n\s+at /);
  });
});
