/**
 * The connection keeper (src/kodi/connection-keeper*.ts) on real sockets: a WebSocket through it works like a
 * direct one, errors keep their codes, and — what it is for — when the client's side vanishes with data still
 * flowing, the far end sees a clean FIN and can go on writing until it closes, never a reset (a reset is what makes
 * a SIGPIPE-default Kodi die; the real-Kodi proof is test/real-kodi/service-killed.real.test.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import {
  startConnectionKeeper,
  type ConnectionKeeper,
  type SocketTarget,
} from '../../src/kodi/connection-keeper.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { until } from '../fixtures/service-process.js';

function connectThrough(keeper: ConnectionKeeper, target: SocketTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    keeper.connect(target, (error, socket) => {
      if (error || !socket) reject(error ?? new Error('no socket'));
      else resolve(socket);
    });
  });
}

/** A stand-in for Kodi that keeps writing to its client and records how the connection ended. */
async function chattyServer(): Promise<{ server: Server; port: number; ends: string[] }> {
  const ends: string[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunk = Buffer.alloc(64 * 1024, 120);
    const timer = setInterval(() => {
      if (!socket.destroyed && !socket.writableEnded) socket.write(chunk);
    }, 5);
    socket.on('end', () => {
      ends.push('fin');
      // Kodi keeps writing for a moment after the FIN (a notification already queued), then closes.
      setTimeout(() => {
        clearInterval(timer);
        socket.end();
      }, 200);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearInterval(timer);
      ends.push(error.code ?? 'error');
    });
    socket.on('close', () => {
      clearInterval(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, ends };
}

describe('the connection keeper', () => {
  let keeper: ConnectionKeeper | undefined;
  let kodi: SimulatedKodi | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await keeper?.stop();
    await kodi?.stop();
    server?.close();
    keeper = undefined;
    kodi = undefined;
    server = undefined;
  });

  it('carries a Kodi WebSocket: calls and notifications as over a direct connection', async () => {
    keeper = startConnectionKeeper(pino({ enabled: false }));
    kodi = await startSimulatedKodi({ name: 'den' });
    const client = new KodiClient(kodi.endpoint, { connectSocket: keeper.connect });
    client.start();
    expect(await client.waitForWebSocket(10_000)).toBe(true);
    const seen: string[] = [];
    client.onNotification((n) => seen.push(n.method));
    expect(await client.call('JSONRPC.Ping', undefined, { via: 'ws' })).toBe('pong');
    await client.scan();
    await until('the scan notifications came through', 10_000, () =>
      Promise.resolve(seen.includes('VideoLibrary.OnScanFinished')),
    );
    await client.close();
  });

  it('answers a refused port with ECONNREFUSED, as a direct connection would', async () => {
    keeper = startConnectionKeeper(pino({ enabled: false }));
    const { server: closed, port } = await chattyServer();
    await new Promise((resolve) => closed.close(resolve));
    await expect(connectThrough(keeper, { host: '127.0.0.1', port, timeout: 2_000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('gives the far end a FIN, never a reset, when the client side vanishes mid-stream', async () => {
    keeper = startConnectionKeeper(pino({ enabled: false }));
    const chatty = await chattyServer();
    server = chatty.server;
    const socket = await connectThrough(keeper, { host: '127.0.0.1', port: chatty.port });
    await new Promise<void>((resolve) => {
      socket.once('data', () => {
        resolve();
      });
    });
    socket.pause();
    // Closed with unread data in its buffer, as when the service is killed.
    socket.destroy();
    await until('the far end saw the connection end', 10_000, () => Promise.resolve(chatty.ends.length > 0));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chatty.ends).toEqual(['fin']);
  });

  it('without the keeper the same vanishing client resets the far end (what the keeper prevents)', async () => {
    const chatty = await chattyServer();
    server = chatty.server;
    const { connect } = await import('node:net');
    const socket = connect({ host: '127.0.0.1', port: chatty.port });
    await new Promise<void>((resolve) => {
      socket.once('data', () => {
        resolve();
      });
    });
    socket.pause();
    socket.resetAndDestroy();
    await until('the far end saw the connection end', 10_000, () => Promise.resolve(chatty.ends.length > 0));
    expect(chatty.ends[0]).toMatch(/ECONNRESET|EPIPE/);
  });

  it('starts again on the next connection after it died', async () => {
    keeper = startConnectionKeeper(pino({ enabled: false }));
    kodi = await startSimulatedKodi({ name: 'den' });
    const target = { host: kodi.endpoint.host, port: kodi.endpoint.wsPort ?? 0 };
    (await connectThrough(keeper, target)).destroy();
    const first = keeper.pid ?? 0;
    process.kill(first, 'SIGKILL');
    await until('the keeper is gone', 10_000, () => Promise.resolve(keeper?.pid === undefined));
    const socket = await connectThrough(keeper, target);
    expect(keeper.pid).not.toBe(first);
    socket.destroy();
  });
});
