// Each Radarr/Sonarr fixture posted to the real webhook route produces exactly the right jobs, in the right order.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- tests read JSON answers loosely */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookFixture, webhookFixtureNames } from '../fixtures/webhooks/load.js';
import { startTestService, type TestService } from './api-harness.js';

let t: TestService;
const MATRIX = '/data/media/movies/The Matrix (1999)/';
const SHOW = '/data/media/tv/Example Show (2020)/';

beforeAll(async () => {
  // No worker: jobs stay queued, so the test sees exactly what each webhook enqueued.
  t = await startTestService({ workers: 0 });
  const libraries = [
    ['Movies', 'movies', '/data/media/movies'],
    ['Movies v3', 'movies', '/movies'],
    ['Movies D', 'movies', 'D:\\Media\\Movies'],
    ['Movies UNC', 'movies', '\\\\nas\\movies'],
    ['TV', 'tvshows', '/data/media/tv'],
    ['TV v3', 'tvshows', '/tv'],
    ['TV E', 'tvshows', 'E:\\TV'],
    ['TV UNC', 'tvshows', '\\\\nas\\tv'],
  ];
  const ids: number[] = [];
  for (const [name, kind, rootPath] of libraries) {
    ids.push((await t.call('POST', '/api/v1/libraries', { name, kind, rootPath })).body.id as number);
  }
  expect((await t.call('POST', '/api/v1/groups', { name: 'Living room', libraryIds: ids })).status).toBe(201);
});
afterAll(async () => {
  await t.stop();
});

type Expect =
  'test' | 'ignored' | [action: 'published' | 'deleted', path: string, season?: number, episode?: number][];

const RADARR: Record<string, Expect> = {
  test: 'test',
  grab: 'ignored',
  health: 'ignored',
  'health-restored': 'ignored',
  'application-update': 'ignored',
  'manual-interaction-required': 'ignored',
  'movie-added': 'ignored',
  'movie-delete-without-files': 'ignored',
  'movie-file-delete-upgrade': 'ignored',
  'movie-file-delete-upgrade-same-path': 'ignored',
  'download-new': [['published', `${MATRIX}The Matrix (1999) Bluray-1080p.mkv`]],
  'download-upgrade-same-path': [['published', `${MATRIX}The Matrix (1999).mkv`]],
  // The upgrade pair: one job for the new file that replaces the old one (no delete job; see REPLACED) — and the
  // FileDelete(upgrade) before it added nothing.
  'download-upgrade': [['published', `${MATRIX}The Matrix (1999) Remux-2160p.mkv`]],
  rename: [['published', `${MATRIX}The Matrix (1999) {tmdb-603} [Remux-2160p].mkv`]],
  'movie-file-delete-manual-override': [['published', `${MATRIX}The Matrix (1999) Remux-2160p.mkv`]],
  'movie-file-delete-manual': [['deleted', `${MATRIX}The Matrix (1999) Remux-2160p.mkv`]],
  'movie-file-delete-missing-from-disk': [['deleted', `${MATRIX}The Matrix (1999) Remux-2160p.mkv`]],
  'v3-download-new': [['published', '/movies/The Matrix (1999)/The Matrix (1999) Bluray-1080p.mkv']],
  'windows-download-new': [['published', 'D:\\Media\\Movies\\Amélie (2001)\\Amélie (2001) Bluray-1080p.mkv']],
  'windows-unc-download-upgrade': [
    ['published', '\\\\nas\\movies\\Amélie (2001)\\Amélie (2001) Remux-2160p.mkv'],
  ],
};

