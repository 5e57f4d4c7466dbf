// Takes the README's screenshots (docs/screenshots/*.png) of the web UI in demo mode: starts
// `kodi-sync serve --demo on` in a fresh data folder, waits for the demo's publishes to be verified,
// signs in with Chromium and photographs the main pages at desktop and phone width.
// Run: npm run screenshots (needs /usr/bin/chromium: bash scripts/install-chromium.sh).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DESKTOP, launchChromium, newContext, PHONE, signIn } from '../test/browser/browser.js';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const dataDir = await mkdtemp(join(tmpdir(), 'kodi-sync-shots-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const service = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'serve',
    '--data-dir',
    dataDir,
    '--port',
    String(port),
    '--bind-address',
    '127.0.0.1',
    '--demo',
    'on',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
try {
  const key = await waitFor(
    'the API key',
    async () => (await readFile(join(dataDir, 'api-key.txt'), 'utf8')).trim() || undefined,
  );
  await waitFor('the demo publishes to be verified', async () => {
    const response = await fetch(`${url}/api/v1/batches`, { headers: { 'x-api-key': key } });
    const batches = (await response.json()) as { total: number; succeeded: number }[];
    return batches[0] !== undefined && batches[0].total > 0 && batches[0].succeeded === batches[0].total
      ? true
      : undefined;
  });
  const jobs = (await (
    await fetch(`${url}/api/v1/jobs?limit=1`, { headers: { 'x-api-key': key } })
  ).json()) as { id: number; itemId: number }[];
  const job = jobs[0];
  const browser = await launchChromium();
  const shots: [string, string, typeof DESKTOP][] = [
    ['dashboard-desktop', '/', DESKTOP],
    ['jobs-desktop', '/jobs', DESKTOP],
    ['job-desktop', `/jobs/${job?.id ?? 1}`, DESKTOP],
    ['item-desktop', `/items/${job?.itemId ?? 1}`, DESKTOP],
    ['setup-desktop', '/setup', DESKTOP],
    ['tasks-desktop', '/tasks', DESKTOP],
    ['dashboard-phone', '/', PHONE],
    ['job-phone', `/jobs/${job?.id ?? 1}`, PHONE],
    ['setup-phone', '/setup', PHONE],
  ];
  for (const viewport of [DESKTOP, PHONE]) {
    const context = await newContext(browser, viewport);
    const page = await context.newPage();
    await signIn(page, url, key);
    for (const [name, path, size] of shots.filter(([, , v]) => v === viewport)) {
      await page.goto(`${url}${path}`);
      if (path === '/') await page.locator('#live-status', { hasText: 'Live' }).waitFor();
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      console.log(`docs/screenshots/${name}.png (${size.width}×${size.height})`);
    }
    await context.close();
  }
  await browser.close();
} finally {
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
}
