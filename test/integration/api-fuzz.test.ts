// Hostile input: random JSON bodies and ids on every endpoint never produce a 5xx, never crash the service, and a
// refused (4xx) request changes nothing.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- tests read JSON answers loosely */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/index.js';
import { startTestService, type TestService } from './api-harness.js';

let t: TestService;
let store: Store;
let endpoints: { method: string; path: string }[] = [];

/** Every table that holds configuration or work (the activity log records refused webhooks on purpose). */
const STATE_TABLES = [
  'libraries',
  'player_groups',
  'group_libraries',
  'players',
  'path_mappings',
  'items',
  'item_sync',
  'batches',
  'jobs',
  'scheduled_tasks',
  'notification_channels',
];

/** Every row of every such table: equal before and after means nothing was written (the tables stay small here). */
async function stateFingerprint(): Promise<string> {
  const parts: string[] = [];
  for (const table of STATE_TABLES) {
    const rows = await sql`select * from ${sql.table(table)} order by 1, 2`.execute(store.db);
    parts.push(`${table}:${JSON.stringify(rows.rows)}`);
  }
  return parts.join('|');
}

beforeAll(async () => {
  t = await startTestService({ workers: 0 });
  store = await openStore({ dataDir: t.dataDir });
  const library = await t.call('POST', '/api/v1/libraries', { name: 'M', kind: 'movies', rootPath: '/m' });
  await t.call('POST', '/api/v1/groups', { name: 'G', libraryIds: [library.body.id] });
  const doc = await t.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/v1/openapi.json');
  endpoints = Object.entries(doc.body.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'delete'].includes(m) && path !== '/api/v1/events')
      .map((method) => ({ method: method.toUpperCase(), path })),
  );
});
afterAll(async () => {
  await store.close();
  await t.stop();
});

const idLike = fc.oneof(
  fc.constantFrom('1', '2', '0', '-1', '..', '%2e%2e%2f', '9007199254740993', 'null', '1e3'),
  fc.nat({ max: 5 }).map(String),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

it(
  'answers 10,000 random requests to every endpoint below 500, and a refused change writes nothing',
  { timeout: 600_000 },
  async () => {
    expect(endpoints.length).toBeGreaterThan(25);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: endpoints.length - 1 }),
        idLike,
        fc.oneof(
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 40 }),
        ),
        async (index, id, raw) => {
          const endpoint = endpoints[index];
          if (endpoint === undefined) return;
          const path = endpoint.path.replace('{id}', id);
          const hasBody = endpoint.method === 'POST' || endpoint.method === 'PUT';
          const changes = endpoint.method !== 'GET';
          const before = changes ? await stateFingerprint() : '';
          const answer = await t.call(endpoint.method, path, undefined, hasBody ? { raw } : {});
          expect(answer.status, `${endpoint.method} ${path} ${raw} → ${answer.text}`).toBeLessThan(500);
          if (changes && answer.status >= 400) {
            expect(
              await stateFingerprint(),
              `${endpoint.method} ${path} ${raw} → ${answer.status} changed state`,
            ).toBe(before);
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect((await t.call('GET', '/ping', undefined, { key: null })).body).toEqual({ status: 'OK' });
  },
);

it('answers structured random bodies on the create endpoints with a status below 500', async () => {
  const creates = [
    '/api/v1/libraries',
    '/api/v1/groups',
    '/api/v1/players',
    '/api/v1/mappings',
    '/api/v1/tasks',
    '/api/v1/notifications',
    '/api/v1/items/publish',
    '/api/v1/items/delete',
    '/api/v1/webhooks/radarr',
    '/api/v1/webhooks/sonarr',
    '/api/v1/groups/1/test-mapping',
  ];
  const field = fc.constantFrom(
    'name',
    'kind',
    'rootPath',
    'groupId',
    'libraryIds',
    'host',
    'httpPort',
    'wsPort',
    'password',
    'managerPrefix',
    'kodiPrefix',
    'cron',
    'timezone',
    'type',
    'settings',
    'events',
    'path',
    'items',
    'eventType',
    'movie',
    'movieFile',
    'series',
    'episodes',
    'episodeFile',
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...creates),
      fc.dictionary(field, fc.jsonValue({ maxDepth: 3 })),
      async (path, body) => {
        const answer = await t.call('POST', path, body);
        expect(answer.status, `POST ${path} ${JSON.stringify(body)} → ${answer.text}`).toBeLessThan(500);
      },
    ),
    { numRuns: 300 },
  );
});

it('refuses deeply nested bodies (50,000 levels) with a 4xx on every create route', async () => {
  const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  const deepObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
  for (const path of [
    '/api/v1/items/publish',
    '/api/v1/webhooks/radarr',
    '/api/v1/libraries',
    '/api/v1/players',
  ]) {
    for (const raw of [deep, deepObject]) {
      const answer = await t.call('POST', path, undefined, { raw });
      expect(answer.status, `${path} → ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
  }
  expect((await t.call('GET', '/ping', undefined, { key: null })).body).toEqual({ status: 'OK' });
});

it('keeps answering others while a slow client trickles its request', async () => {
  const url = new URL(t.url);
  const slow = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve) => slow.once('connect', resolve));
  slow.write(
    'POST /api/v1/items/publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
  );
  try {
    for (let i = 0; i < 5; i++) {
      expect((await t.call('GET', '/ping', undefined, { key: null })).status).toBe(200);
      slow.write(' ');
    }
  } finally {
    slow.destroy();
  }
});
