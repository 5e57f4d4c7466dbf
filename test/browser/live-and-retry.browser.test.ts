/**
 * Live updates and Retry in Chromium: the dashboard follows the Kodi's state and a failing job as they
 * happen (Server-Sent Events, no reload), and a failed job retried from the page ends verified.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- tests read JSON answers loosely */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startTestService, type TestService } from '../integration/api-harness.js';
import { launchChromium, markDocument, newContext, sameDocument, signIn } from './browser.js';

const MANAGER_ROOT = '/data/media/movies';
const MOVIE = `${MANAGER_ROOT}/Heat (1995)/Heat (1995).mkv`;

describe('the dashboard, live', () => {
  let browser: Browser;
  let page: Page;
  let service: TestService;
  let kodi: SimulatedKodi;
  let groupId: number;

  beforeAll(async () => {
    [browser, service, kodi] = await Promise.all([
      launchChromium(),
      startTestService(),
      startSimulatedKodi({ name: 'Bedroom' }),
    ]);
    const library = await service.call('POST', '/api/v1/libraries', {
      name: 'Movies',
      kind: 'movies',
      rootPath: MANAGER_ROOT,
    });
    const group = await service.call('POST', '/api/v1/groups', {
      name: 'Bedroom',
      libraryIds: [library.body.id],
    });
    groupId = group.body.id as number;
    await service.call('POST', '/api/v1/players', {
      groupId,
      name: 'Bedroom Kodi',
      host: kodi.endpoint.host,
      httpPort: kodi.endpoint.httpPort,
      wsPort: kodi.endpoint.wsPort,
    });
    await kodi.writeMovie({ title: 'Heat', year: 1995, imdb: 'tt0113277' });
    page = await (await newContext(browser)).newPage();
    await signIn(page, service.url, service.apiKey);
    await page.locator('#live-status', { hasText: 'Live' }).waitFor();
    await markDocument(page);
  });
  afterAll(async () => {
    await browser.close();
    await service.stop();
    await kodi.stop();
  });

  const notReloaded = () => sameDocument(page);

  it('shows the Kodi connected, then playing, as it happens', async () => {
    const card = page.getByRole('article', { name: 'Bedroom Kodi' });
    await card.getByText('connected').waitFor();
    const [movie] = kodi.sim.movies();
    expect(movie).toBeUndefined();
    await kodi.sim.play(`${kodi.moviesRoot}Heat (1995)/Heat (1995).mkv`);
    await card.getByText('playing').waitFor();
    await kodi.sim.stopPlayback();
    await card.getByText('idle').waitFor();
    expect(await notReloaded()).toBe(true);
  });

  it('shows a failing job with its message as it fails', async () => {
    const answer = await service.call('POST', '/api/v1/items/publish', {
      kind: 'movie',
      path: MOVIE,
      title: 'Heat',
    });
    expect(answer.status).toBe(202);
    const jobId = answer.body.jobIds[0] as number;
    const failure = page.locator('tr', { has: page.getByRole('link', { name: `#${jobId}` }) });
    await failure.waitFor({ timeout: 20_000 });
    expect(await failure.textContent()).toMatch(/mapping/i);
    await page.getByRole('button', { name: `Retry failed in batch ${answer.body.batchId}` }).waitFor();
    expect(await notReloaded()).toBe(true);
  });

  it('retries the failed job from the page, after the missing mapping is added, and shows it verified', async () => {
    await service.call('POST', '/api/v1/mappings', {
      groupId,
      managerPrefix: MANAGER_ROOT,
      kodiPrefix: kodi.moviesRoot,
    });
    await page.getByRole('button', { name: /^Retry job/ }).click();
    await page.getByText('No failed jobs.').waitFor({ timeout: 20_000 });
    await page.getByText('Bedroom: 1/1').waitFor({ timeout: 20_000 });
    expect(await notReloaded()).toBe(true);
    expect(kodi.sim.movies().map((m) => m.title)).toEqual(['Heat']);
  });
});
