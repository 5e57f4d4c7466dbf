// The demo library and the `kodi-sync sim` command give a working simulated Kodi with media to scan.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { KodiSimulator, writeDemoLibrary } from '../../src/kodi-sim/index.js';
import { RawWebSocket, rpc } from './kodi-sim-raw.js';

let sim: KodiSimulator | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('demo library', () => {
  it('writes movies and a show that a root scan adds with their ids', async () => {
    sim = await KodiSimulator.start();
    const demo = await writeDemoLibrary(sim, { movies: 10 });
    expect(demo.movies).toHaveLength(10);
    const ws = await RawWebSocket.open(sim.endpoint);
    await rpc(sim.endpoint, 'VideoLibrary.Scan', {});
    await ws.waitFor('VideoLibrary.OnScanFinished');
    ws.close();
    expect(
      sim
        .movies()
        .map((m) => m.imdbnumber)
        .sort(),
    ).toEqual(demo.movies.map((m) => m.imdb).sort());
    expect(sim.movies().find((m) => m.title === 'Nosferatu')?.year).toBe(1922);
    expect(sim.episodes().map((e) => e.title)).toEqual(['Pilot', 'The Second One', 'Finale']);
  });
});

describe('kodi-sync sim', () => {
  it('prints its endpoint as JSON, answers JSON-RPC, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', '--json', 'sim', '--movies', '2'],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const deadline = Date.now() + 30_000;
      while (!output.trim().endsWith('}') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const summary = JSON.parse(output) as { http: string; mediaDir: string; demoMovies: number };
      expect(summary.demoMovies).toBe(2);
      const url = new URL(summary.http);
      expect(
        await rpc({ name: 'cli sim', host: url.hostname, httpPort: Number(url.port) }, 'JSONRPC.Ping'),
      ).toBe('pong');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
