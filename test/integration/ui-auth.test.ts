/**
 * The web UI's sign-in over real HTTP: the session cookie's attributes, login CSRF, the CSRF token on
 * cookie-authenticated changes, pages that send a browser without a session to the login form, the key
 * given out only on a CSRF-checked request, user data escaped in the pages, and sessions ended by a new API key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startService } from '../../src/service.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../fixtures/databases.js';
import { startTestService, type TestService } from './api-harness.js';

describe.each(DATABASE_KINDS)('web UI sign-in on %s', (kind) => {
  let database: TestDatabase;
  let t: TestService;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    t = await startTestService({
      urlBase: '/kodi-sync',
      ...(database.databaseUrl !== undefined && { databaseUrl: database.databaseUrl }),
    });
  });
  afterAll(async () => {
    await t.stop();
    await database.drop();
  });

  const login = (apiKey: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ apiKey }).toString(),
    });

  async function session(): Promise<{ cookie: string; csrf: string }> {
    const answer = await login(t.apiKey);
    const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await (await fetch(`${t.url}/`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(page)?.[1] ?? '';
    return { cookie, csrf };
  }

  it('sends a browser without a session from a page to the login form under the URL base', async () => {
    const answer = await fetch(`${t.url}/setup`, { redirect: 'manual' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/kodi-sync/login');
  });

  it('signs in with the API key: an HttpOnly, SameSite=Strict cookie scoped to the URL base', async () => {
    const answer = await login(t.apiKey);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/kodi-sync/');
    expect(answer.headers.get('set-cookie')).toMatch(
      /^kodi_sync_session=[0-9a-f]{64}; Path=\/kodi-sync; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
  });

  it('refuses a wrong key, and a login form posted from another site', async () => {
    const wrong = await login('nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const foreign = await login(t.apiKey, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
  });

  it('lets the cookie change things only with the session’s CSRF token', async () => {
    const { cookie, csrf } = await session();
    expect(csrf).toMatch(/^[0-9a-f]{48}$/);
    const body = JSON.stringify({ name: 'Movies', kind: 'movies', rootPath: '/data/movies' });
    const headers = { cookie, 'content-type': 'application/json' };
    const without = await fetch(`${t.url}/api/v1/libraries`, { method: 'POST', headers, body });
    expect(without.status).toBe(403);
    const wrong = await fetch(`${t.url}/api/v1/libraries`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': 'f'.repeat(48) },
      body,
    });
    expect(wrong.status).toBe(403);
    expect((await t.call('GET', '/api/v1/libraries')).body).toEqual([]);
    const right = await fetch(`${t.url}/api/v1/libraries`, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': csrf },
      body,
    });
    expect(right.status).toBe(201);
  });

  it('gives the API key in clear only to a signed-in, CSRF-checked request, never cached', async () => {
    const { cookie, csrf } = await session();
    expect((await fetch(`${t.url}/ui/api-key`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${t.url}/ui/api-key`, { method: 'POST' })).status).toBe(401);
    const answer = await fetch(`${t.url}/ui/api-key`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.text()).toBe(t.apiKey);
    for (const path of ['/', '/setup', '/jobs', '/items', '/tasks', '/activity']) {
      expect(await (await fetch(`${t.url}${path}`, { headers: { cookie } })).text()).not.toContain(t.apiKey);
    }
  });

  it('never shows the password inside a Kodi path (smb://user:password@…)', async () => {
    const group = await t.call<{ id: number }>('POST', '/api/v1/groups', { name: 'Den' });
    const mapping = await t.call('POST', '/api/v1/mappings', {
      groupId: group.body.id,
      managerPrefix: '/data/den',
      kodiPrefix: 'smb://kodi:hunter2-secret@nas/den/',
    });
    expect(mapping.status).toBe(201);
    const { cookie } = await session();
    const page = await (await fetch(`${t.url}/setup`, { headers: { cookie } })).text();
    expect(page).toContain('smb://kodi:********@nas/den/');
    expect(page).not.toContain('hunter2-secret');
  });

  it('escapes what people typed when it shows it', async () => {
    const name = '<img src=x onerror=alert(1)>';
    expect((await t.call('POST', '/api/v1/libraries', { name, kind: 'movies', rootPath: '/x' })).status).toBe(
      201,
    );
    const { cookie } = await session();
    const page = await (await fetch(`${t.url}/setup`, { headers: { cookie } })).text();
    expect(page).not.toContain(name);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('web UI sessions across an API key change', () => {
  it('signs every browser out when the service starts with a new API key, and keeps them with the same key', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kodi-sync-ui-key-'));
    const start = (apiKey: string) =>
      startService(
        loadConfig({
          env: {},
          flags: { dataDir, port: 0, bindAddress: '127.0.0.1', demo: 'off', apiKey },
        }),
        { logToStdout: false },
      );
    const oldKey = 'a'.repeat(32);
    let service = await start(oldKey);
    try {
      const signIn = await fetch(`${service.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ apiKey: oldKey }).toString(),
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const dashboard = async () =>
        (await fetch(`${service.url}/`, { headers: { cookie }, redirect: 'manual' })).status;
      expect(await dashboard()).toBe(200);

      await service.stop();
      service = await start(oldKey);
      expect(await dashboard()).toBe(200);

      await service.stop();
      service = await start('b'.repeat(32));
      expect(await dashboard()).toBe(303);
    } finally {
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
