import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  createActivity,
  createItem,
  createLibrary,
  createNotificationChannel,
  createPathMapping,
  createPlayer,
  createPlayerGroup,
  createScheduledTask,
  createTaskRun,
  deletePlayerGroup,
  findItemByPath,
  finishTaskRun,
  getItemSync,
  getPlayer,
  getPlayerGroup,
  getPlayerWithSecret,
  getSetting,
  listActivities,
  listGroupLibraries,
  listGroupsForLibrary,
  listItemSync,
  listPathMappings,
  listPlayers,
  listTaskRuns,
  openStore,
  setGroupLibraries,
  setSetting,
  setSettingIfAbsent,
  SQLITE_FILE_NAME,
  updateItem,
  updatePlayer,
  updatePlayerGroup,
  upsertItemSync,
} from '../../src/store/index.js';
import { NotFoundError, ValidationError } from '../../src/util/errors.js';
import { DATABASE_KINDS, useTestDatabase } from '../fixtures/databases.js';

describe('SQLite file', () => {
  it('backs up an existing database file before migrating it, and not when nothing is pending', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-store-'));
    try {
      new Database(join(dir, SQLITE_FILE_NAME)).close();
      const first = await openStore({ dataDir: dir });
      await first.close();
      const backups = () => readdirSync(dir).filter((name) => name.includes('.backup-'));
      expect(backups()).toHaveLength(1);
      expect(backups()[0]).toContain('before-0001_initial');
      const second = await openStore({ dataDir: dir });
      await second.close();
      expect(backups()).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('creates a new database without a backup', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ks-store-'));
    try {
      const store = await openStore({ dataDir: join(dir, 'nested') });
      await store.close();
      expect(readdirSync(join(dir, 'nested')).filter((name) => name.includes('.backup-'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a DATABASE_URL that is not PostgreSQL, naming the setting', async () => {
    await expect(openStore({ dataDir: '/tmp', databaseUrl: 'mysql://x' })).rejects.toMatchObject({
      field: 'databaseUrl',
    });
  });
});

describe.each(DATABASE_KINDS)('store on %s', (kind) => {
  const t = useTestDatabase(kind);

  it('opens again without re-running migrations', async () => {
    const again = await t.database.open();
    await again.close();
  });

  it('keeps groups, players and mappings, hides the password in the public view, and cascades a group delete', async () => {
    const { db } = t.store;
    const group = await createPlayerGroup(db, { name: 'Living room', cleanGuard: { maxItems: 20 } });
    expect(group).toMatchObject({
      skipActive: true,
      busyPolicy: 'defer',
      fullScanFallback: false,
      sharedDatabase: false,
    });
    expect(typeof group.createdAt).toBe('number');
    expect(typeof group.maxDeferralMs).toBe('number');
    expect(group.cleanGuard).toEqual({ maxItems: 20 });

    const player = await createPlayer(db, {
      groupId: group.id,
      name: 'tv-1',
      host: '10.0.0.5',
      httpPort: 8080,
      wsPort: 9090,
      username: 'kodi',
      password: 's3cret',
    });
    expect(player).not.toHaveProperty('password');
    expect(player.hasPassword).toBe(true);
    expect(JSON.stringify(await listPlayers(db, { groupId: group.id }))).not.toContain('s3cret');
    expect(JSON.stringify(await getPlayer(db, player.id))).not.toContain('s3cret');
    expect((await getPlayerWithSecret(db, player.id)).password).toBe('s3cret');
    expect((await updatePlayer(db, player.id, { wsPort: null, priority: 5 })).wsPort).toBeNull();

    await createPathMapping(db, {
      groupId: group.id,
      managerPrefix: '/data/movies/',
      kodiPrefix: 'smb://nas/movies/',
    });
    await expect(
      createPathMapping(db, { groupId: group.id, managerPrefix: '/data/movies/', kodiPrefix: '/x/' }),
    ).rejects.toMatchObject({ field: 'managerPrefix' });

    await expect(createPlayerGroup(db, { name: 'Living room' })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      createPlayer(db, { groupId: 99_999, name: 'ghost', host: 'h', httpPort: 8080 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createPlayer(db, { groupId: group.id, name: 'tv-1', host: 'h', httpPort: 8080 }),
    ).rejects.toMatchObject({ field: 'name' });
    await expect(
      createPlayer(db, { groupId: group.id, name: 'tv-2', host: 'h', httpPort: 70_000 }),
    ).rejects.toMatchObject({ field: 'httpPort' });
    await expect(updatePlayerGroup(db, group.id, { busyPolicy: 'never' as 'run' })).rejects.toMatchObject({
      field: 'busyPolicy',
    });

    await deletePlayerGroup(db, group.id);
    await expect(getPlayerGroup(db, group.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await listPlayers(db, { groupId: group.id })).toEqual([]);
    expect(await listPathMappings(db, { groupId: group.id })).toEqual([]);
  });

  it('links libraries to groups and keeps items with their sync state per group', async () => {
    const { db } = t.store;
    const library = await createLibrary(db, { name: 'Movies', kind: 'movies', rootPath: '/data/movies/' });
    const group = await createPlayerGroup(db, { name: 'Bedroom' });
    await setGroupLibraries(db, group.id, [library.id, library.id]);
    expect(await listGroupLibraries(db, group.id)).toEqual([library.id]);
    expect(await listGroupsForLibrary(db, library.id)).toEqual([group.id]);
    await expect(setGroupLibraries(db, group.id, [424_242])).rejects.toMatchObject({ field: 'libraryIds' });

    const movie = await createItem(db, {
      libraryId: library.id,
      kind: 'movie',
      path: '/data/movies/Heat (1995)/Heat.mkv',
      imdb: 'tt0113277',
      title: 'Heat',
      year: 1995,
      state: 'published',
    });
    expect(movie.revision).toBe(1);
    await expect(
      createItem(db, { kind: 'movie', path: movie.path, state: 'published' }),
    ).rejects.toMatchObject({ field: 'path' });
    // A double episode file: two items on one path.
    const path = '/data/tv/Show/S01E01-E02.mkv';
    await createItem(db, { kind: 'episode', path, season: 1, episode: 1, state: 'published' });
    await createItem(db, { kind: 'episode', path, season: 1, episode: 2, state: 'published' });
    expect((await findItemByPath(db, { path, season: 1, episode: 2 }))?.episode).toBe(2);
    expect((await findItemByPath(db, { path: movie.path }))?.id).toBe(movie.id);
    expect(await findItemByPath(db, { path: '/nope' })).toBeUndefined();
    expect((await updateItem(db, movie.id, { revision: 2, state: 'deleted' })).state).toBe('deleted');

    await upsertItemSync(db, {
      itemId: movie.id,
      groupId: group.id,
      kodiId: 7,
      kodiFile: '/m/Heat.mkv',
      revisionApplied: 1,
    });
    const synced = await upsertItemSync(db, {
      itemId: movie.id,
      groupId: group.id,
      verifiedAt: 1_700_000_000_000,
      evidence: { lookup: 'by file' },
    });
    expect(synced).toMatchObject({
      kodiId: 7,
      verifiedAt: 1_700_000_000_000,
      evidence: { lookup: 'by file' },
    });
    expect(await getItemSync(db, movie.id, group.id)).toEqual(synced);
    expect(await listItemSync(db, { groupId: group.id })).toHaveLength(1);
    await expect(upsertItemSync(db, { itemId: movie.id, groupId: 77_777 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('keeps the activity log, notification channels, scheduled tasks with runs, and settings', async () => {
    const { db } = t.store;
    const entry = await createActivity(db, {
      source: 'webhook:radarr',
      kind: 'Download',
      summary: 'Heat (1995) published',
      payload: { big: 'x'.repeat(40_000) },
      outcome: 'queued',
    });
    expect(entry.payload).toMatchObject({ truncated: true });
    expect((await listActivities(db, { source: 'webhook:radarr' }))[0]?.id).toBe(entry.id);

    const channel = await createNotificationChannel(db, {
      name: 'discord',
      type: 'discord',
      settings: { webhookUrl: 'https://discord.example/x' },
      events: ['job.failed'],
    });
    expect(channel).toMatchObject({ enabled: true, events: ['job.failed'] });
    await expect(
      createNotificationChannel(db, {
        name: 'n2',
        type: 'ntfy',
        settings: {},
        events: 'job.failed' as unknown as string[],
      }),
    ).rejects.toMatchObject({ field: 'events' });

    const group = await createPlayerGroup(db, { name: 'Kitchen' });
    const task = await createScheduledTask(db, {
      name: 'nightly clean',
      kind: 'clean',
      groupId: group.id,
      cron: '0 3 * * *',
    });
    expect(task).toMatchObject({ timezone: 'UTC', enabled: true });
    const run = await createTaskRun(db, task.id);
    await finishTaskRun(db, run.id, { outcome: 'refused', report: { reason: 'source root empty' } });
    expect((await listTaskRuns(db, task.id))[0]).toMatchObject({
      outcome: 'refused',
      report: { reason: 'source root empty' },
    });

    await setSetting(db, 'urlBase', '/kodi-sync');
    await setSetting(db, 'urlBase', '/ks');
    expect(await getSetting(db, 'urlBase')).toBe('/ks');
    expect(await setSettingIfAbsent(db, 'urlBase', '/other')).toBe('/ks');
    expect(await getSetting(db, 'missing')).toBeUndefined();
  });
});
