/**
 * "Never take a Kodi down" (DESIGN §2.9): a real Kodi 20.1 with SIGPIPE at its default action dies when a socket
 * client vanishes while Kodi still has something to send (real-kodi.md §12). The client goes through its whole
 * life against such a Kodi — connect, scans with notifications, calls timing out, close() with a call in flight
 * and mid-scan — and Kodi must still be alive and answering after every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { KodiTimeoutError } from '../../src/kodi/errors.js';
import { NotificationLog, scanFolder } from '../fixtures/kodi-contract.js';
import { processDead, realKodiAvailable, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!realKodiAvailable())('Kodi client against a Kodi that dies on SIGPIPE', () => {
  let kodi: RealKodi;

  /** Give Kodi time to write whatever it still had queued, then check it is alive and answers a fresh client. */
  async function expectKodiAlive(): Promise<void> {
    await sleep(1_500);
    expect(!processDead(kodi.pid)).toBe(true);
    expect(await new KodiClient(kodi.endpoint, { webSocket: false, callTimeoutMs: 5_000 }).ping()).toBe(
      'pong',
    );
  }

  async function connected(): Promise<{ client: KodiClient; log: NotificationLog }> {
    const client = new KodiClient(kodi.endpoint, { callTimeoutMs: 15_000 });
    const log = new NotificationLog(client);
    client.start();
    expect(await client.waitForWebSocket(10_000)).toBe(true);
    return { client, log };
  }

  beforeAll(async () => {
    kodi = await startRealKodi({ sigpipe: 'default' });
  });

  afterAll(async () => {
    await kodi.stop();
  });

  it('survives connect, a scan with notifications, calls that time out, and a graceful close', async () => {
    const { client, log } = await connected();
    const movie = await kodi.writeMovie({ title: 'Sigpipe One', year: 2001 });
    const mark = await scanFolder(client, log, movie.folder);
    expect(log.since(mark).some((n) => n.method === 'VideoLibrary.OnUpdate' && n.added)).toBe(true);

    // GetInfoBooleans waits for Kodi's GUI thread (20–30 ms, real-kodi.md §15): it always misses a 1 ms timeout,
    // and Kodi writes the late answers to the socket that stays open.
    for (let i = 0; i < 3; i++) {
      await expect(
        client.call('XBMC.GetInfoBooleans', { booleans: ['Library.IsScanningVideo'] }, { timeoutMs: 1 }),
      ).rejects.toBeInstanceOf(KodiTimeoutError);
    }
    expect(await client.ping()).toBe('pong');
    expect(client.webSocketUp).toBe(true);
    await client.close();
    await expectKodiAlive();
  });

  it('survives close() while calls with big answers are in flight', async () => {
    const { client } = await connected();
    // ~170 KB each: Kodi is still writing when close() is called. Dropping the socket now is what kills Kodi.
    const inFlight = Array.from({ length: 10 }, () => client.call('JSONRPC.Introspect'));
    await client.close();
    const answers = await Promise.all(inFlight);
    expect(answers).toHaveLength(10);
    await expectKodiAlive();
  });

  it('survives a shutdown in the middle of a scan, with notifications still to come and a call in flight', async () => {
    const { client, log } = await connected();
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        kodi.writeMovie({ title: `Sigpipe Bulk ${String(i).padStart(3, '0')}`, year: 1970 }),
      ),
    );
    await client.getDirectory(kodi.moviesRoot);
    const mark = log.mark();
    await client.scan(kodi.moviesRoot);
    await log.waitFor('VideoLibrary.OnUpdate', mark, { where: (n) => n.added });
    const inFlight = client.isScanningVideo();
    await client.close();
    expect(await inFlight).toBe(true);
    await expectKodiAlive();

    const after = new KodiClient(kodi.endpoint, { webSocket: false });
    const deadline = Date.now() + 30_000;
    while ((await after.isScanningVideo()) && Date.now() < deadline) await sleep(200);
    await expectKodiAlive();
  });

  it('survives clients that are closed right after connecting, again and again', async () => {
    for (let i = 0; i < 5; i++) {
      const client = new KodiClient(kodi.endpoint);
      client.start();
      await client.close();
    }
    await expectKodiAlive();
  });
});
