/**
 * Every page at phone (390 px) and desktop width in Chromium: nothing scrolls sideways and axe-core finds
 * no WCAG 2.1 A/AA violation (labels, contrast, landmarks, names). Also: the Tasks page carries the seed's
 * warning before the library Clean, and the page works from the keyboard alone.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- tests read JSON answers loosely */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_WARNING } from '../../src/ui/pages/tasks.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startTestService, type TestService } from '../integration/api-harness.js';
import {
  accessibilityViolations,
  DESKTOP,
  focused,
  horizontalOverflow,
  launchChromium,
  newContext,
  PHONE,
  signIn,
} from './browser.js';

const MANAGER_ROOT = '/data/media/movies';

describe('every page, on a phone and a desktop', () => {
  let browser: Browser;
  let service: TestService;
  let kodi: SimulatedKodi;
  const pages: string[] = ['/', '/jobs', '/items', '/setup', '/tasks', '/activity'];

  beforeAll(async () => {
    [browser, service, kodi] = await Promise.all([
      launchChromium(),
      startTestService(),
      startSimulatedKodi({ name: 'Living room' }),
    ]);
  });
  afterAll(async () => {
    await browser.close();
    await service.stop();
    await kodi.stop();
  });

  async function signedIn(viewport: typeof PHONE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newContext(browser, viewport);
    const page = await context.newPage();
    await signIn(page, service.url, service.apiKey);
    return { context, page };
  }

  async function expectFits(page: Page, path: string, width: number): Promise<void> {
    expect({ path, width, overflow: await horizontalOverflow(page) }).toEqual({ path, width, overflow: 0 });
    expect({ path, width, violations: await accessibilityViolations(page) }).toEqual({
      path,
      width,
      violations: [],
    });
  }

  it('the login form and the first-run guide fit and pass the accessibility check', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const context = await newContext(browser, viewport);
      const page = await context.newPage();
      await page.goto(`${service.url}/login`);
      await expectFits(page, '/login', viewport.width);
      await signIn(page, service.url, service.apiKey);
      await page.getByRole('heading', { name: 'Set up Kodi Sync' }).waitFor();
      await expectFits(page, '/ (first run)', viewport.width);
      await context.close();
    }
  });

  it('with a Kodi, a verified publish, a failure and a clean task, every page fits and passes', async () => {
    const library = await service.call('POST', '/api/v1/libraries', {
      name: 'Movies',
      kind: 'movies',
      rootPath: MANAGER_ROOT,
    });
    const group = await service.call('POST', '/api/v1/groups', {
      name: 'Living room',
      libraryIds: [library.body.id],
    });
    await service.call('POST', '/api/v1/players', {
      groupId: group.body.id,
      name: 'Living room Kodi',
      host: kodi.endpoint.host,
      httpPort: kodi.endpoint.httpPort,
      wsPort: kodi.endpoint.wsPort,
    });
    await service.call('POST', '/api/v1/mappings', {
      groupId: group.body.id,
      managerPrefix: MANAGER_ROOT,
      kodiPrefix: kodi.moviesRoot,
    });
    await service.call('POST', '/api/v1/tasks', {
      name: 'Nightly clean',
      kind: 'clean',
      groupId: group.body.id,
      cron: '0 4 * * *',
      timezone: 'Europe/Berlin',
    });
    await kodi.writeMovie({
      title: 'A Very Long Movie Title That Would Push A Phone Screen Sideways If It Could',
      year: 2001,
    });
    const published = await service.call('POST', '/api/v1/items/publish', {
      kind: 'movie',
      path: `${MANAGER_ROOT}/A Very Long Movie Title That Would Push A Phone Screen Sideways If It Could (2001)/A Very Long Movie Title That Would Push A Phone Screen Sideways If It Could (2001).mkv`,
    });
    const missing = await service.call('POST', '/api/v1/items/publish', {
      kind: 'movie',
      path: `${MANAGER_ROOT}/Missing (2000)/Missing (2000).mkv`,
    });
    const jobIds = [published.body.jobIds[0] as number, missing.body.jobIds[0] as number];
    await expect
      .poll(
        async () =>
          (
            await Promise.all(
              jobIds.map(async (id) => (await service.call('GET', `/api/v1/jobs/${id}`)).body.state),
            )
          ).join(),
        { timeout: 30_000 },
      )
      .toBe('succeeded,failed');
    const all = [...pages, `/jobs/${jobIds[0]}`, `/jobs/${jobIds[1]}`, `/items/${published.body.itemIds[0]}`];
    for (const viewport of [PHONE, DESKTOP]) {
      const { context, page } = await signedIn(viewport);
      for (const path of all) {
        await page.goto(`${service.url}${path}`);
        await expectFits(page, path, viewport.width);
      }
      await context.close();
    }
  });

  it('puts the seed’s warning before the library clean on the Tasks page', async () => {
    const { context, page } = await signedIn(DESKTOP);
    await page.goto(`${service.url}/tasks`);
    expect(await page.getByRole('note').textContent()).toContain(CLEAN_WARNING);
    expect(await page.locator('table').textContent()).toContain('Nightly clean');
    await context.close();
  });

  it('can be used from the keyboard: skip link, then Tab reaches the navigation and the forms', async () => {
    const { context, page } = await signedIn(DESKTOP);
    await page.goto(`${service.url}/setup`);
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect((await focused(page)).inMain).toBe(true);
    await page.focus('#library-name');
    await page.keyboard.type('Shows');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#library-kind')).toBe('tvshows');
    await page.keyboard.press('Tab');
    await page.keyboard.type('/data/media/tv');
    await page.keyboard.press('Enter');
    await page.getByText('Library "Shows" added.').waitFor();
    await context.close();
  });
});
