// The simulator's local art behaves like Kodi 20.1's: a refresh finds art files only through the folder's last
// listing in the directory cache, and every movie carries Kodi's default icon (measured on real Kodi 20.1).
import { utimes, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { KodiSimulatorOptions } from '../../src/kodi-sim/index.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { RawWebSocket, rpc } from './kodi-sim-raw.js';

let kodi: SimulatedKodi | undefined;
let ws: RawWebSocket | undefined;

afterEach(async () => {
  ws?.close();
  await kodi?.stop();
  kodi = undefined;
  ws = undefined;
});

async function start(options: KodiSimulatorOptions = {}): Promise<{ kodi: SimulatedKodi; ws: RawWebSocket }> {
  kodi = await startSimulatedKodi(options);
  ws = await RawWebSocket.open(kodi.endpoint);
  return { kodi, ws };
}

async function scan(target: { kodi: SimulatedKodi; ws: RawWebSocket }, directory: string): Promise<void> {
  const from = target.ws.notifications.length;
  await rpc(target.kodi.endpoint, 'VideoLibrary.Scan', { directory, showdialogs: false });
  await target.ws.waitFor('VideoLibrary.OnScanFinished', { from });
}

/** Sends a Refresh* and waits for the re-add; returns the new id. */
async function refresh(
  target: { kodi: SimulatedKodi; ws: RawWebSocket },
  type: 'movie' | 'episode',
  id: number,
): Promise<number> {
  const from = target.ws.notifications.length;
  const method = type === 'movie' ? 'VideoLibrary.RefreshMovie' : 'VideoLibrary.RefreshEpisode';
  await rpc(target.kodi.endpoint, method, type === 'movie' ? { movieid: id } : { episodeid: id });
  const added = await target.ws.waitFor('VideoLibrary.OnUpdate', {
    from,
    match: (data) => (data as { added?: boolean }).added === true,
  });
  return (added.data as { item: { id: number } }).item.id;
}

async function movieArt(target: { kodi: SimulatedKodi }, movieid: number): Promise<Record<string, string>> {
  const answer = await rpc<{ moviedetails: { art: Record<string, string> } }>(
    target.kodi.endpoint,
    'VideoLibrary.GetMovieDetails',
    { movieid, properties: ['art'] },
  );
  return answer.moviedetails.art;
}

const ICON = 'image://DefaultVideo.png/';
const decode = (url: string | undefined): string =>
  decodeURIComponent((url ?? '').replace(/^image:\/\//, '').replace(/\/$/, ''));

describe('local art on refresh (directory cache)', () => {
  it('ignores a poster added after the scan until the folder is listed again with Files.GetDirectory', async () => {
    const target = await start();
    const movie = await target.kodi.writeMovie({ title: 'Poster Boy', year: 2004 });
    await scan(target, movie.folder);
    const poster = `${movie.folder}Poster Boy (2004)-poster.jpg`;
    await writeFile(poster, 'jpeg');
    const first = await refresh(target, 'movie', 1);
    expect(await movieArt(target, first)).toEqual({ icon: ICON });
    await rpc(target.kodi.endpoint, 'Files.GetDirectory', { directory: movie.folder });
    const second = await refresh(target, 'movie', first);
    const art = await movieArt(target, second);
    expect(art.icon).toBe(ICON);
    expect(decode(art.poster)).toBe(poster);
  });

  it('sees the poster after Files.GetFileDetails of the video, which lists its folder', async () => {
    const target = await start();
    const movie = await target.kodi.writeMovie({ title: 'Details', year: 2005 });
    await scan(target, movie.folder);
    await writeFile(`${movie.folder}poster.jpg`, 'jpeg');
    await rpc(target.kodi.endpoint, 'Files.GetFileDetails', { file: movie.file });
    const id = await refresh(target, 'movie', 1);
    expect(decode((await movieArt(target, id)).poster)).toBe(`${movie.folder}poster.jpg`);
  });

  it('sees the poster after a new scan of the folder lists it again', async () => {
    const target = await start();
    const movie = await target.kodi.writeMovie({ title: 'Rescanned', year: 2006 });
    await scan(target, movie.folder);
    await writeFile(`${movie.folder}Rescanned (2006)-fanart.png`, 'png');
    // The folder's time in another second than at the first scan, or Kodi's folder hash skips it unlisted.
    const later = Date.now() / 1000 + 5;
    await utimes(movie.folder, later, later);
    await scan(target, movie.folder);
    const id = await refresh(target, 'movie', 1);
    expect(decode((await movieArt(target, id)).fanart)).toBe(`${movie.folder}Rescanned (2006)-fanart.png`);
  });

  it('reads the folder fresh on every refresh when the stale cache is switched off', async () => {
    const target = await start({ staleDirectoryCache: false });
    const movie = await target.kodi.writeMovie({ title: 'Fresh', year: 2007 });
    await scan(target, movie.folder);
    await writeFile(`${movie.folder}Fresh (2007)-poster.jpg`, 'jpeg');
    const id = await refresh(target, 'movie', 1);
    expect(decode((await movieArt(target, id)).poster)).toBe(`${movie.folder}Fresh (2007)-poster.jpg`);
  });

  it('takes an episode thumb from the cached listing too', async () => {
    const target = await start();
    const episode = await target.kodi.writeEpisode({ show: 'Art Show', season: 1, episode: 1 });
    await scan(target, target.kodi.tvRoot);
    const thumb = episode.file.replace(/\.[^.]+$/, '-thumb.jpg');
    await writeFile(thumb, 'jpeg');
    const first = await refresh(target, 'episode', 1);
    expect(target.kodi.sim.episodes().find((e) => e.episodeid === first)?.art).toEqual({});
    await rpc(target.kodi.endpoint, 'Files.GetDirectory', { directory: episode.seasonFolder });
    const second = await refresh(target, 'episode', first);
    expect(decode(target.kodi.sim.episodes().find((e) => e.episodeid === second)?.art.thumb)).toBe(thumb);
  });
});

describe('default movie icon', () => {
  it('puts Kodi’s DefaultVideo icon in every movie’s art, next to the local art files', async () => {
    const target = await start();
    const bare = await target.kodi.writeMovie({ title: 'Bare', year: 2001 });
    const dressed = await target.kodi.writeMovie({ title: 'Dressed', year: 2002 });
    await writeFile(`${dressed.folder}poster.jpg`, 'jpeg');
    await scan(target, target.kodi.moviesRoot);
    const { movies } = await rpc<{ movies: { file: string; art: Record<string, string> }[] }>(
      target.kodi.endpoint,
      'VideoLibrary.GetMovies',
      { properties: ['file', 'art'] },
    );
    expect(movies.find((m) => m.file === bare.file)?.art).toEqual({ icon: ICON });
    const art = movies.find((m) => m.file === dressed.file)?.art;
    expect(art?.icon).toBe(ICON);
    expect(decode(art?.poster)).toBe(`${dressed.folder}poster.jpg`);
  });
});
