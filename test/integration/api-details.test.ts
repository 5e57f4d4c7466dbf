/**
 * The small API manners a first user runs into: a `limit` that is too large names the maximum, an action route
 * called with `content-type: application/json` and no body works (and a route that needs a body says so in
 * words, not with a framework error code), /ping and /metrics live at the root and are in the OpenAPI document,
 * and the version the API reports is package.json's.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './api-harness.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t.stop();
});

describe('API details', () => {
  it('names the maximum when a list limit is too large', async () => {
    const jobs = await t.call('GET', '/api/v1/jobs?limit=100000');
    expect(jobs.status).toBe(400);
    expect(jobs.body).toMatchObject({
      field: 'limit',
      message: 'querystring field "limit": must be at most 1000',
    });
    const batches = await t.call<{ message: string }>('GET', '/api/v1/batches?limit=0');
    expect(batches.body.message).toMatch(/"limit": must be at least 1/);
    const items = await t.call<{ message: string }>('GET', '/api/v1/items?limit=ten');
    expect(items.body.message).toMatch(/"limit": must be a whole number/);
  });

  it('accepts an action route with content-type application/json and no body', async () => {
    const group = await t.call<{ id: number }>('POST', '/api/v1/groups', { name: 'Living room' });
    const player = await t.call<{ id: number }>('POST', '/api/v1/players', {
      name: 'Nobody home',
      groupId: group.body.id,
      host: '127.0.0.1',
      httpPort: 1,
      wsPort: null,
    });
    const tested = await t.call('POST', `/api/v1/players/${player.body.id}/test`, undefined, {
      headers: { 'content-type': 'application/json' },
    });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: false });
  });

  it('answers a route that needs a body, sent empty, in words and without a framework error code', async () => {
    const answer = await t.call<{ error: string; message: string }>('POST', '/api/v1/libraries', undefined, {
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('ValidationError');
    expect(answer.body.message).toMatch(/body/);
    expect(answer.text).not.toMatch(/FST_/);
    const broken = await t.call('POST', '/api/v1/libraries', undefined, { raw: '{"name":' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'BadRequest', message: 'The body is not valid JSON.' });
  });

  it('serves /ping without a key and /metrics with the key, both at the root and in the OpenAPI document', async () => {
    expect((await t.call('GET', '/ping', undefined, { key: null })).body).toEqual({ status: 'OK' });
    expect((await t.call('GET', '/metrics', undefined, { key: null })).status).toBe(401);
    const metrics = await t.call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^# HELP kodi_sync_/m);
    const doc = (await t.call('GET', '/api/v1/openapi.json', undefined, { key: null })).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/ping', '/metrics']));
    expect(doc.paths['/ping']?.get?.security).toEqual([]);
    expect(doc.paths['/metrics']?.get?.security).toBeUndefined();
  });

  it("reports package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect((await t.call<{ version: string }>('GET', '/api/v1/status')).body.version).toBe(pkg.version);
  });
});
