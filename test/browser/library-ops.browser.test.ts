/**
 * The Tasks page in Chromium: the clean warning, the dry run listing exactly the entry Kodi cannot reach (and
 * removing nothing), and the drift report with Repair making Kodi match — against a simulated Kodi.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- tests read JSON answers loosely */
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startTestService, type TestService } from '../integration/api-harness.js';
import { horizontalOverflow, launchChromium, newContext, PHONE, signIn } from './browser.js';

describe('library-wide operations on the Tasks page', () => {
  let browser: Browser;
  let page: Page;
  let service: TestService;
  let kodi: SimulatedKodi;
  const files: string[] = [];

  async function waitForJobs(batchId: number): Promise<void> {
    const until = Date.now() + 30_000;
    for (;;) {
      const jobs = (await service.call('GET', `/api/v1/jobs?batch=${batchId}`)).body as { state: string }[];
      if (jobs.length > 0 && jobs.every((j) => j.state === 'succeeded')) return;
      if (Date.now() > until) throw new Error(`batch ${batchId}: ${JSON.stringify(jobs)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    [browser, service, kodi] = await Promise.all([
      launchChromium(),
      startTestService(),
      startSimulatedKodi({ name: 'Den' }),
    ]);
    const library = await service.call('POST', '/api/v1/libraries', {
      name: 'Movies',
      kind: 'movies',
      rootPath: kodi.moviesRoot,
    });
    const group = await service.call('POST', '/api/v1/groups', {
      name: 'Den',
      libraryIds: [library.body.id],
    });
    await service.call('POST', '/api/v1/players', {
      groupId: group.body.id,
      name: 'Den Kodi',
      host: kodi.endpoint.host,
      httpPort: kodi.endpoint.httpPort,
      wsPort: kodi.endpoint.wsPort,
    });
    for (const [title, year] of [
      ['Alien', 1979],
      ['Brazil', 1985],
      ['Casino', 1995],
    ] as const) {
      files.push((await kodi.writeMovie({ title, year })).file);
    }
    const published = await service.call('POST', '/api/v1/items/publish', {
      items: files.map((path) => ({ kind: 'movie', path })),
    });
    await waitForJobs(published.body.batchId as number);
    page = await (await newContext(browser)).newPage();
    await signIn(page, service.url, service.apiKey);
  });
  afterAll(async () => {
    await browser.close();
    await service.stop();
    await kodi.stop();
  });

  it('shows the clean warning, and a dry run that lists exactly the entry whose file is gone and removes nothing', async () => {
    await rm(files[1]?.replace(/[^/]+$/, '') ?? '', { recursive: true });
    await page.goto(`${service.url}/tasks`);
    await page.getByText('This will remove ALL missing files from Kodi').waitFor();
    await page.getByRole('button', { name: 'Clean dry run for Den' }).click();
    const report = page.locator('#dry-run-1');
    await report.getByText('Kodi cannot reach (1)').waitFor();
    expect(await report.textContent()).toContain('Brazil (1985).mkv');
    expect(await report.textContent()).not.toContain('Alien (1979).mkv');
    expect(kodi.sim.movies()).toHaveLength(3);
  });

  it('shows the drift — an entry removed in Kodi by hand — and Repair from the page puts it back', async () => {
    const casino = files[2] ?? '';
    const row = kodi.sim.movies().find((m) => m.file === casino);
    const client = new KodiClient(kodi.endpoint, { webSocket: false });
    await client.removeMovie(row?.movieid ?? 0);
    await page.goto(`${service.url}/tasks`);
    await page.getByRole('button', { name: 'Drift report for Den' }).click();
    const drift = page.locator('#drift-1');
    await drift.getByText('Missing in Kodi (1)').waitFor();
    expect(await drift.textContent()).toContain('Casino (1995).mkv');
    page.once('dialog', (dialog) => void dialog.accept());
    await drift.getByRole('button', { name: 'Repair (1)' }).click();
    await drift.getByText(/Queued\s+1\s+sync\s+job/).waitFor();
    const until = Date.now() + 20_000;
    while (!kodi.sim.movies().some((m) => m.file === casino) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(kodi.sim.movies().map((m) => m.file)).toContain(casino);
  });

  it('fits a phone without sideways scrolling', async () => {
    const phone = await (await newContext(browser, PHONE)).newPage();
    await signIn(phone, service.url, service.apiKey);
    await phone.goto(`${service.url}/tasks`);
    await phone.getByRole('button', { name: 'Clean dry run for Den' }).click();
    await phone
      .locator('#dry-run-1')
      .getByText(/Kodi cannot reach/)
      .waitFor();
    expect(await horizontalOverflow(phone)).toBe(0);
  });
});
