// The dispatcher picks the enabled channels subscribed to an event, never throws, and logs failures without
// secrets; the Kodi toast goes through a real KodiClient to the simulator.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { createKodiToastAgent, type KodiToastTarget } from '../../src/notify/kodi-toast.js';
import { createNotifier, defaultAgents, type NotifierChannel } from '../../src/notify/index.js';
import { TransientError } from '../../src/util/errors.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A Gotify stand-in: answers 200, or `status` when the token is `bad-…`. */
async function gotifyStandIn(status = 401): Promise<{ url: string; keys: string[] }> {
  const keys: string[] = [];
  const server = createServer((req, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const key = String(req.headers['x-gotify-key']);
      keys.push(key);
      if (key.startsWith('bad-')) res.writeHead(status).end(`{"error":"token ${key} is unknown"}`);
      else res.writeHead(200).end('{"id":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, keys };
}

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const gotifyChannel = (
  id: number,
  url: string,
  token: string,
  over: Partial<NotifierChannel> = {},
): NotifierChannel => ({
  id,
  name: `gotify ${id}`,
  type: 'gotify',
  enabled: true,
  events: ['job-failed'],
  settings: { serverUrl: url, token },
  ...over,
});

describe('notification dispatcher', () => {
  it('sends only to enabled channels subscribed to the event type', async () => {
    const gotify = await gotifyStandIn();
    const { logger } = capturedLogger();
    const channels = [
      gotifyChannel(1, gotify.url, 'subscribed'),
      gotifyChannel(2, gotify.url, 'disabled', { enabled: false }),
      gotifyChannel(3, gotify.url, 'other-event', { events: ['kodi-back'] }),
      gotifyChannel(4, gotify.url, 'both', { events: ['kodi-back', 'job-failed'] }),
    ];
    const notifier = createNotifier({ listChannels: () => channels, logger, agents: defaultAgents() });
    const results = await notifier.notify({ type: 'job-failed', title: 'Publish failed', message: 'x' });
    expect(gotify.keys.sort()).toEqual(['both', 'subscribed']);
    expect(results.map((r) => [r.channelId, r.ok])).toEqual([
      [1, true],
      [4, true],
    ]);
  });

  it('never throws: a failing channel is logged without its token and the others still receive', async () => {
    const gotify = await gotifyStandIn();
    const { logger, lines } = capturedLogger();
    const secret = 'bad-SuperSecretToken42';
    const notifier = createNotifier({
      listChannels: () => [
        gotifyChannel(1, gotify.url, secret),
        gotifyChannel(2, gotify.url, 'good-token'),
        {
          id: 3,
          name: 'broken',
          type: 'gotify',
          enabled: true,
          events: ['job-failed'],
          settings: { token: 'x' },
        },
        { id: 4, name: 'future', type: 'matrix', enabled: true, events: ['job-failed'], settings: {} },
      ],
      logger,
      agents: defaultAgents(),
    });
    const results = await notifier.notify({ type: 'job-failed', title: 'T', message: 'M' });
    expect(results.map((r) => r.ok)).toEqual([false, true, false, false]);
    expect(results[0]?.error).toMatch(/token is invalid/);
    expect(results[2]?.error).toMatch(/settings\.serverUrl/);
    expect(results[3]?.error).toMatch(/unknown channel type "matrix"/);
    expect(gotify.keys).toContain('good-token');
    const log = lines.join('');
    expect(log).toContain('notification not sent');
    expect(log).not.toContain(secret);
    expect(JSON.stringify(results)).not.toContain(secret);
  });

  it('scrubs a secret that a service echoes back in an error body', async () => {
    const gotify = await gotifyStandIn(400);
    const { logger, lines } = capturedLogger();
    const secret = 'bad-EchoedBackToken99';
    const notifier = createNotifier({
      listChannels: () => [gotifyChannel(1, gotify.url, secret)],
      logger,
      agents: defaultAgents(),
    });
    const [result] = await notifier.notify({ type: 'job-failed', title: 'T', message: 'M' });
    expect(result?.error).toContain('is unknown');
    expect(result?.error).not.toContain(secret);
    expect(lines.join('')).not.toContain(secret);
  });

  it('returns no results and logs when the channel list cannot be read', async () => {
    const { logger, lines } = capturedLogger();
    const notifier = createNotifier({
      listChannels: () => Promise.reject(new Error('database is locked')),
      logger,
      agents: defaultAgents(),
    });
    await expect(notifier.notify({ type: 'kodi-offline', title: 'T', message: 'M' })).resolves.toEqual([]);
    expect(lines.join('')).toContain('database is locked');
  });

  it('lets the Test button see the failure, scrubbed', async () => {
    const gotify = await gotifyStandIn();
    const { logger } = capturedLogger();
    const notifier = createNotifier({ listChannels: () => [], logger, agents: defaultAgents() });
    const secret = 'bad-TestButtonToken7';
    const channel = gotifyChannel(9, gotify.url, secret, { enabled: false });
    await expect(notifier.sendTest(channel)).rejects.toThrow(/token is invalid/);
    await expect(notifier.sendTest(gotifyChannel(9, gotify.url, 'fine'))).resolves.toBeUndefined();
    expect(notifier.secretsOf(channel)).toContain(secret);
  });
});

describe('Kodi toast', () => {
  let kodi: SimulatedKodi;

  async function toastTarget(): Promise<KodiToastTarget> {
    kodi = await startSimulatedKodi({ name: 'living room' });
    const client = new KodiClient(kodi.endpoint, { webSocket: false, callTimeoutMs: 1_000 });
    cleanups.push(() => kodi.stop());
    cleanups.push(() => client.close());
    return { name: 'living room', showNotification: (t, m, d) => client.showNotification(t, m, d) };
  }

  it('shows GUI.ShowNotification on the Kodis of the channel, cut to a readable length', async () => {
    const target = await toastTarget();
    const asked: unknown[] = [];
    const agent = createKodiToastAgent((settings) => {
      asked.push(settings);
      return [target];
    });
    const { logger } = capturedLogger();
    const notifier = createNotifier({
      listChannels: () => [
        {
          id: 1,
          name: 'tv',
          type: 'kodi-toast',
          enabled: true,
          events: ['kodi-back'],
          settings: { players: [3] },
        },
      ],
      logger,
      agents: [agent],
    });
    const [result] = await notifier.notify({
      type: 'kodi-back',
      title: 'Kodi « salon » est de retour',
      message: 'x'.repeat(400),
    });
    expect(result?.ok).toBe(true);
    expect(asked).toEqual([{ players: [3], displayTimeMs: 5_000 }]);
    expect(kodi.sim.toasts).toHaveLength(1);
    expect(kodi.sim.toasts[0]?.title).toBe('Kodi « salon » est de retour');
    expect(kodi.sim.toasts[0]?.message.length).toBe(250);
    expect(kodi.sim.toasts[0]?.displaytime).toBe(5_000);
  });

  it('fails transiently, naming the Kodi, when it is offline', async () => {
    const target = await toastTarget();
    await kodi.sim.faults.goOffline();
    const agent = createKodiToastAgent(() => [target]);
    const error = await agent
      .send(
        { type: 'kodi-offline', title: 'T', message: 'M', level: 'warning' },
        agent.validateSettings({}),
        { timeoutMs: 2_000 },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/Kodi toast failed on living room/);
  });
});
