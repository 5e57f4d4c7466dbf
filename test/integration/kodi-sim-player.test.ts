// The simulated player behaves like Kodi 20.1 during playback (research/real-kodi.md §10).
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { httpCall, RawWebSocket, rpc } from './kodi-sim-raw.js';

let kodi: SimulatedKodi;
let ws: RawWebSocket;
let file: string;

beforeEach(async () => {
  kodi = await startSimulatedKodi();
  ws = await RawWebSocket.open(kodi.endpoint);
  file = (await kodi.writeMovie({ title: 'Long Movie', year: 2015 })).file;
  await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
  await ws.waitFor('VideoLibrary.OnScanFinished');
});

afterEach(async () => {
  ws.close();
  await kodi.stop();
});

describe('playback', () => {
  it('announces OnPlay and OnAVStart with the library item and reports the active player', async () => {
    const from = ws.notifications.length;
    await kodi.play(file);
    await ws.waitFor('Player.OnAVStart', { from });
    expect(ws.notifications.slice(from).map((n) => [n.method, n.data])).toEqual([
      ['Player.OnPlay', { item: { id: 1, type: 'movie' }, player: { playerid: 1, speed: 1 } }],
      ['Player.OnAVStart', { item: { id: 1, type: 'movie' }, player: { playerid: 1, speed: 1 } }],
    ]);
    expect(await rpc(kodi.endpoint, 'Player.GetActivePlayers')).toEqual([
      { playerid: 1, playertype: 'internal', type: 'video' },
    ]);
    expect(
      await rpc(kodi.endpoint, 'Player.GetItem', { playerid: 1, properties: ['file', 'title'] }),
    ).toEqual({
      item: { file, id: 1, label: 'Long Movie', title: 'Long Movie', type: 'movie' },
    });
    expect(
      await rpc(kodi.endpoint, 'XBMC.GetInfoBooleans', {
        booleans: ['Player.HasMedia', 'Player.HasVideo', 'Player.Playing'],
      }),
    ).toEqual({ 'Player.HasMedia': true, 'Player.HasVideo': true, 'Player.Playing': true });
  });

  it('lets a Remove of the playing movie succeed; GetItem then says "unknown" and Stop still names the old id', async () => {
    await kodi.play(file);
    expect(await rpc(kodi.endpoint, 'VideoLibrary.RemoveMovie', { movieid: 1 })).toBe('OK');
    expect(kodi.sim.playingFile).toBe(file);
    expect(
      await rpc(kodi.endpoint, 'Player.GetItem', { playerid: 1, properties: ['file', 'title'] }),
    ).toEqual({
      item: { file, label: 'Long Movie', title: '', type: 'unknown' },
    });
    const from = ws.notifications.length;
    expect(await rpc(kodi.endpoint, 'Player.Stop', { playerid: 1 })).toBe('OK');
    await ws.waitFor('Player.OnStop', { from });
    expect(ws.notifications.slice(from).map((n) => [n.method, n.data])).toEqual([
      ['VideoLibrary.OnUpdate', { item: { id: 1, type: 'movie' } }],
      ['Player.OnStop', { end: false, item: { id: 1, type: 'movie' } }],
    ]);
    expect(await rpc(kodi.endpoint, 'Player.GetActivePlayers')).toEqual([]);
  });

  it('scans normally during playback and keeps playing', async () => {
    await kodi.play(file);
    const other = await kodi.writeMovie({ title: 'Other', year: 2016 });
    await rpc(kodi.endpoint, 'Files.GetDirectory', { directory: kodi.moviesRoot });
    const from = ws.notifications.length;
    await rpc(kodi.endpoint, 'VideoLibrary.Scan', { directory: other.folder });
    await ws.waitFor('VideoLibrary.OnScanFinished', { from });
    expect(kodi.sim.movies()).toHaveLength(2);
    expect(kodi.sim.playingFile).toBe(file);
  });

  it('plays through Player.Open and sets lastplayed on Stop', async () => {
    expect(await rpc(kodi.endpoint, 'Player.Open', { item: { file } })).toBe('OK');
    await ws.waitFor('Player.OnAVStart');
    await kodi.stopPlayback();
    await ws.waitFor('Player.OnStop');
    expect(kodi.sim.movies()[0]?.lastplayed).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect((await httpCall(kodi.endpoint, 'Player.GetItem', { playerid: 1 })).error?.code).toBe(-32100);
  });

  it('reports a file outside the library as type unknown', async () => {
    const stray = `${kodi.moviesRoot}Long Movie (2015)/extra.mkv`;
    await writeFile(stray, 'x');
    await kodi.play(stray);
    await ws.waitFor('Player.OnAVStart');
    expect(ws.notifications.at(-1)?.data).toEqual({
      item: { title: 'extra', type: 'unknown' },
      player: { playerid: 1, speed: 1 },
    });
    expect(await rpc(kodi.endpoint, 'Player.GetItem', { playerid: 1, properties: ['file'] })).toEqual({
      item: { file: stray, label: 'extra', type: 'unknown' },
    });
  });
});
