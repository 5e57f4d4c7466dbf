/**
 * The install a user does, on this machine for real: `npm pack` of the repository, `npm install -g` of that
 * tarball into a scratch prefix (production dependencies only; better-sqlite3 compiles, so this file takes a few
 * minutes), then `kodi-sync` from the PATH in an unrelated folder with a fresh home: --help, `serve` (demo mode,
 * data in ~/.config/kodi-sync), the commands its banner prints, `jobs list | head -1`, `batches`, and the systemd
 * unit of docs/ checked by `systemd-analyze verify` against the installed command.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_TIMEOUT_MS = 15 * 60_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { ...options, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 32 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

let scratch: string;
let env: NodeJS.ProcessEnv;
let elsewhere: string;
let serve: ChildProcess | undefined;
let serveErr = '';

const kodiSync = (...args: string[]) => run('kodi-sync', args, { cwd: elsewhere, env });

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ks-install-'));
  const prefix = join(scratch, 'prefix');
  elsewhere = join(scratch, 'somewhere-else');
  const home = join(scratch, 'home');
  const packed = await run('npm', ['pack', '--pack-destination', scratch, '--silent'], {
    cwd: REPO,
    env: process.env,
  });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(scratch, packed.stdout.trim().split('\n').pop() ?? '');
  env = {
    ...process.env,
    HOME: home,
    PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
    // better-sqlite3 compiles against the installed Node's headers (no download; research/stack.md pitfall 4).
    ...(existsSync('/usr/include/node/node.h') && { npm_config_nodedir: '/usr' }),
    KODI_SYNC_PORT: String(await freePort()),
    KODI_SYNC_DATA_DIR: '',
    KODI_SYNC_URL: '',
    KODI_SYNC_API_KEY: '',
    XDG_CONFIG_HOME: '',
    NO_COLOR: '1',
  };
  await run('mkdir', ['-p', elsewhere, home], { cwd: scratch, env });
  const installed = await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball],
    {
      cwd: elsewhere,
      env,
    },
  );
  expect(installed.code, installed.stderr).toBe(0);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  serve?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

describe('the packed package installed globally', () => {
  it('puts kodi-sync on the PATH with its built code and no development dependencies', async () => {
    const help = await kodiSync('--help');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: kodi-sync/);
    expect(help.stdout).toMatch(/serve/);
    const root = join(scratch, 'prefix', 'lib', 'node_modules', 'kodi-sync');
    expect(existsSync(join(root, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(root, 'docs', 'kodi-sync.service'))).toBe(true);
    expect(existsSync(join(root, 'src'))).toBe(false);
    expect(existsSync(join(root, 'node_modules', 'vitest'))).toBe(false);
    const version = await kodiSync('--version');
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('serves demo mode from another folder with its data in ~/.config/kodi-sync, and the CLI finds it', async () => {
    const child = spawn('kodi-sync', ['serve'], { cwd: elsewhere, env, stdio: ['ignore', 'pipe', 'pipe'] });
    serve = child;
    child.stderr.on('data', (chunk: Buffer) => (serveErr += chunk.toString()));
    child.stdout.resume();
    const deadline = Date.now() + 120_000;
    while (!serveErr.includes('is running') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(serveErr).toMatch(/Demo: 16\/16 items published and verified/);
    expect(serveErr).toMatch(/is running/);
    const dataDir = join(env.HOME ?? '', '.config', 'kodi-sync');
    expect(existsSync(join(dataDir, 'kodi-sync.db'))).toBe(true);
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
    // The banner names the command as the user types it (no --url, no --data-dir: the CLI finds the service).
    expect(serveErr).toMatch(/kodi-sync jobs list/);
    expect(serveErr).toMatch(/`kodi-sync config show-key` prints it/);
    // Not on a terminal: the key itself is not printed.
    const key = readFileSync(join(dataDir, 'api-key.txt'), 'utf8').trim();
    expect(serveErr).not.toContain(key);

    const first = await run('sh', ['-c', 'kodi-sync jobs list | head -1'], { cwd: elsewhere, env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^ID\s+GROUP\s+STATE/);
    expect(first.stderr).toBe('');

    const batches = await kodiSync('batches');
    expect(batches.code, batches.stderr).toBe(0);
    expect(batches.stdout).toMatch(/16\/16/);

    const shownKey = await kodiSync('config', 'show-key');
    expect(shownKey.stdout.trim()).toBe(key);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });

  it('ships a systemd unit that systemd-analyze verifies against the installed command', async () => {
    const unitDir = join(scratch, 'unit');
    await run('mkdir', ['-p', unitDir], { cwd: scratch, env });
    const installedBin = join(scratch, 'prefix', 'bin', 'kodi-sync');
    const unit = readFileSync(join(REPO, 'docs', 'kodi-sync.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/kodi-sync serve$/m);
    const file = join(unitDir, 'kodi-sync.service');
    writeFileSync(file, unit.replace(/^ExecStart=\/usr\/bin\/kodi-sync/m, `ExecStart=${installedBin}`));
    const verified = await run('systemd-analyze', ['verify', file], { cwd: scratch, env });
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  });
});
