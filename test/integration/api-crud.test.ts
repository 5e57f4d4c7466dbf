// The REST API over real HTTP: every resource's happy path, and bad input answered 4xx naming the field with no change made.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- tests read JSON answers loosely */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPathMapping, openStore } from '../../src/store/index.js';
import { startTestService, type TestService } from './api-harness.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ workers: 0 });
});
afterAll(async () => {
  await t.stop();
});

async function count(path: string): Promise<number> {
  const answer = await t.call<unknown[]>('GET', path);
  expect(answer.status).toBe(200);
  return answer.body.length;
}

/** Sends a bad request and proves it was refused with the field named and nothing changed. */
async function refused(
  method: string,
  path: string,
  body: unknown,
  field: string,
  listPath: string,
  status = 400,
) {
  const before = await count(listPath);
  const answer = await t.call<{ message: string; field?: string }>(method, path, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.message).toContain(field);
  expect(await count(listPath)).toBe(before);
}

describe('authentication', () => {
  it('answers 401 without a key, with a wrong key, and accepts header, query and Bearer', async () => {
    expect((await t.call('GET', '/api/v1/libraries', undefined, { key: null })).status).toBe(401);
    expect((await t.call('GET', '/api/v1/libraries', undefined, { key: 'wrong-key-wrong-key' })).status).toBe(
      401,
    );
    expect(
      (await t.call('GET', `/api/v1/libraries?apikey=${t.apiKey}`, undefined, { key: null })).status,
    ).toBe(200);
    const bearer = await t.call('GET', '/api/v1/libraries', undefined, {
      key: null,
      headers: { authorization: `Bearer ${t.apiKey}` },
    });
    expect(bearer.status).toBe(200);
    expect((await t.call('GET', '/metrics', undefined, { key: null })).status).toBe(401);
  });

  it('serves /ping and the OpenAPI document without a key', async () => {
    const ping = await t.call('GET', '/ping', undefined, { key: null });
    expect(ping).toMatchObject({ status: 200, body: { status: 'OK' } });
    const doc = await t.call<{ openapi: string; paths: Record<string, unknown> }>(
      'GET',
      '/api/v1/openapi.json',
      undefined,
      { key: null },
    );
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/players',
      '/api/v1/items/publish',
      '/api/v1/webhooks/radarr',
      '/api/v1/jobs/{id}/retry',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });

  it('says demo mode is available while no Kodi is configured', async () => {
    const status = await t.call<{ players: number; demo: { running: boolean; hint?: string } }>(
      'GET',
      '/api/v1/status',
    );
    expect(status.body.players).toBe(0);
    expect(status.body.demo.hint).toContain('kodi-sync demo');
  });
});

