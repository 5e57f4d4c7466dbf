/**
 * First run in demo mode, in Chromium: the dashboard, open before the demo starts, turns from the setup
 * guide into the two simulated Kodis connected and their publishes verified, group by group, without a
 * reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/api-client.js';
import { startDemo, type RunningDemo } from '../../src/cli/demo.js';
import { startTestService, type TestService } from '../integration/api-harness.js';
import { launchChromium, markDocument, newContext, sameDocument, signIn } from './browser.js';

describe('demo mode on the dashboard', () => {
  let browser: Browser;
  let page: Page;
  let service: TestService;
  let demo: RunningDemo | undefined;

  beforeAll(async () => {
    [browser, service] = await Promise.all([launchChromium(), startTestService()]);
    page = await (await newContext(browser)).newPage();
  });
  afterAll(async () => {
    await browser.close();
    await service.stop();
    await demo?.stop();
  });

  it('shows the two simulated Kodis verifying the demo library as it happens', async () => {
    await signIn(page, service.url, service.apiKey);
    await page.getByRole('heading', { name: 'Set up Kodi Sync' }).waitFor();
    await page.locator('#live-status', { hasText: 'Live' }).waitFor();
    await markDocument(page);

    demo = await startDemo(
      new ApiClient({ url: service.url, apiKey: service.apiKey }),
      service.dataDir,
      service.service.logger,
    );
    service.service.setDemoStatus({ running: true });

    for (const kodi of ['Living room (demo)', 'Bedroom (demo)']) {
      await page.getByRole('article', { name: kodi }).getByText('connected').waitFor({ timeout: 20_000 });
    }
    const perGroup = demo.jobCount / 2;
    await expect
      .poll(
        async () =>
          (await page.locator('td[data-label="Progress"] span').allTextContents()).map((t) =>
            t.replace(/\s+/g, ' ').trim(),
          ),
        { timeout: 30_000 },
      )
      .toEqual([`Living room (demo): ${perGroup}/${perGroup}`, `Bedroom (demo): ${perGroup}/${perGroup}`]);
    expect(await page.getByText('Demo mode: two simulated Kodis').count()).toBe(1);
    expect(await sameDocument(page)).toBe(true);
  });
});
