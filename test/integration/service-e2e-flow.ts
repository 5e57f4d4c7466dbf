/**
 * The end-to-end scenario shared by the simulator test (fast suite) and the real-Kodi test: configure a Kodi
 * through the API, publish a movie by Radarr webhook, and see the job succeed with Kodi's own evidence.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- tests read JSON answers loosely */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { KodiUnderTest } from '../fixtures/kodi-under-test.js';
import { webhookFixture } from '../fixtures/webhooks/load.js';
import type { TestService } from './api-harness.js';

export const MANAGER_ROOT = '/data/media/movies';

export interface FlowResult {
  answers: string[];
  kodiFile: string;
}

export async function configureKodi(t: TestService, kodi: KodiUnderTest, answers: string[]): Promise<number> {
  const keep = <T extends { text: string }>(a: T) => {
    answers.push(a.text);
    return a;
  };
  const library = keep(
    await t.call('POST', '/api/v1/libraries', { name: 'Movies', kind: 'movies', rootPath: MANAGER_ROOT }),
  );
  const group = keep(
    await t.call('POST', '/api/v1/groups', { name: 'Living room', libraryIds: [library.body.id] }),
  );
  const player = keep(
    await t.call('POST', '/api/v1/players', {
      groupId: group.body.id,
      name: 'Living room Kodi',
      host: kodi.endpoint.host,
      httpPort: kodi.endpoint.httpPort,
      wsPort: kodi.endpoint.wsPort ?? null,
      username: kodi.endpoint.username ?? null,
      password: kodi.endpoint.password ?? null,
    }),
  );
  expect(player.status).toBe(201);
  keep(
    await t.call('POST', '/api/v1/mappings', {
      groupId: group.body.id,
      managerPrefix: MANAGER_ROOT,
      kodiPrefix: kodi.moviesRoot,
    }),
  );
  const test = keep(await t.call('POST', `/api/v1/players/${player.body.id}/test`));
  expect(test.body.ok, JSON.stringify(test.body)).toBe(true);
  const mapping = keep(
    await t.call('POST', `/api/v1/groups/${group.body.id}/test-mapping`, { path: `${MANAGER_ROOT}/` }),
  );
  expect(mapping.body.ok, JSON.stringify(mapping.body)).toBe(true);
  return group.body.id as number;
}

/** Publishes "The Matrix (1999)" as Radarr would and waits for its job to end; returns the job. */
export async function publishByWebhook(t: TestService, kodi: KodiUnderTest, answers: string[]) {
  const written = await kodi.writeMovie({ title: 'The Matrix', year: 1999, imdb: 'tt0133093' });
  const fileName = written.file.slice(kodi.moviesRoot.length);
  const payload = webhookFixture('radarr', 'download-new') as {
    movie: { folderPath: string };
    movieFile: { path: string; relativePath: string };
  };
  payload.movie.folderPath = `${MANAGER_ROOT}/${fileName.split('/')[0] ?? ''}`;
  payload.movieFile.path = `${MANAGER_ROOT}/${fileName}`;
  payload.movieFile.relativePath = fileName.split('/').slice(1).join('/');
  const started = Date.now();
  const answer = await t.call('POST', '/api/v1/webhooks/radarr', payload);
  const answeredMs = Date.now() - started;
  answers.push(answer.text);
  expect(answer.status, answer.text).toBe(202);
  const jobId = (answer.body.jobIds as number[])[0];
  const until = Date.now() + 90_000;
  let job;
  for (;;) {
    job = (await t.call('GET', `/api/v1/jobs/${String(jobId)}`)).body;
    answers.push(JSON.stringify(job));
    if (['succeeded', 'failed', 'cancelled'].includes(job.state as string) || Date.now() > until) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { job, written, answeredMs };
}

/** No answer and no log line ever holds the password or the API key. */
export function expectNoSecrets(t: TestService, answers: string[], secrets: string[]): void {
  const log = readFileSync(t.service.logFile, 'utf8');
  expect(log.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(log).not.toContain(secret);
    for (const answer of answers) expect(answer).not.toContain(secret);
  }
}
