// End to end on a REAL headless Kodi: configure it through the API, publish a movie by Radarr webhook, see it in Kodi's library.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- tests read JSON answers loosely */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realKodiAvailable, realKodiRpc, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';
import { startTestService, type TestService } from '../integration/api-harness.js';
import { configureKodi, expectNoSecrets, publishByWebhook } from '../integration/service-e2e-flow.js';

const PASSWORD = 'service-e2e-secret';

if (realKodiAvailable()) {
  describe('service end to end (real Kodi)', () => {
    let kodi: RealKodi;
    let t: TestService | undefined;
    beforeAll(async () => {
      kodi = await startRealKodi({ user: 'kodi', password: PASSWORD });
      t = await startTestService();
    });
    afterAll(async () => {
      // Kodi is stopped even when the service's stop fails (or it never started).
      try {
        await t?.stop();
      } finally {
        await (kodi as RealKodi | undefined)?.stop();
      }
    });

    it('publishes a movie sent by Radarr and finds it in the real Kodi library, with no secret anywhere', async () => {
      if (!t) throw new Error('the service did not start');
      const answers: string[] = [];
      await configureKodi(t, kodi, answers);
      const { job, written } = await publishByWebhook(t, kodi, answers);
      expect(job.state, JSON.stringify(job)).toBe('succeeded');
      expect(job.result.outcome).toBe('published');
      const movies = await realKodiRpc<{ movies?: { file: string }[] }>(
        kodi.endpoint,
        'VideoLibrary.GetMovies',
        { properties: ['file'] },
      );
      expect((movies.movies ?? []).map((m) => m.file)).toContain(written.file);
      expectNoSecrets(t, answers, [PASSWORD, t.apiKey]);
    });

    it('refuses the same Kodi in a second group, saying what to do, and adds nothing', async () => {
      if (!t) throw new Error('the service did not start');
      const before = await t.call('GET', '/api/v1/players');
      const second = await t.call('POST', '/api/v1/groups', { name: 'Bedroom' });
      const answer = await t.call('POST', '/api/v1/players', {
        groupId: second.body.id,
        name: 'Same Kodi again',
        host: kodi.endpoint.host,
        httpPort: kodi.endpoint.httpPort,
        wsPort: kodi.endpoint.wsPort ?? null,
        username: 'kodi',
        password: PASSWORD,
      });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/already|another group/i);
      expect(answer.text).not.toContain(PASSWORD);
      expect((await t.call('GET', '/api/v1/players')).body).toEqual(before.body);
    });
  });
} else {
  describe('service end to end (real Kodi)', () => {
    it.skip('needs kodi.bin and Xvfb on this machine', () => undefined);
  });
}
