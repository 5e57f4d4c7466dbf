/**
 * Backups like the *arr apps': `kodi-sync backup` copies the database (VACUUM INTO, while the service runs) and
 * the settings into <dataDir>/backups, the newest N are kept, `kodi-sync restore` refuses while the service runs
 * and otherwise puts a backup back — the restarted service then shows the data of the backup. The schedule backs
 * up when the newest backup is older than the interval.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startService, type RunningService } from '../../src/service.js';
import { createBackup, listBackups, scheduleBackups } from '../../src/store/backup.js';
import { migrations } from '../../src/store/migrations/index.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function kodiSync(dataDir: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, '--data-dir', dataDir, ...args],
      {
        timeout: 60_000,
        env: { ...process.env, KODI_SYNC_DATA_DIR: '', DATABASE_URL: '', KODI_SYNC_API_KEY: '' },
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ks-backup-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(
  dataDir: string,
): Promise<RunningService & { call: (m: string, p: string, b?: unknown) => Promise<Response> }> {
  const config = loadConfig({
    env: {},
    flags: { dataDir, port: 0, bindAddress: '127.0.0.1', demo: 'off', backupIntervalHours: 0 },
  });
  const service = await startService(config, { logToStdout: false });
  const key = service.apiKey ?? '';
  return {
    ...service,
    call: (method, path, body) =>
      fetch(service.url + path, {
        method,
        headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      }),
  };
}

async function libraryNames(service: Awaited<ReturnType<typeof start>>): Promise<string[]> {
  const list = (await (await service.call('GET', '/api/v1/libraries')).json()) as { name: string }[];
  return list.map((l) => l.name).sort();
}

describe('backup and restore', () => {
  it('backs up while running, refuses to restore while running, and restores the backup once stopped', async () => {
    const dataDir = await tempDir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ retentionDays: 40 }));
    let service = await start(dataDir);
    const created = await service.call('POST', '/api/v1/libraries', {
      name: 'Movies',
      kind: 'movies',
      rootPath: '/data/movies',
    });
    expect(created.status).toBe(201);

    const backup = await kodiSync(dataDir, ['backup']);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(
      /backup written: .*kodi-sync-backup-.* \(kodi-sync\.db, config\.json, api-key\.txt\)/,
    );
    const [made] = listBackups(dataDir);
    expect(made?.manifest).toMatchObject({
      reason: 'manual',
      database: 'sqlite',
      migrations: migrations.map((m) => m.id),
    });

    // Changes after the backup: a second library, the first one gone, another setting.
    await service.call('POST', '/api/v1/libraries', { name: 'Shows', kind: 'tvshows', rootPath: '/data/tv' });
    const movies = (await (await service.call('GET', '/api/v1/libraries')).json()) as {
      id: number;
      name: string;
    }[];
    await service.call('DELETE', `/api/v1/libraries/${movies.find((l) => l.name === 'Movies')?.id ?? 0}`);
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ retentionDays: 50 }));
    expect(await libraryNames(service)).toEqual(['Shows']);

    const refused = await kodiSync(dataDir, ['restore', made?.name ?? '']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is running on .*; stop it first/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const key = service.apiKey;
    await service.stop();
    const restored = await kodiSync(dataDir, ['restore', made?.name ?? '']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/restored kodi-sync-backup-.*The state before the restore is saved as/s);
    expect(JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'))).toEqual({ retentionDays: 40 });

    service = await start(dataDir);
    cleanups.push(() => service.stop());
    expect(service.apiKey).toBe(key);
    expect(await libraryNames(service)).toEqual(['Movies']);
    // The state before the restore is one more backup, listed by `kodi-sync backups`.
    const listed = await kodiSync(dataDir, ['backups']);
    expect(listed.stdout).toMatch(/before-restore/);
    expect(listed.stdout).toMatch(/manual/);
  });

  it('keeps only the newest backups', async () => {
    const dataDir = await tempDir();
    const service = await start(dataDir);
    cleanups.push(() => service.stop());
    const file = join(dataDir, 'kodi-sync.db');
    for (let i = 0; i < 5; i++) {
      createBackup({ dataDir, databaseFile: file, reason: 'manual', keep: 3, now: Date.UTC(2026, 0, 1 + i) });
    }
    expect(listBackups(dataDir).map((b) => new Date(b.manifest.createdAt).getUTCDate())).toEqual([5, 4, 3]);
  });

  it('says what is wrong when the named backup does not exist, and changes nothing', async () => {
    const dataDir = await tempDir();
    const outcome = await kodiSync(dataDir, ['restore', 'kodi-sync-backup-nope']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/is not a Kodi Sync backup .*`kodi-sync backups` shows the backups/);
    expect(existsSync(join(dataDir, 'backups'))).toBe(false);
  });

  it('backs up on schedule once the newest backup is older than the interval', async () => {
    const dataDir = await tempDir();
    const service = await start(dataDir);
    cleanups.push(() => service.stop());
    const file = join(dataDir, 'kodi-sync.db');
    createBackup({ dataDir, databaseFile: file, reason: 'manual', now: Date.now() - 25 * 3_600_000 });
    const stop = scheduleBackups({
      dataDir,
      databaseFile: file,
      intervalHours: 24,
      keep: 7,
      logger: pino({ level: 'silent' }),
    });
    try {
      await expect
        .poll(() => listBackups(dataDir).map((b) => b.manifest.reason))
        .toEqual(['scheduled', 'manual']);
    } finally {
      stop();
    }
  });
});