const EP23 = `${SHOW}Season 01/Example Show (2020) - S01E02-E03 - Second + Third [WEBDL-1080p].mkv`;
const SONARR: Record<string, Expect> = {
  test: 'test',
  grab: 'ignored',
  health: 'ignored',
  'application-update': 'ignored',
  'manual-interaction-required': 'ignored',
  'series-add': 'ignored',
  'series-delete-without-files': 'ignored',
  'episode-file-delete-upgrade': 'ignored',
  'episode-file-delete-upgrade-same-path': 'ignored',
  'download-single': [
    ['published', `${SHOW}Season 01/Example Show (2020) - S01E01 - Pilot [WEBDL-1080p].mkv`, 1, 1],
  ],
  'download-multi-episode': [
    ['published', EP23, 1, 2],
    ['published', EP23, 1, 3],
  ],
  'download-upgrade-same-path': [['published', `${SHOW}Season 01/Example Show - S01E01.mkv`, 1, 1]],
  'download-upgrade': [
    [
      'published',
      `${SHOW}Season 01/Example Show (2020) - S01E02-E03 - Second + Third [Bluray-2160p].mkv`,
      1,
      2,
    ],
    [
      'published',
      `${SHOW}Season 01/Example Show (2020) - S01E02-E03 - Second + Third [Bluray-2160p].mkv`,
      1,
      3,
    ],
  ],
  'episode-file-delete-manual-override': [
    ['published', EP23, 1, 2],
    ['published', EP23, 1, 3],
  ],
  'episode-file-delete-manual': [
    ['deleted', EP23, 1, 2],
    ['deleted', EP23, 1, 3],
  ],
  'episode-file-delete-missing-from-disk': [
    ['deleted', EP23, 1, 2],
    ['deleted', EP23, 1, 3],
  ],
  'import-complete': [
    ['published', `${SHOW}Season 02/Example Show (2020) - S02E01 - Return [WEBDL-1080p].mkv`],
    ['published', `${SHOW}Season 02/Example Show (2020) - S02E02 - Fallout [WEBDL-1080p].mkv`],
  ],
  rename: [
    ['published', `${SHOW}Season 01/Example Show - S01E01 - Pilot.mkv`],
    ['published', `${SHOW}Season 01/Example Show - S01E02-E03 - Second + Third.mkv`],
  ],
  'v3-download-single': [
    [
      'published',
      '/tv/Example Show (2020)/Season 01/Example Show (2020) - S01E01 - Pilot [WEBDL-1080p].mkv',
      1,
      1,
    ],
  ],
  'v3-episode-file-delete': [
    [
      'deleted',
      '/tv/Example Show (2020)/Season 01/Example Show (2020) - S01E01 - Pilot [WEBDL-1080p].mkv',
      1,
      1,
    ],
  ],
  'windows-download-single': [
    ['published', 'E:\\TV\\Café Society (2019)\\Season 01\\Café Society - S01E04 - Épilogue.mkv', 1, 4],
  ],
  'windows-unc-rename': [
    ['published', '\\\\nas\\tv\\Example Show (2020)\\Season 01\\Example Show - S01E01 - Pilot.mkv'],
  ],
};

/** Replaced files known from earlier fixtures: marked deleted without a job of their own (the new file's job removes them). */
const REPLACED: Record<string, string[]> = {
  'download-upgrade': [`${MATRIX}The Matrix (1999) Bluray-1080p.mkv`],
  rename: [`${MATRIX}The Matrix (1999) Remux-2160p.mkv`],
  'sonarr download-upgrade': [EP23],
};

async function jobCount(): Promise<number> {
  return (await t.call<unknown[]>('GET', '/api/v1/jobs?limit=1000')).body.length;
}

async function post(source: 'radarr' | 'sonarr', name: string, method = 'POST') {
  return t.call<{ status: string; jobIds?: number[] }>(
    method,
    `/api/v1/webhooks/${source}`,
    webhookFixture(source, name),
  );
}

describe.each([
  ['radarr', RADARR],
  ['sonarr', SONARR],
] as const)('%s webhook fixtures', (source, table) => {
  it('has an expectation for every fixture', () => {
    const folderDeletes = webhookFixtureNames(source).filter((n) =>
      /(movie|series)-delete-with-files|unc-(movie|series)-delete/.test(n),
    );
    expect(webhookFixtureNames(source).filter((n) => !(n in table) && !folderDeletes.includes(n))).toEqual(
      [],
    );
  });

  it.each(Object.entries(table))('%s → exactly the expected jobs', async (name, expected) => {
    const before = await jobCount();
    const answer = await post(source, name);
    if (expected === 'test' || expected === 'ignored') {
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe(expected);
      expect(await jobCount()).toBe(before);
      return;
    }
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const jobIds = answer.body.jobIds ?? [];
    expect(jobIds).toHaveLength(expected.length);
    const seen = [];
    for (const id of jobIds) {
      const job = (await t.call('GET', `/api/v1/jobs/${id}`)).body;
      const item = (await t.call('GET', `/api/v1/items/${job.itemId as number}`)).body;
      seen.push(
        [item.state, item.path, item.season ?? undefined, item.episode ?? undefined].filter(
          (v) => v !== undefined,
        ),
      );
    }
    expect(seen).toEqual(expected);
    const replaced = REPLACED[source === 'sonarr' ? `sonarr ${name}` : name] ?? [];
    for (const path of replaced) {
      const query = `/api/v1/items?pathPrefix=${encodeURIComponent(path)}`;
      const items = (await t.call<{ state: string }[]>('GET', query)).body;
      expect(items.length, path).toBeGreaterThan(0);
      expect(items.map((i) => i.state)).toEqual(items.map(() => 'deleted'));
    }
    if (replaced.length > 0) {
      const job = (await t.call('GET', `/api/v1/jobs/${jobIds[0] as number}`)).body;
      expect(job.payload.replaces).toEqual(replaced);
    }
  });
});

