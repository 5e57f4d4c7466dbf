/**
 * What the client does when Kodi or the network misbehaves, against the simulator's fault injection:
 * it falls back, rejects with the right transient/permanent error in time, reconnects, and never hangs or
 * leaves an unhandled rejection (vitest fails the file on one).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KodiClient, type KodiClientOptions } from '../../src/kodi/client.js';
import {
  KodiAuthError,
  KodiConnectionResetError,
  KodiProtocolError,
  KodiServerError,
  KodiTimeoutError,
  KodiUnreachableError,
} from '../../src/kodi/errors.js';
import { TransientError } from '../../src/util/errors.js';
import { NotificationLog } from '../fixtures/kodi-contract.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';

let kodi: SimulatedKodi;
const clients: KodiClient[] = [];

function client(options: KodiClientOptions = {}): KodiClient {
  const created = new KodiClient(kodi.endpoint, { reconnectMinMs: 20, reconnectMaxMs: 200, ...options });
  clients.push(created);
  return created;
}

async function connected(options: KodiClientOptions = {}): Promise<KodiClient> {
  const created = client(options);
  created.start();
  expect(await created.waitForWebSocket(2_000)).toBe(true);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

function wentDown(c: KodiClient): Promise<void> {
  return new Promise((resolve) => {
    c.onConnectionChange((up) => {
      if (!up) resolve();
    });
  });
}

function lastTransport(): string | undefined {
  return kodi.sim.callLog.at(-1)?.transport;
}

beforeEach(async () => {
  kodi = await startSimulatedKodi({ username: 'kodi', password: 'fault-secret', name: 'fault kodi' });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await kodi.stop();
});

describe('Kodi client under faults', () => {
  it('falls back to HTTP at once when the WebSocket port refuses connections', async () => {
    await kodi.sim.faults.refuseWebSocket(true);
    const c = client();
    c.start();
    expect(await c.waitForWebSocket(300)).toBe(false);
    const started = Date.now();
    expect(await c.ping()).toBe('pong');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lastTransport()).toBe('http');
    expect(c.webSocketError).toMatch(/ECONNREFUSED/);
  });

  it('rejects a WebSocket call with a transient error in time when Kodi dies mid-call, then reconnects', async () => {
    const c = await connected({ callTimeoutMs: 5_000 });
    kodi.sim.faults.delayAnswers(2_000);
    const pending = rejection(c.call('VideoLibrary.GetMovies', {}));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await kodi.sim.faults.goOffline();
    const error = await pending;
    expect(error).toBeInstanceOf(KodiConnectionResetError);
    expect(error).toBeInstanceOf(TransientError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(c.webSocketUp).toBe(false);
    expect(await rejection(c.ping())).toBeInstanceOf(KodiUnreachableError);

    kodi.sim.faults.delayAnswers(0);
    await kodi.sim.faults.goOnline();
    expect(await c.waitForWebSocket(3_000)).toBe(true);
    expect(await c.ping()).toBe('pong');
    expect(lastTransport()).toBe('ws');
  });

  it('rejects with KodiConnectionResetError when Kodi drops the connection instead of answering', async () => {
    const c = await connected();
    kodi.sim.faults.resetNextCall('JSONRPC.Ping');
    expect(await rejection(c.ping())).toBeInstanceOf(KodiConnectionResetError);
    kodi.sim.faults.resetNextCall('JSONRPC.Ping');
    expect(await rejection(c.call('JSONRPC.Ping', undefined, { via: 'http' }))).toBeInstanceOf(
      KodiConnectionResetError,
    );
    expect(await c.waitForWebSocket(3_000)).toBe(true);
    expect(await c.ping()).toBe('pong');
  });

  it('reconnects after the WebSocket is dropped and receives notifications again', async () => {
    const c = await connected();
    const log = new NotificationLog(c);
    const changes: boolean[] = [];
    c.onConnectionChange((up) => changes.push(up));

    const down = wentDown(c);
    kodi.sim.faults.dropWebSockets();
    await down;
    expect(await c.waitForWebSocket(3_000)).toBe(true);
    expect(changes).toEqual([false, true]);

    const movie = await kodi.writeMovie({ title: 'After Drop', year: 2010 });
    await c.getDirectory(kodi.moviesRoot);
    const mark = log.mark();
    await c.scan(movie.folder);
    await log.waitFor('VideoLibrary.OnScanFinished', mark, { timeoutMs: 5_000 });
    expect(log.since(mark).some((n) => n.method === 'VideoLibrary.OnUpdate' && n.added)).toBe(true);
  });

  it('keeps the WebSocket open when a call times out, and the next call succeeds over it', async () => {
    const c = await connected();
    const changes: boolean[] = [];
    c.onConnectionChange((up) => changes.push(up));
    kodi.sim.faults.delayAnswers(500);
    const error = await rejection(c.call('JSONRPC.Ping', undefined, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(KodiTimeoutError);
    expect((error as KodiTimeoutError).message).toContain('"fault kodi"');
    kodi.sim.faults.delayAnswers(0);
    // The late answer to the timed-out call arrives meanwhile and is ignored.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await c.ping()).toBe('pong');
    expect(lastTransport()).toBe('ws');
    expect(c.webSocketUp).toBe(true);
    expect(changes).toEqual([]);
    expect(kodi.sim.webSocketClients).toBe(1);
  });

  it('notices a Kodi that stops answering without closing: the call in flight fails as transient, the WebSocket counts as down', async () => {
    const c = await connected({ heartbeatMs: 100, deadAfterMs: 400, callTimeoutMs: 10_000 });
    const changes: boolean[] = [];
    c.onConnectionChange((up) => changes.push(up));
    kodi.sim.faults.delayAnswers(5_000);
    const started = Date.now();
    const error = await rejection(c.call('VideoLibrary.GetMovies', { properties: ['file'] }, { via: 'ws' }));
    expect(error).toBeInstanceOf(KodiConnectionResetError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/stopped answering/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(changes[0]).toBe(false);
    kodi.sim.faults.delayAnswers(0);
    expect(await c.waitForWebSocket(5_000)).toBe(true);
    expect(await c.ping()).toBe('pong');
  });

  it('keeps a quiet but live Kodi connected: the heartbeat is answered', async () => {
    const c = await connected({ heartbeatMs: 50, deadAfterMs: 300 });
    const changes: boolean[] = [];
    c.onConnectionChange((up) => changes.push(up));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(changes).toEqual([]);
    expect(c.webSocketUp).toBe(true);
  });

  it('times out an HTTP call with KodiTimeoutError', async () => {
    const c = client({ webSocket: false });
    kodi.sim.faults.delayAnswers(1_000);
    const error = await rejection(c.call('JSONRPC.Ping', undefined, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(KodiTimeoutError);
  });

  it('names the Kodi in a KodiAuthError on HTTP 401', async () => {
    const c = new KodiClient({ ...kodi.endpoint, password: 'wrong' });
    const error = await rejection(c.ping());
    expect(error).toBeInstanceOf(KodiAuthError);
    expect((error as KodiAuthError).kodi).toBe('fault kodi');
    expect((error as KodiAuthError).message).toContain('Kodi "fault kodi" (127.0.0.1:');
    expect((error as KodiAuthError).message).not.toContain('wrong');
  });

  it('maps HTTP 503 to a transient KodiServerError and 415 to a permanent KodiProtocolError', async () => {
    const c = client({ webSocket: false });
    kodi.sim.faults.httpStatus(503);
    const server = await rejection(c.ping());
    expect(server).toBeInstanceOf(KodiServerError);
    expect((server as KodiServerError).retry).toBe('transient');
    kodi.sim.faults.httpStatus(415);
    const protocol = await rejection(c.ping());
    expect(protocol).toBeInstanceOf(KodiProtocolError);
    expect((protocol as KodiProtocolError).retry).toBe('permanent');
  });

  it("refuses an HTTP request over Kodi's 64 KiB body limit instead of sending it", async () => {
    const c = client({ webSocket: false });
    const calls = kodi.sim.callLog.length;
    const error = await rejection(c.setMovieDetails(1, { plot: 'x'.repeat(70_000) }));
    expect(error).toBeInstanceOf(KodiProtocolError);
    expect((error as KodiProtocolError).message).toContain('64 KiB');
    expect(kodi.sim.callLog.length).toBe(calls);
  });

  it("treats Kodi quitting (System.OnQuit, Kodi's malformed close frame) as an ordinary close", async () => {
    const c = await connected();
    const log = new NotificationLog(c);
    const down = wentDown(c);
    await kodi.stop();
    await down;
    expect(log.all).toContainEqual({ method: 'System.OnQuit', exitcode: 0 });
    expect(await rejection(c.ping())).toBeInstanceOf(KodiUnreachableError);
  });

  it('keeps delivering notifications when a listener throws', async () => {
    const c = await connected();
    c.onNotification(() => {
      throw new Error('listener bug');
    });
    // An async listener's rejection must not become an unhandled rejection either.
    const asyncListener = (): Promise<void> => Promise.reject(new Error('async listener bug'));
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- deliberately a rejecting async listener
    c.onNotification(asyncListener);
    const log = new NotificationLog(c);
    const movie = await kodi.writeMovie({ title: 'Listener Bug', year: 2011 });
    await c.getDirectory(kodi.moviesRoot);
    const mark = log.mark();
    await c.scan(movie.folder);
    await log.waitFor('VideoLibrary.OnScanFinished', mark, { timeoutMs: 5_000 });
    expect(await c.ping()).toBe('pong');
  });

  it('close() waits for a call in flight, then closes with a handshake', async () => {
    const c = await connected();
    kodi.sim.faults.delayAnswers(300);
    const call = c.ping();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = c.close();
    expect(c.webSocketUp).toBe(false);
    const during = c.call('JSONRPC.Version');
    await closing;
    expect(await call).toBe('pong');
    await during;
    expect(kodi.sim.callLog.filter((r) => r.method === 'JSONRPC.Version').map((r) => r.transport)).toEqual([
      'http',
    ]);
    expect(c.webSocketUp).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(kodi.sim.webSocketClients).toBe(0);
  });

  it('close() gives up on a call that does not answer within its bound, and the call rejects', async () => {
    const c = await connected({ callTimeoutMs: 30_000 });
    kodi.sim.faults.delayAnswers(10_000);
    const call = rejection(c.ping());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await c.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await call).toBeInstanceOf(KodiConnectionResetError);
  });
});
