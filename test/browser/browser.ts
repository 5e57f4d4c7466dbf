/**
 * Browser fixture: Debian's Chromium driven by playwright-core (research/stack.md pitfall 13: no browser
 * download, --no-sandbox as root, no background networking), signing in, and the checks every page must
 * pass — no horizontal scrolling, and no accessibility violations by axe-core.
 */
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A fresh browser profile (own cookies). axe is injected as a script, so the page's CSP is bypassed. */
export async function newContext(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ viewport, bypassCSP: true, colorScheme: 'dark' });
}

export async function signIn(page: Page, baseUrl: string, apiKey: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/`);
}

// Code run inside the page is passed as text: the project compiles for Node without the DOM typings.

/** How far the page scrolls sideways (0 = not at all). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** Marks the loaded document; `sameDocument` is true until the page is reloaded or left. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate('window.kodiSyncTestMark = true');
}

export async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('window.kodiSyncTestMark === true');
}

/** The focused element's text, and whether it sits in the main landmark. */
export async function focused(page: Page): Promise<{ text: string; inMain: boolean }> {
  return page.evaluate<{ text: string; inMain: boolean }>(
    '({ text: document.activeElement?.textContent ?? "", inMain: document.activeElement?.closest("main") != null })',
  );
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate<AxeViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((result) => result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    })))`);
}
