// One Kodi library, one lane: the API refuses a Kodi in two groups and a second Kodi in a group that does not
// share a database — 400 naming the field and what to do, nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './api-harness.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ workers: 0 });
});
afterAll(async () => {
  await t.stop();
});

async function group(name: string, sharedDatabase = false): Promise<number> {
  const answer = await t.call<{ id: number }>('POST', '/api/v1/groups', { name, sharedDatabase });
  expect(answer.status).toBe(201);
  return answer.body.id;
}

async function player(groupId: number, name: string, host: string, httpPort = 8080): Promise<number> {
  const answer = await t.call<{ id: number }>('POST', '/api/v1/players', { groupId, name, host, httpPort });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.id;
}

async function players(): Promise<{ id: number; groupId: number; host: string }[]> {
  return (await t.call<{ id: number; groupId: number; host: string }[]>('GET', '/api/v1/players')).body;
}

/** The request is answered 400 with `field` and `hint` in the message, and no player or group changed. */
async function refused(method: string, path: string, body: unknown, field: string, hint: RegExp) {
  const before = JSON.stringify([await players(), (await t.call('GET', '/api/v1/groups')).body]);
  const answer = await t.call<{ message: string; field?: string }>(method, path, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.message).toMatch(new RegExp(`^${field}:`));
  expect(answer.body.message).toMatch(hint);
  expect(JSON.stringify([await players(), (await t.call('GET', '/api/v1/groups')).body])).toBe(before);
}

describe('one Kodi library, one lane', () => {
  it('refuses a player whose Kodi (host:port, any case) already serves another group', async () => {
    const living = await group('Living room');
    const bedroom = await group('Bedroom');
    await player(living, 'living', 'Kodi-Living.local', 8080);
    await refused(
      'POST',
      '/api/v1/players',
      { groupId: bedroom, name: 'again', host: 'kodi-living.LOCAL', httpPort: 8080 },
      'host',
      /already player "living" of group "Living room".*one group.*Move that player/,
    );
    // Another port on the same machine is another Kodi.
    await player(bedroom, 'second instance', 'kodi-living.local', 8081);
  });

  it('refuses moving a player onto a Kodi another group already has', async () => {
    const a = await group('Study');
    const b = await group('Attic');
    await player(a, 'study', '10.0.0.5');
    const attic = await player(b, 'attic', '10.0.0.6');
    await refused('PUT', `/api/v1/players/${attic}`, { host: '10.0.0.5' }, 'host', /group "Study"/);
  });

  it('refuses a second Kodi in a group that does not share a database, saying what to do', async () => {
    const den = await group('Den');
    await player(den, 'den', '10.0.1.1');
    await refused(
      'POST',
      '/api/v1/players',
      { groupId: den, name: 'den 2', host: '10.0.1.2', httpPort: 8080 },
      'groupId',
      /one Kodi library: put the other Kodi in its own group, or mark the group "shared database"/,
    );
    const other = await group('Porch');
    const porch = await player(other, 'porch', '10.0.1.3');
    await refused('PUT', `/api/v1/players/${porch}`, { groupId: den }, 'groupId', /own group/);
  });

  it('accepts several Kodis in a shared-database group and refuses turning sharing off while they are there', async () => {
    const house = await group('House', true);
    await player(house, 'kitchen', '10.0.2.1');
    const garage = await player(house, 'garage', '10.0.2.2');
    await refused(
      'PUT',
      `/api/v1/groups/${house}`,
      { sharedDatabase: false },
      'sharedDatabase',
      /has 2 players .*Move or delete players until one is left/,
    );
    expect((await t.call('DELETE', `/api/v1/players/${garage}`)).status).toBe(204);
    const off = await t.call<{ sharedDatabase: boolean }>('PUT', `/api/v1/groups/${house}`, {
      sharedDatabase: false,
    });
    expect(off).toMatchObject({ status: 200, body: { sharedDatabase: false } });
  });
});