describe('libraries, groups, players, mappings, tasks', () => {
  it('creates, reads, updates and deletes each resource', async () => {
    const library = await t.call('POST', '/api/v1/libraries', {
      name: 'Movies',
      kind: 'movies',
      rootPath: '/data/media/movies',
    });
    expect(library.status).toBe(201);
    const group = await t.call('POST', '/api/v1/groups', {
      name: 'Living room',
      libraryIds: [library.body.id],
    });
    expect(group).toMatchObject({ status: 201, body: { libraryIds: [library.body.id], skipActive: true } });
    const player = await t.call('POST', '/api/v1/players', {
      groupId: group.body.id,
      name: 'Shield',
      host: '127.0.0.1',
      httpPort: 9,
      wsPort: null,
      username: 'kodi',
      password: 'pa55-word-secret',
    });
    expect(player.status).toBe(201);
    expect(player.body.hasPassword).toBe(true);
    expect(player.text).not.toContain('pa55-word-secret');
    const mapping = await t.call('POST', '/api/v1/mappings', {
      groupId: group.body.id,
      managerPrefix: '/data/media/movies',
      kodiPrefix: 'smb://nas/movies/',
    });
    expect(mapping.status).toBe(201);
    const task = await t.call('POST', '/api/v1/tasks', {
      name: 'Nightly clean',
      kind: 'clean',
      groupId: group.body.id,
      cron: '0 4 * * *',
      timezone: 'Europe/Berlin',
    });
    expect(task).toMatchObject({ status: 201, body: { enabled: false, nextRunAt: null } });

    const renamed = await t.call('PUT', `/api/v1/players/${player.body.id}`, {
      name: 'Shield TV',
      password: null,
    });
    expect(renamed.body).toMatchObject({ name: 'Shield TV', hasPassword: false, username: 'kodi' });
    expect((await t.call('GET', `/api/v1/groups/${group.body.id}`)).body.name).toBe('Living room');
    expect(
      (await t.call('PUT', `/api/v1/tasks/${task.body.id}`, { enabled: true })).body.nextRunAt,
    ).toBeGreaterThan(Date.now());

    for (const path of [
      `/api/v1/tasks/${task.body.id}`,
      `/api/v1/mappings/${mapping.body.id}`,
      `/api/v1/players/${player.body.id}`,
      `/api/v1/groups/${group.body.id}`,
      `/api/v1/libraries/${library.body.id}`,
    ]) {
      expect((await t.call('DELETE', path)).status).toBe(204);
      expect((await t.call('GET', path)).status).toBe(404);
    }
  });

  it('never shows a share password inside a Kodi path, and a mapping update that sends it back masked keeps it', async () => {
    const group = await t.call('POST', '/api/v1/groups', { name: 'Share room' });
    const created = await t.call('POST', '/api/v1/mappings', {
      groupId: group.body.id,
      managerPrefix: '/data/share',
      kodiPrefix: 'smb://kodi:sh4re-secret@nas/movies/',
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('sh4re-secret');
    expect(created.body.kodiPrefix).toBe('smb://kodi:***@nas/movies/');
    const listed = await t.call('GET', `/api/v1/mappings?groupId=${String(group.body.id)}`);
    expect(listed.text).not.toContain('sh4re-secret');
    const updated = await t.call('PUT', `/api/v1/mappings/${String(created.body.id)}`, {
      managerPrefix: '/data/share2',
      kodiPrefix: created.body.kodiPrefix,
    });
    expect(updated.status).toBe(200);
    const store = await openStore({ dataDir: t.dataDir });
    const stored = await getPathMapping(store.db, created.body.id as number).finally(() => store.close());
    expect(stored).toMatchObject({
      managerPrefix: '/data/share2',
      kodiPrefix: 'smb://kodi:sh4re-secret@nas/movies/',
    });
  });

  it('refuses bad input naming the field and changes nothing', async () => {
    const library = await t.call('POST', '/api/v1/libraries', {
      name: 'TV',
      kind: 'tvshows',
      rootPath: '/data/media/tv',
    });
    const group = await t.call('POST', '/api/v1/groups', { name: 'Bedroom' });
    const player = { groupId: group.body.id, name: 'Pi', host: 'kodi.local', httpPort: 8080 };
    await refused(
      'POST',
      '/api/v1/libraries',
      { kind: 'movies', rootPath: '/x' },
      'name',
      '/api/v1/libraries',
    );
    await refused(
      'POST',
      '/api/v1/libraries',
      { name: 'X', kind: 'music', rootPath: '/x' },
      'kind',
      '/api/v1/libraries',
    );
    await refused(
      'POST',
      '/api/v1/libraries',
      { name: 'X', kind: 'movies', rootPath: 42 },
      'rootPath',
      '/api/v1/libraries',
    );
    await refused(
      'POST',
      '/api/v1/libraries',
      { name: 'TV', kind: 'movies', rootPath: '/x' },
      'name',
      '/api/v1/libraries',
    );
    await refused(
      'POST',
      '/api/v1/groups',
      { name: 'G2', libraryIds: [library.body.id, 9999] },
      'libraryIds',
      '/api/v1/groups',
    );
    await refused(
      'POST',
      '/api/v1/players',
      { ...player, host: 'http://kodi.local:8080/' },
      'host',
      '/api/v1/players',
    );
    await refused('POST', '/api/v1/players', { ...player, httpPort: 70000 }, 'httpPort', '/api/v1/players');
    await refused('POST', '/api/v1/players', { ...player, httpPort: '8080' }, 'httpPort', '/api/v1/players');
    await refused('POST', '/api/v1/players', { ...player, groupId: 9999 }, 'groupId', '/api/v1/players');
    await refused('POST', '/api/v1/players', { ...player, pasword: 'typo' }, 'pasword', '/api/v1/players');
    await refused(
      'POST',
      '/api/v1/mappings',
      { groupId: group.body.id, managerPrefix: 'relative/dir', kodiPrefix: '/x/' },
      'managerPrefix',
      '/api/v1/mappings',
    );
    await refused(
      'POST',
      '/api/v1/mappings',
      { groupId: group.body.id, managerPrefix: '/a\u0000b', kodiPrefix: '/x/' },
      'managerPrefix',
      '/api/v1/mappings',
    );
    await refused(
      'POST',
      '/api/v1/tasks',
      { name: 'T', kind: 'clean', cron: '61 * * * *' },
      'cron',
      '/api/v1/tasks',
    );
    await refused(
      'POST',
      '/api/v1/tasks',
      { name: 'T', kind: 'clean', cron: '0 4 * * *', timezone: 'Mars/Olympus' },
      'timezone',
      '/api/v1/tasks',
    );
    await refused(
      'POST',
      '/api/v1/tasks',
      { name: 'T', kind: 'clean', cron: '0 4 * * *', groupId: 9999 },
      'groupId',
      '/api/v1/tasks',
    );
    await refused(
      'POST',
      '/api/v1/notifications',
      {
        name: 'D',
        type: 'discord',
        settings: { webhookUrl: 'https://example.com/hook' },
        events: ['job-failed'],
      },
      'webhookUrl',
      '/api/v1/notifications',
    );
    await refused(
      'POST',
      '/api/v1/notifications',
      { name: 'D', type: 'telegram', settings: {}, events: [] },
      'type',
      '/api/v1/notifications',
    );
    await refused(
      'PUT',
      `/api/v1/groups/${group.body.id}`,
      { skipActive: 'yes' },
      'skipActive',
      '/api/v1/groups',
    );
    expect((await t.call('GET', `/api/v1/groups/${group.body.id}`)).body.skipActive).toBe(true);
  });

  it('answers 404 for unknown ids and 400 for ids that are not numbers (path traversal included)', async () => {
    expect((await t.call('GET', '/api/v1/players/424242')).status).toBe(404);
    expect((await t.call('PUT', '/api/v1/libraries/424242', { name: 'x' })).status).toBe(404);
    expect((await t.call('DELETE', '/api/v1/mappings/424242')).status).toBe(404);
    expect((await t.call('POST', '/api/v1/jobs/424242/retry')).status).toBe(404);
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '-1', '1.5', 'abc', '99999999999999']) {
      const answer = await t.call<{ field: string }>('GET', `/api/v1/players/${id}`);
      expect(answer.status, id).toBe(400);
      expect(answer.body.field).toBe('id');
    }
    const traversal = await t.call('GET', '/api/v1/../../etc/passwd');
    expect(traversal.status).toBe(404);
  });

  it('refuses oversized, non-JSON and empty bodies with 4xx', async () => {
    const before = await count('/api/v1/libraries');
    const huge = await t.call('POST', '/api/v1/libraries', undefined, {
      raw: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), kind: 'movies', rootPath: '/m' }),
    });
    expect(huge.status).toBe(413);
    expect((await t.call('POST', '/api/v1/libraries', undefined, { raw: '{"name": ' })).status).toBe(400);
    expect(
      (
        await t.call('POST', '/api/v1/libraries', undefined, {
          raw: 'name=x',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.call('POST', '/api/v1/libraries', undefined, {
          raw: '<x/>',
          headers: { 'content-type': 'application/xml' },
        })
      ).status,
    ).toBe(415);
    expect((await t.call('POST', '/api/v1/libraries', undefined, { raw: '' })).status).toBe(400);
    expect((await t.call('POST', '/api/v1/libraries', undefined, { raw: '[1,2]' })).status).toBe(400);
    expect(await count('/api/v1/libraries')).toBe(before);
  });
});

describe('notification channels', () => {
  it('never returns a channel secret and keeps it when the masked value is sent back', async () => {
    const url = 'https://discord.com/api/webhooks/123456/very-secret-token-value';
    const created = await t.call('POST', '/api/v1/notifications', {
      name: 'Discord',
      type: 'discord',
      settings: { webhookUrl: url },
      events: ['job-failed', 'kodi-offline'],
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('very-secret-token-value');
    const updated = await t.call('PUT', `/api/v1/notifications/${created.body.id}`, {
      name: 'Discord alerts',
      settings: created.body.settings,
    });
    expect(updated.status).toBe(200);
    expect(updated.text).not.toContain('very-secret-token-value');
    expect((await t.call('GET', '/api/v1/notifications')).text).not.toContain('very-secret-token-value');
  });
});
