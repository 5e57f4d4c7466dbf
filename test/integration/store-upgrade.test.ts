/**
 * Upgrades never ask anyone to delete their data: test/fixtures/db/ holds a SQLite database written by each
 * release (demo mode's libraries, groups, players, mappings, 8 items, 16 verified jobs with their steps):
 * kodi-sync-0.1.0.db with this release's schema, kodi-sync-0.1.0-dev.db from an earlier build (migration 0001
 * only). The newest code must open each, migrate it forward and serve its data. A database written by a newer
 * release is refused with a message, and its rows left as they were.
 *
 * Cutting a release: run `kodi-sync serve --data-dir /tmp/fx` until demo mode has verified 16/16, stop it, then
 * `VACUUM INTO 'test/fixtures/db/kodi-sync-<version>.db'` and add the file to RELEASES below.
 */
import { copyFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startService } from '../../src/service.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore, SQLITE_FILE_NAME } from '../../src/store/index.js';

const RELEASES = ['0.1.0-dev', '0.1.0'];
const fixture = (release: string) =>
  fileURLToPath(new URL(`../fixtures/db/kodi-sync-${release}.db`, import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDirWith(release: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ks-upgrade-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  copyFileSync(fixture(release), join(dir, SQLITE_FILE_NAME));
  return dir;
}

function appliedIds(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('select id from schema_migrations order by id').all() as { id: string }[]).map(
      (r) => r.id,
    );
  } finally {
    db.close();
  }
}

describe.each(RELEASES)('a database written by release %s', (release) => {
  it('was written by migrations this code still has, in the same order (they are only ever appended)', () => {
    const known = migrations.map((m) => m.id);
    const applied = appliedIds(fixture(release));
    expect(applied.length).toBeGreaterThan(0);
    expect(known.slice(0, applied.length)).toEqual(applied);
  });

  it('opens with the newest code, migrated forward with every row kept', async () => {
    const dir = await dataDirWith(release);
    const store = await openStore({ dataDir: dir });
    try {
      const count = async (table: 'libraries' | 'players' | 'items' | 'jobs' | 'job_steps') =>
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      expect(await count('libraries')).toBe(2);
      expect(await count('players')).toBe(2);
      expect(await count('items')).toBe(8);
      expect(await count('jobs')).toBe(16);
      expect(await count('job_steps')).toBeGreaterThan(16);
    } finally {
      await store.close();
    }
    expect(appliedIds(join(dir, SQLITE_FILE_NAME))).toEqual(migrations.map((m) => m.id));
  });

  it('serves its items and verified jobs through the API of the newest service', async () => {
    const dir = await dataDirWith(release);
    const config = loadConfig({
      env: {},
      flags: {
        dataDir: dir,
        port: 0,
        bindAddress: '127.0.0.1',
        demo: 'off',
        workers: 0,
        backupIntervalHours: 0,
        apiKey: 'upgrade-test-key-0123456789',
      },
    });
    const service = await startService(config, { logToStdout: false });
    cleanups.push(() => service.stop());
    const get = async <T>(path: string) =>
      (await (
        await fetch(service.url + path, { headers: { 'x-api-key': 'upgrade-test-key-0123456789' } })
      ).json()) as T;
    const items = await get<{ path: string }[]>('/api/v1/items');
    expect(items).toHaveLength(8);
    const jobs = await get<{ id: number; state: string }[]>('/api/v1/jobs?limit=100');
    expect(jobs.map((j) => j.state)).toEqual(Array.from({ length: 16 }, () => 'succeeded'));
    const job = await get<{ steps: unknown[]; result: { outcome: string } }>(
      `/api/v1/jobs/${jobs[0]?.id ?? 0}`,
    );
    expect(job.steps.length).toBeGreaterThan(0);
    expect(job.result.outcome).toMatch(/published|already in sync/);
  });
});

describe('a database written by a newer release', () => {
  it('is refused with a message saying what to do, and its rows left as they were', async () => {
    const dir = await dataDirWith(RELEASES.at(-1) ?? '');
    const file = join(dir, SQLITE_FILE_NAME);
    const db = new Database(file);
    db.prepare('insert into schema_migrations (id, applied_at) values (?, ?)').run(
      '9999_from_the_future',
      Date.now(),
    );
    db.close();
    const rows = () => {
      const reader = new Database(file, { readonly: true });
      try {
        return JSON.stringify(
          ['schema_migrations', 'items', 'jobs'].map((t) => reader.prepare(`select * from ${t}`).all()),
        );
      } finally {
        reader.close();
      }
    };
    const before = rows();
    await expect(openStore({ dataDir: dir })).rejects.toThrow(
      /written by a newer Kodi Sync \(migration 9999_from_the_future .*restore a backup/,
    );
    expect(rows()).toBe(before);
  });
});
