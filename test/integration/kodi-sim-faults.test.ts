// Every fault the simulator can inject does what it says, on real sockets; and two simulators can share a library.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KodiSimulator } from '../../src/kodi-sim/index.js';
import { writeMovieFolder } from '../fixtures/media.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { eventually, httpCall, httpUrl, RawWebSocket, rpc } from './kodi-sim-raw.js';

const running: { stop(): Promise<void> }[] = [];

async function start(options: Parameters<typeof startSimulatedKodi>[0] = {}): Promise<SimulatedKodi> {
  const kodi = await startSimulatedKodi(options);
  running.push(kodi);
  return kodi;
}

afterEach(async () => {
  for (const kodi of running.splice(0).reverse()) await kodi.stop();
});

function connectError(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message);
    });
  });
}

describe('fault injection', () => {
  it('refuseWebSocket closes the WebSocket port and reopens it on the same port', async () => {
    const kodi = await start();
    const url = `ws://127.0.0.1:${kodi.endpoint.wsPort ?? 0}/jsonrpc`;
    await kodi.sim.faults.refuseWebSocket(true);
    expect(await connectError(url)).toBe('ECONNREFUSED');
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
    await kodi.sim.faults.refuseWebSocket(false);
    expect(await connectError(url)).toBe('open');
  });

  it('dropWebSockets destroys sockets without a close frame (code 1006)', async () => {
    const kodi = await start();
    const ws = await RawWebSocket.open(kodi.endpoint);
    kodi.sim.faults.dropWebSockets();
    expect(await ws.closed()).toBe(1006);
    // Notifications to the vanished client must not crash the simulator.
    await rpc(kodi.endpoint, 'VideoLibrary.RemoveMovie', { movieid: 5 });
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
  });

  it('resetNextCall runs the call but destroys the connection instead of answering (HTTP and WebSocket)', async () => {
    const kodi = await start();
    const movie = await kodi.writeMovie({ title: 'Lost Answer', year: 2000 });
    const ws = await RawWebSocket.open(kodi.endpoint);
    kodi.sim.faults.resetNextCall('VideoLibrary.Scan');
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
    await expect(httpCall(kodi.endpoint, 'VideoLibrary.Scan', { directory: movie.folder })).rejects.toThrow();
    await ws.waitFor('VideoLibrary.OnScanFinished');
    expect(kodi.sim.movies()).toHaveLength(1);
    kodi.sim.faults.resetNextCall();
    void ws.call('JSONRPC.Ping');
    expect(await ws.closed()).toBe(1006);
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
  });

  it('delayAnswers holds every answer back', async () => {
    const kodi = await start();
    kodi.sim.faults.delayAnswers(300);
    const began = Date.now();
    await rpc(kodi.endpoint, 'JSONRPC.Ping');
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    kodi.sim.faults.delayAnswers(0);
    const again = Date.now();
    await rpc(kodi.endpoint, 'JSONRPC.Ping');
    expect(Date.now() - again).toBeLessThan(250);
  });

  it('scanNeverFinishes keeps the scan running until it is switched off', async () => {
    const kodi = await start();
    const ws = await RawWebSocket.open(kodi.endpoint);
    kodi.sim.faults.scanNeverFinishes(true);
    await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
    await ws.waitFor('VideoLibrary.OnScanStarted');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ws.methods()).not.toContain('VideoLibrary.OnScanFinished');
    expect(kodi.sim.isScanningVideo).toBe(true);
    kodi.sim.faults.scanNeverFinishes(false);
    await ws.waitFor('VideoLibrary.OnScanFinished');
    await eventually(() => !kodi.sim.isScanningVideo);
  });

  it('scanAddsNothing runs scans that start and finish but add nothing', async () => {
    const kodi = await start();
    const ws = await RawWebSocket.open(kodi.endpoint);
    await kodi.writeMovie({ title: 'Never Added', year: 2000 });
    kodi.sim.faults.scanAddsNothing(true);
    await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
    await ws.waitFor('VideoLibrary.OnScanFinished');
    expect(ws.methods()).toEqual(['VideoLibrary.OnScanStarted', 'VideoLibrary.OnScanFinished']);
    expect(kodi.sim.movies()).toEqual([]);
  });

  it('httpStatus answers every HTTP request with the given status until cleared', async () => {
    const kodi = await start();
    kodi.sim.faults.httpStatus(503);
    const response = await fetch(httpUrl(kodi.endpoint), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"JSONRPC.Ping"}',
    });
    expect(response.status).toBe(503);
    kodi.sim.faults.httpStatus(null);
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
  });

  it('goOffline refuses both ports and drops every socket; goOnline serves on the same ports again', async () => {
    const kodi = await start();
    const ws = await RawWebSocket.open(kodi.endpoint);
    const { httpPort, wsPort } = kodi.endpoint;
    await kodi.sim.faults.goOffline();
    expect(await ws.closed()).toBe(1006);
    await expect(rpc(kodi.endpoint, 'JSONRPC.Ping')).rejects.toThrow();
    expect(await connectError(`ws://127.0.0.1:${wsPort ?? 0}/`)).toBe('ECONNREFUSED');
    await kodi.sim.faults.goOnline();
    expect(kodi.endpoint.httpPort).toBe(httpPort);
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
    const again = await RawWebSocket.open(kodi.endpoint);
    expect((await again.call('JSONRPC.Ping')).result).toBe('pong');
    again.close();
  });

  it('survives clients that vanish with notifications still to come, and stops with clients connected', async () => {
    const kodi = await start();
    kodi.sim.settings.scanMsPerItem = 20;
    for (let i = 0; i < 5; i++) await kodi.writeMovie({ title: `Vanish ${i}`, year: 2000 });
    const ws = await RawWebSocket.open(kodi.endpoint);
    await ws.call('VideoLibrary.Scan', {});
    ws.ws.terminate();
    const other = await RawWebSocket.open(kodi.endpoint);
    await other.waitFor('VideoLibrary.OnScanFinished');
    expect(kodi.sim.movies()).toHaveLength(5);
  });
});