describe('webhook receipts', () => {
  it('accepts PUT and the API key as the HTTP Basic password, and refuses a wrong one', async () => {
    const basic = `Basic ${Buffer.from(`radarr:${t.apiKey}`).toString('base64')}`;
    const ok = await t.call('PUT', '/api/v1/webhooks/radarr', webhookFixture('radarr', 'test'), {
      key: null,
      headers: { authorization: basic },
    });
    expect(ok.status).toBe(200);
    const wrong = `Basic ${Buffer.from('radarr:nope').toString('base64')}`;
    const refused = await t.call('POST', '/api/v1/webhooks/radarr', webhookFixture('radarr', 'test'), {
      key: null,
      headers: { authorization: wrong },
    });
    expect(refused.status).toBe(401);
    expect(
      (
        await t.call(
          'POST',
          '/api/v1/libraries',
          { name: 'n', kind: 'movies', rootPath: '/n' },
          { key: null, headers: { authorization: basic } },
        )
      ).status,
    ).toBe(401);
  });

  it('stores every receipt with its outcome, including refused payloads', async () => {
    const test = await post('radarr', 'test');
    expect(test.status).toBe(200);
    const bad = await t.call<{ field: string }>('POST', '/api/v1/webhooks/radarr', {
      eventType: 'Download',
      movie: { title: 5 },
    });
    expect(bad.status).toBe(400);
    const activity = (
      await t.call<{ kind: string; outcome: string }[]>('GET', '/api/v1/activity?source=radarr&limit=2')
    ).body;
    expect(activity[0]).toMatchObject({ kind: 'Download' });
    expect(activity[0]?.outcome).toMatch(/^rejected: /);
    expect(activity[1]).toMatchObject({ kind: 'Test', outcome: 'test' });
  });

  it('turns a delete with files into a folder removal per group, and marks the known items below it deleted', async () => {
    await post('radarr', 'download-new');
    const answer = await post('radarr', 'movie-delete-with-files');
    expect(answer.status).toBe(202);
    const jobs = await Promise.all(
      (answer.body.jobIds ?? []).map(async (id) => (await t.call('GET', `/api/v1/jobs/${id}`)).body),
    );
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job).toMatchObject({ kind: 'sync-folder-removal', itemId: null, payload: { kind: 'movie' } });
      expect((job.payload as { folder: string }).folder.startsWith(MATRIX)).toBe(true);
    }
    const items = (await t.call('GET', '/api/v1/items')).body as unknown as { path: string; state: string }[];
    const below = items.filter((item) => item.path.startsWith(MATRIX));
    expect(below.length).toBeGreaterThan(0);
    for (const item of below) expect(item.state).toBe('deleted');
  });

  it('answers 200 "rejected" (and keeps the connection alive) for a path in no library', async () => {
    const payload = webhookFixture('radarr', 'download-new') as {
      movie: { folderPath: string };
      movieFile: { path: string };
    };
    payload.movie.folderPath = '/elsewhere/X (2000)';
    payload.movieFile.path = '/elsewhere/X (2000)/X.mkv';
    const before = await jobCount();
    const answer = await t.call<{ status: string; message: string }>(
      'POST',
      '/api/v1/webhooks/radarr',
      payload,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('rejected');
    expect(answer.body.message).toContain('no library');
    expect(await jobCount()).toBe(before);
  });
});
