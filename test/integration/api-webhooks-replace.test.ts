// Radarr upgrades and Sonarr renames through the real webhook route, service and queue, against the simulator with
// real files: the new file takes over the old entry's watched state and the old entry leaves Kodi.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- tests read JSON answers loosely */
import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { webhookFixture } from '../fixtures/webhooks/load.js';
import { startTestService, type TestService } from './api-harness.js';

const MOVIES = '/data/media/movies';
const TV = '/data/media/tv';
let t: TestService;
let kodi: SimulatedKodi;
let client: KodiClient;

beforeAll(async () => {
  kodi = await startSimulatedKodi();
  t = await startTestService();
  client = new KodiClient(kodi.endpoint, { webSocket: false });
  const movies = await t.call('POST', '/api/v1/libraries', {
    name: 'Movies',
    kind: 'movies',
    rootPath: MOVIES,
  });
  const tv = await t.call('POST', '/api/v1/libraries', { name: 'TV', kind: 'tvshows', rootPath: TV });
  const group = await t.call('POST', '/api/v1/groups', {
    name: 'Living room',
    libraryIds: [movies.body.id, tv.body.id],
  });
  const player = await t.call('POST', '/api/v1/players', {
    groupId: group.body.id,
    name: 'Living room Kodi',
    host: kodi.endpoint.host,
    httpPort: kodi.endpoint.httpPort,
    wsPort: kodi.endpoint.wsPort ?? null,
  });
  expect(player.status, player.text).toBe(201);
  for (const [managerPrefix, kodiPrefix] of [
    [MOVIES, kodi.moviesRoot],
    [TV, kodi.tvRoot],
  ]) {
    const mapping = await t.call('POST', '/api/v1/mappings', {
      groupId: group.body.id,
      managerPrefix,
      kodiPrefix,
    });
    expect(mapping.status, mapping.text).toBe(201);
  }
});
afterAll(async () => {
  await client.close();
  await t.stop();
  await kodi.stop();
});

/** Posts the payload and waits until each of its jobs has ended; returns the jobs. */
async function post(source: 'radarr' | 'sonarr', payload: unknown): Promise<any[]> {
  const answer = await t.call('POST', `/api/v1/webhooks/${source}`, payload);
  expect(answer.status, answer.text).toBe(202);
  const jobs = [];
  for (const id of answer.body.jobIds as number[]) {
    const until = Date.now() + 20_000;
    for (;;) {
      const job = (await t.call('GET', `/api/v1/jobs/${String(id)}`)).body;
      if (['succeeded', 'failed', 'cancelled'].includes(job.state as string) || Date.now() > until) {
        jobs.push(job);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return jobs;
}

async function move(from: string, to: string): Promise<void> {
  await rename(`${from}.mkv`, `${to}.mkv`);
  await rename(`${from}.nfo`, `${to}.nfo`);
}

it('keeps the watched state and date added of a movie Radarr upgraded under a new name', async () => {
  const written = await kodi.writeMovie({ title: 'The Matrix', year: 1999, imdb: 'tt0133093' });
  const folder = written.folder;
  await move(`${folder}The Matrix (1999)`, `${folder}The Matrix (1999) Bluray-1080p`);
  const first = await post('radarr', webhookFixture('radarr', 'download-new'));
  expect(first.map((j) => j.state)).toEqual(['succeeded']);
  const oldId = kodi.sim.movies()[0]?.movieid ?? -1;
  await client.setMovieDetails(oldId, {
    playcount: 3,
    lastplayed: '2024-01-02 03:04:05',
    resume: { position: 600, total: 8160 },
    dateadded: '2020-06-07 08:09:10',
  });

  await move(`${folder}The Matrix (1999) Bluray-1080p`, `${folder}The Matrix (1999) Remux-2160p`);
  const jobs = await post('radarr', webhookFixture('radarr', 'download-upgrade'));
  expect(jobs).toHaveLength(1);
  expect(jobs[0].state, JSON.stringify(jobs[0])).toBe('succeeded');
  expect(jobs[0].result.replaced).toMatchObject([
    { file: `${folder}The Matrix (1999) Bluray-1080p.mkv`, kodiIds: [oldId] },
  ]);
  const { movies } = await client.getMovies({
    properties: ['file', 'playcount', 'lastplayed', 'resume', 'dateadded'],
  });
  expect(movies).toMatchObject([
    {
      file: `${folder}The Matrix (1999) Remux-2160p.mkv`,
      playcount: 3,
      lastplayed: '2024-01-02 03:04:05',
      resume: { position: 600, total: 8160 },
      dateadded: '2020-06-07 08:09:10',
    },
  ]);
});

it('moves the watched state of an episode Sonarr renamed to its new name', async () => {
  const written = await kodi.writeEpisode({
    show: 'Example Show (2020)',
    season: 1,
    episode: 1,
    title: 'Pilot',
  });
  const season = written.seasonFolder;
  const oldName = `${season}Example Show (2020) - S01E01 - Pilot [WEBDL-1080p]`;
  await move(written.file.replace(/\.mkv$/, ''), oldName);
  const first = await post('sonarr', webhookFixture('sonarr', 'download-single'));
  expect(first.map((j) => j.state)).toEqual(['succeeded']);
  const oldId = kodi.sim.episodes()[0]?.episodeid ?? -1;
  await client.setEpisodeDetails(oldId, { playcount: 1, lastplayed: '2024-05-06 07:08:09' });

  await move(oldName, `${season}Example Show - S01E01 - Pilot`);
  const payload = webhookFixture('sonarr', 'rename') as { renamedEpisodeFiles: unknown[] };
  // The fixture renames two files; only the first exists on this disk.
  payload.renamedEpisodeFiles = payload.renamedEpisodeFiles.slice(0, 1);
  const jobs = await post('sonarr', payload);
  expect(jobs.map((j) => j.state)).toEqual(['succeeded']);
  expect(kodi.sim.episodes()).toMatchObject([
    {
      file: `${season}Example Show - S01E01 - Pilot.mkv`,
      season: 1,
      episode: 1,
      playcount: 1,
      lastplayed: '2024-05-06 07:08:09',
    },
  ]);
  expect(kodi.sim.tvshows()).toHaveLength(1);
});