describe('two Kodis sharing one library (a shared MySQL database)', () => {
  it('shows changes made through one to the other at once, without notifications', async () => {
    const first = await start();
    const second = await KodiSimulator.start({ sharedLibraryWith: first.sim });
    running.push(second);
    const secondWs = await RawWebSocket.open(second.endpoint);
    const movie = await writeMovieFolder(first.moviesRoot, { title: 'Shared One', year: 2001 });
    expect(second.moviesRoot).toBe(first.moviesRoot);
    const firstWs = await RawWebSocket.open(first.endpoint);
    await rpc(first.endpoint, 'VideoLibrary.Scan', { directory: movie.folder });
    await firstWs.waitFor('VideoLibrary.OnScanFinished');
    const seen = await rpc<{ movies?: { movieid: number }[] }>(second.endpoint, 'VideoLibrary.GetMovies', {});
    expect(seen.movies).toEqual([{ label: 'Shared One', movieid: 1 }]);
    await rpc(first.endpoint, 'VideoLibrary.RemoveMovie', { movieid: 1 });
    expect(
      (await httpCall(second.endpoint, 'VideoLibrary.GetMovieDetails', { movieid: 1 })).error?.code,
    ).toBe(-32602);
    expect(secondWs.notifications).toEqual([]);
  });

  it('does not prevent concurrent scans through both (each toggle is per Kodi)', async () => {
    const first = await start({ scanMsPerItem: 60 });
    const second = await KodiSimulator.start({ sharedLibraryWith: first.sim, scanMsPerItem: 60 });
    running.push(second);
    for (let i = 0; i < 5; i++) await first.writeMovie({ title: `Bulk ${i}`, year: 2000 + i });
    const firstWs = await RawWebSocket.open(first.endpoint);
    const secondWs = await RawWebSocket.open(second.endpoint);
    await rpc(first.endpoint, 'VideoLibrary.Scan', {});
    await rpc(second.endpoint, 'VideoLibrary.Scan', {});
    await firstWs.waitFor('VideoLibrary.OnScanFinished');
    await secondWs.waitFor('VideoLibrary.OnScanFinished');
    expect(firstWs.methods()).toContain('VideoLibrary.OnScanStarted');
    expect(secondWs.methods()).toContain('VideoLibrary.OnScanStarted');
    // Both scanners saw the same new files: duplicates, as on a real shared database.
    expect(first.sim.movies().length).toBeGreaterThan(5);
  });
});
