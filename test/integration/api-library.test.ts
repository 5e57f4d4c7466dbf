/**
 * The library-wide API through the real service: bad clean settings are refused naming the field (nothing stored),
 * a clean or drift of a group whose Kodi does not answer is a clear error with a recorded run and nothing removed.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './api-harness.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('library-wide operations through the API', () => {
  let api: TestService;
  let groupId: number;
  beforeAll(async () => {
    api = await startTestService();
    const library = await api.call<{ id: number }>('POST', '/api/v1/libraries', {
      name: 'Movies',
      kind: 'movies',
      rootPath: '/srv/movies',
    });
    const group = await api.call<{ id: number }>('POST', '/api/v1/groups', {
      name: 'Attic',
      libraryIds: [library.body.id],
    });
    groupId = group.body.id;
    // A port that was free a moment ago: nothing listens, the Kodi never answers.
    await api.call('POST', '/api/v1/players', {
      groupId,
      name: 'attic',
      host: '127.0.0.1',
      httpPort: await closedPort(),
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  for (const [settings, field] of [
    [{ maxItems: -1 }, 'settings.maxItems'],
    [{ maxPercent: 101 }, 'settings.maxPercent'],
    [{ anchorFile: '.hidden' }, 'settings.anchorFile'],
    [{ anchorFile: 'a/b' }, 'settings.anchorFile'],
    [{ method: 'wipe' }, 'settings.method'],
  ] as const) {
    it(`a clean task with settings ${JSON.stringify(settings)} is refused naming ${field}, nothing stored`, async () => {
      const answer = await api.call('POST', '/api/v1/tasks', {
        name: 'bad',
        kind: 'clean',
        cron: '0 4 * * *',
        settings,
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'ValidationError', field });
      expect((await api.call('GET', '/api/v1/tasks')).body).toEqual([]);
    });
  }

  it('a clean task is disabled unless enabled, and its docs carry the warning', async () => {
    const task = await api.call<{ id: number }>('POST', '/api/v1/tasks', {
      name: 'nightly',
      kind: 'clean',
      cron: '0 4 * * *',
    });
    expect(task.body).toMatchObject({ enabled: false, nextRunAt: null });
    const openapi = await api.call('GET', '/api/v1/openapi.json');
    expect(openapi.text).toContain('WARNING: a clean removes library entries');
    await api.call('DELETE', `/api/v1/tasks/${task.body.id}`);
  });

  it('a real clean needs confirm: true', async () => {
    const answer = await api.call('POST', `/api/v1/groups/${groupId}/clean`, {});
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field: 'confirm' });
  });

  it('the dry run and the drift of a group whose Kodi does not answer: 503 naming it', async () => {
    const dryRun = await api.call('GET', `/api/v1/groups/${groupId}/clean/dry-run`);
    expect(dryRun.status).toBe(503);
    expect(dryRun.body).toMatchObject({
      error: 'KodiUnavailable',
      message: expect.stringMatching(/Attic/) as unknown,
    });
    const drift = await api.call('GET', `/api/v1/groups/${groupId}/drift`);
    expect(drift.status).toBe(503);
  });

  it('a clean of a group with no answering Kodi: a clear error and a recorded run, nothing removed', async () => {
    const task = await api.call<{ id: number }>('POST', '/api/v1/tasks', {
      name: 'attic clean',
      kind: 'clean',
      groupId,
      cron: '0 4 * * *',
    });
    const started = await api.call('POST', `/api/v1/tasks/${task.body.id}/run`);
    expect(started.status).toBe(202);
    let runs: { outcome: string | null; report: { error?: string } | null }[] = [];
    for (let i = 0; i < 200; i++) {
      runs = (await api.call<typeof runs>('GET', `/api/v1/tasks/${task.body.id}/runs`)).body;
      if (runs[0]?.outcome) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'failed' });
    expect(runs[0]?.report?.error).toMatch(/No player of group "Attic" answers/);
    const jobs = await api.call<{ kind: string; state: string; lastError: string }[]>(
      'GET',
      `/api/v1/jobs?lane=${groupId}`,
    );
    expect(jobs.body[0]).toMatchObject({ kind: 'library-clean', state: 'failed' });
    expect(jobs.body[0]?.lastError).toMatch(/nothing was removed/);
  });
});
