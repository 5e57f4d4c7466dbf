/**
 * From an empty data folder to a publish verified on the page, in Chromium: sign in, the first-run guide
 * (the key only on explicit request), setup of library, group, Kodi (Test), path mapping (test), a
 * publish from the Items page verified live; each setup entry deleted again; then sign out, and the API still
 * works with the key.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- tests read JSON answers loosely */
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { startTestService, type TestService } from '../integration/api-harness.js';
import { launchChromium, markDocument, newContext, sameDocument, signIn } from './browser.js';

const MANAGER_ROOT = '/data/media/movies';

describe('the web UI set up from nothing', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let service: TestService;
  let kodi: SimulatedKodi;

  beforeAll(async () => {
    [browser, service, kodi] = await Promise.all([
      launchChromium(),
      startTestService(),
      startSimulatedKodi({ name: 'Living room' }),
    ]);
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser.close();
    await service.stop();
    await kodi.stop();
  });

  it('refuses a wrong key on the login form and signs in with the right one', async () => {
    await page.goto(`${service.url}/`);
    expect(page.url()).toBe(`${service.url}/login`);
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That is not the API key').waitFor();
    await signIn(page, service.url, service.apiKey);
    await page.getByRole('heading', { name: 'Set up Kodi Sync' }).waitFor();
  });

  it('shows the webhook URL and gives the API key only when asked, never inside the page', async () => {
    expect(await page.inputValue('#guide-radarr')).toBe(`${service.url}/api/v1/webhooks/radarr`);
    expect(await page.content()).not.toContain(service.apiKey);
    await page.getByRole('button', { name: 'Show and copy' }).click();
    await expect.poll(() => page.inputValue('#guide-key')).toBe(service.apiKey);
  });

  it('shows the API’s own validation message under the field at fault', async () => {
    await page.goto(`${service.url}/setup`);
    await page.fill('#library-name', 'Movies');
    await page.getByRole('button', { name: 'Add library' }).click();
    const message = await page.locator('#library-rootPath-error').textContent();
    const api = await service.call('POST', '/api/v1/libraries', {
      name: 'Movies',
      kind: 'movies',
      rootPath: '',
    });
    expect(api.status).toBe(400);
    expect(message?.trim()).toBe(api.body.message);
    expect(await page.getAttribute('#library-rootPath', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#library-name')).toBe('Movies');
  });

  it('adds a library, a group, the Kodi (Test shows each check) and a tested path mapping', async () => {
    await page.fill('#library-rootPath', MANAGER_ROOT);
    await page.getByRole('button', { name: 'Add library' }).click();
    await page.getByText('Library "Movies" added.').waitFor();

    await page.fill('#group-name', 'Living room');
    await page.getByRole('button', { name: 'Add group' }).click();
    await page.getByText('Group "Living room" added.').waitFor();

    await page.fill('#player-name', 'Living room Kodi');
    await page.fill('#player-host', kodi.endpoint.host);
    await page.fill('#player-httpPort', String(kodi.endpoint.httpPort));
    await page.fill('#player-wsPort', String(kodi.endpoint.wsPort));
    await page.getByRole('button', { name: 'Add Kodi' }).click();
    await page.getByText('Kodi "Living room Kodi" added.').waitFor();
    await page.getByRole('button', { name: 'Test Living room Kodi' }).click();
    await page.getByText('Kodi is ready.').waitFor();
    const checks = await page.locator('[aria-label="Test result"] li').allTextContents();
    expect(checks.map((c) => c.replace(/\s+/g, ' ').split(':')[0]?.trim())).toEqual([
      'OK Reachable',
      'OK Authentication',
      'OK Version',
      'OK WebSocket',
      'OK Video sources',
    ]);

    // Edit in place: a bad port is refused with the API's words under that field, then fixed.
    await page.getByText('Edit Living room Kodi').click();
    await page.fill('#player-1-httpPort', '99999');
    await page.getByRole('button', { name: 'Save Living room Kodi' }).click();
    const portError = await page.locator('#player-1-httpPort-error').textContent();
    expect(portError).toMatch(/httpPort.*1–65535/);
    await page.fill('#player-1-httpPort', String(kodi.endpoint.httpPort));
    await page.getByRole('button', { name: 'Save Living room Kodi' }).click();
    await page.getByText('Kodi "Living room Kodi" saved.').waitFor();

    await page.fill('#mapping-managerPrefix', MANAGER_ROOT);
    await page.fill('#mapping-kodiPrefix', kodi.moviesRoot);
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByText('Mapping added.').waitFor();
    await page.fill('#maptest-path', `${MANAGER_ROOT}/`);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.locator('#mappings .success dd').first().waitFor();
    expect(await page.locator('#mappings .success').textContent()).toContain(kodi.moviesRoot);
  });

  it('publishes a movie from the Items page and shows it verified in Kodi without a reload', async () => {
    await kodi.writeMovie({ title: 'The Matrix', year: 1999, imdb: 'tt0133093' });
    await page.goto(`${service.url}/items`);
    await page.fill('#publish-path', `${MANAGER_ROOT}/The Matrix (1999)/The Matrix (1999).mkv`);
    await page.fill('#publish-title', 'The Matrix');
    await page.fill('#publish-year', '1999');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published: 1 job(s) queued').waitFor();
    await page.locator('#publish-form a', { hasText: 'item' }).click();
    await page.getByRole('heading', { name: 'The Matrix (1999)' }).waitFor();
    await markDocument(page);
    await page.getByText('verified in Kodi').waitFor({ timeout: 20_000 });
    expect(await sameDocument(page)).toBe(true);
    expect(await page.locator('#item-detail').textContent()).toContain(kodi.moviesRoot);
    expect(kodi.sim.movies().map((m) => m.title)).toContain('The Matrix');
  });

  it('republishes and deletes the item from its page; the delete is verified absent', async () => {
    await page.getByRole('button', { name: 'Republish' }).click();
    await page.getByText('Republish: 1 job(s) queued').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete from Kodi' }).click();
    await page.getByText('Delete: 1 job(s) queued').waitFor();
    await page.getByText('verified absent').waitFor({ timeout: 20_000 });
    expect(kodi.sim.movies().map((m) => m.title)).not.toContain('The Matrix');
  });

  it('adds a notification channel (a toast on the Kodi) and its Test reaches the Kodi', async () => {
    await page.goto(`${service.url}/setup`);
    await page.fill('#channel-name', 'On the TV');
    await page.selectOption('#channel-type', 'kodi-toast');
    await page.fill('#channel-settings', '{"displayTimeMs": "long"}');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.locator('#channel-settings-error').waitFor();
    expect(await page.getAttribute('#channel-settings', 'aria-invalid')).toBe('true');
    await page.fill('#channel-settings', '{}');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByText('Channel "On the TV" added.').waitFor();
    await page.getByRole('button', { name: 'Test On the TV' }).click();
    await page.locator('#notifications .success[role="status"]', { hasText: /sent|Living room/i }).waitFor();
    expect(kodi.sim.toasts.length).toBeGreaterThan(0);
  });

  it('refuses a state change made with the session cookie but without the CSRF token', async () => {
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${service.url}/api/v1/libraries`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Forged', kind: 'movies', rootPath: '/forged' }),
    });
    expect(forged.status).toBe(403);
    const libraries = await service.call('GET', '/api/v1/libraries');
    expect(libraries.body.map((l: { name: string }) => l.name)).toEqual(['Movies']);
  });

  it('deletes each setup entry after asking, and shows the API’s reason when it is already gone', async () => {
    await page.goto(`${service.url}/setup`);
    const asked: string[] = [];
    const answer = (dialog: Dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    };
    page.on('dialog', answer);

    // Another browser deleted the channel after this page was drawn: the API's words say so.
    const channels = await service.call('GET', '/api/v1/notifications');
    const channel = `/api/v1/notifications/${channels.body[0].id}`;
    expect((await service.call('DELETE', channel)).status).toBe(204);
    await page.getByRole('button', { name: 'Delete On the TV' }).click();
    const refusal = await page.locator('#notifications [role="alert"]').textContent();
    expect(refusal).toBe((await service.call('DELETE', channel)).body.message);

    await page.getByRole('button', { name: 'Delete mapping /data/media/movies' }).click();
    await page.getByText('Mapping deleted.').waitFor();
    await page.getByRole('button', { name: 'Delete Living room Kodi' }).click();
    await page.getByText('Kodi deleted.').waitFor();
    await page.getByRole('button', { name: 'Delete group Living room' }).click();
    await page.getByText('Group deleted.').waitFor();
    await page.getByRole('button', { name: 'Delete library Movies' }).click();
    await page.getByText('Library deleted.').waitFor();
    page.off('dialog', answer);

    expect(asked).toEqual([
      'Delete the channel On the TV?',
      'Delete this mapping?',
      'Delete the Kodi Living room Kodi?',
      'Delete the group Living room?',
      'Delete the library Movies?',
    ]);
    for (const none of [
      'No library yet.',
      'No group yet.',
      'No Kodi yet.',
      'No mapping yet.',
      'No channel yet.',
    ]) {
      await page.getByText(none).waitFor();
    }
    expect((await service.call('GET', '/api/v1/libraries')).body).toEqual([]);
    expect((await service.call('GET', '/api/v1/players')).body).toEqual([]);
  });

  it('signs out: the session ends, pages ask for the login again, the API key keeps working', async () => {
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await page.goto(`${service.url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${service.url}/login`);
    await page.goto(`${service.url}/jobs`);
    expect(page.url()).toBe(`${service.url}/login`);
    const withOldCookie = await fetch(`${service.url}/api/v1/status`, { headers: { cookie } });
    expect(withOldCookie.status).toBe(401);
    expect((await service.call('GET', '/api/v1/status')).status).toBe(200);
  });
});
