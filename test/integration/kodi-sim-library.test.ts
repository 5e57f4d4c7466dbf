// The simulator's library queries and edits behave like Kodi 20.1 (research/real-kodi.md §6–§9), over real sockets.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { eventually, httpCall, moviesInFolder, RawWebSocket, rpc, type MovieRow } from './kodi-sim-raw.js';

let kodi: SimulatedKodi;
let ws: RawWebSocket;

beforeEach(async () => {
  kodi = await startSimulatedKodi();
  ws = await RawWebSocket.open(kodi.endpoint);
});

afterEach(async () => {
  ws.close();
  await kodi.stop();
});

async function scanAll(): Promise<void> {
  const from = ws.notifications.length;
  await rpc(kodi.endpoint, 'VideoLibrary.Scan', { showdialogs: false });
  await ws.waitFor('VideoLibrary.OnScanFinished', { from });
}

async function getMovies(params: Record<string, unknown>): Promise<{ movies?: MovieRow[]; limits: unknown }> {
  return rpc(kodi.endpoint, 'VideoLibrary.GetMovies', params);
}

describe('GetMovies filters', () => {
  it('treats `_` as a wildcard and compares case-insensitively, like SQL LIKE', async () => {
    const ab = await kodi.writeMovie({ title: 'A_B', year: 2013 });
    await kodi.writeMovie({ title: 'AXB', year: 2013 });
    await scanAll();
    const underscore = await moviesInFolder(kodi.endpoint, ab.folder, ['title']);
    expect(underscore.map((m) => m.title).sort()).toEqual(['AXB', 'A_B']);
    const upper = await moviesInFolder(kodi.endpoint, `${kodi.moviesRoot}axb (2013)/`, ['title']);
    expect(upper.map((m) => m.title)).toEqual(['AXB']);
    const both = await getMovies({
      filter: {
        and: [
          { field: 'path', operator: 'is', value: ab.folder },
          { field: 'filename', operator: 'is', value: 'A_B (2013).mkv' },
        ],
      },
      properties: ['file'],
    });
    expect(both.movies?.map((m) => m.file).sort()).toEqual(
      [ab.file, ab.file.replaceAll('A_B', 'AXB')].sort(),
    );
  });

  it('needs the trailing slash on path, and supports startswith, contains, or, year and limits', async () => {
    const one = await kodi.writeMovie({ title: 'One', year: 2001 });
    await kodi.writeMovie({ title: 'Two', year: 2002 });
    await kodi.writeMovie({ title: 'Three', year: 2003 });
    await scanAll();
    expect(await moviesInFolder(kodi.endpoint, one.folder.slice(0, -1))).toEqual([]);
    const starts = await getMovies({
      filter: { field: 'path', operator: 'startswith', value: kodi.moviesRoot },
    });
    expect(starts.limits).toEqual({ start: 0, end: 3, total: 3 });
    const page = await getMovies({
      filter: { field: 'path', operator: 'startswith', value: kodi.moviesRoot },
      limits: { start: 0, end: 1 },
    });
    expect(page.limits).toEqual({ start: 0, end: 1, total: 3 });
    expect(page.movies).toHaveLength(1);
    const count = await getMovies({ limits: { end: 0 } });
    expect(count).toEqual({ limits: { start: 0, end: 3, total: 3 }, movies: [] });
    const either = await getMovies({
      filter: {
        or: [
          { field: 'title', operator: 'contains', value: 'hre' },
          { field: 'year', operator: 'lessthan', value: '2002' },
        ],
      },
      properties: ['title'],
    });
    expect(either.movies?.map((m) => m.title)).toEqual(['One', 'Three']);
  });

  it('answers an empty movies list when nothing matches, as Kodi 20.1 does', async () => {
    const answer = await getMovies({ filter: { field: 'title', operator: 'is', value: 'nothing' } });
    expect(answer).toEqual({ limits: { start: 0, end: 0, total: 0 }, movies: [] });
  });

  it('rejects an unknown field, an unknown operator and imdbnumber with Kodi’s -32602 stack', async () => {
    for (const filter of [
      { field: 'bogus', operator: 'is', value: 'x' },
      { field: 'title', operator: 'like', value: 'x' },
      { field: 'imdbnumber', operator: 'is', value: 'tt0133093' },
    ]) {
      const answer = await httpCall(kodi.endpoint, 'VideoLibrary.GetMovies', { filter });
      expect(answer.error).toEqual({
        code: -32602,
        data: {
          method: 'VideoLibrary.GetMovies',
          stack: {
            message: 'Received value does not match any of the union type definitions',
            name: 'filter',
            type: 'object',
          },
        },
        message: 'Invalid params.',
      });
    }
  });

  it('rejects "path" as a movie property', async () => {
    const answer = await httpCall(kodi.endpoint, 'VideoLibrary.GetMovies', { properties: ['file', 'path'] });
    expect(answer.error?.code).toBe(-32602);
    expect(answer.error?.data).toMatchObject({
      stack: { message: 'array element at index 1 does not match' },
    });
  });

  it('rejects a repeated property like Kodi 20.1 (Item.Fields.Base items are unique)', async () => {
    const answer = await httpCall(kodi.endpoint, 'VideoLibrary.GetMovies', {
      properties: ['title', 'file', 'title'],
    });
    expect(answer.error).toEqual({
      code: -32602,
      data: {
        method: 'VideoLibrary.GetMovies',
        stack: {
          message: 'value does not match extended type Item.Fields.Base',
          name: 'Item.Fields.Base',
          type: 'array',
        },
      },
      message: 'Invalid params.',
    });
    const episodes = await httpCall(kodi.endpoint, 'VideoLibrary.GetEpisodes', {
      properties: ['file', 'file'],
    });
    expect(episodes.error?.code).toBe(-32602);
    expect((await httpCall(kodi.endpoint, 'VideoLibrary.GetMovies', { properties: ['title'] })).error).toBe(
      undefined,
    );
  });

  it('keeps path lookups exact as items come, get refreshed and go (folder index)', async () => {
    const first = await kodi.writeMovie({ title: 'Pair', year: 2001 });
    const second = `${first.folder}Pair (2001) Extended.mkv`;
    await writeFile(second, 'x');
    await scanAll();
    const inFolder = await moviesInFolder(kodi.endpoint, first.folder);
    expect(inFolder.map((m) => m.file).sort()).toEqual([first.file, second].sort());
    const byFile = await getMovies({
      filter: {
        and: [
          { field: 'path', operator: 'is', value: first.folder.toUpperCase() },
          { field: 'filename', operator: 'is', value: 'pair (2001) extended.mkv' },
        ],
      },
      properties: ['file'],
    });
    expect(byFile.movies?.map((m) => m.file)).toEqual([second]);
    const target = inFolder.find((m) => m.file === first.file);
    await rpc(kodi.endpoint, 'VideoLibrary.RemoveMovie', { movieid: target?.movieid });
    expect((await moviesInFolder(kodi.endpoint, first.folder)).map((m) => m.file)).toEqual([second]);
    await rm(first.folder, { recursive: true });
    expect(await moviesInFolder(kodi.endpoint, first.folder)).toHaveLength(1);
    await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: true });
    expect(await moviesInFolder(kodi.endpoint, first.folder)).toEqual([]);
  });

  it('returns poster and fanart from files next to the video in Kodi’s image:// form', async () => {
    const movie = await kodi.writeMovie({ title: 'Art', year: 2010 });
    await writeFile(`${movie.folder}poster.jpg`, 'p');
    await writeFile(`${movie.folder}Art (2010)-fanart.jpg`, 'f');
    await scanAll();
    const [row] = (await getMovies({ properties: ['art'] })).movies as unknown as {
      art: Record<string, string>;
    }[];
    const decode = (url: string | undefined): string =>
      decodeURIComponent((url ?? '').replace(/^image:\/\//, '').replace(/\/$/, ''));
    expect(row?.art.poster).toMatch(/^image:\/\/%2f/);
    expect(decode(row?.art.poster)).toBe(`${movie.folder}poster.jpg`);
    expect(decode(row?.art.fanart)).toBe(`${movie.folder}Art (2010)-fanart.jpg`);
  });
});

describe('RefreshMovie / RefreshEpisode', () => {
  it('re-adds the movie with a new id, resets playcount, lastplayed and userrating, keeps resume and dateadded', async () => {
    const first = await kodi.writeMovie({ title: 'Refreshed', year: 2000 });
    await kodi.writeMovie({ title: 'Zed', year: 2001 });
    await scanAll();
    const [before] = await moviesInFolder(kodi.endpoint, first.folder, ['dateadded']);
    const id = before?.movieid ?? 0;
    await rpc(kodi.endpoint, 'VideoLibrary.SetMovieDetails', {
      movieid: id,
      playcount: 2,
      lastplayed: '2020-01-02 03:04:05',
      resume: { position: 30, total: 120 },
      userrating: 7,
    });
    await ws.waitFor('VideoLibrary.OnUpdate', {
      match: (data) => (data as { playcount?: number }).playcount === 2,
    });
    await kodi.writeMovie({ title: 'Refreshed', year: 2000, nfoTitle: 'Refreshed (edited)' });
    const from = ws.notifications.length;
    expect(await rpc(kodi.endpoint, 'VideoLibrary.RefreshMovie', { movieid: id, ignorenfo: false })).toBe(
      'OK',
    );
    await ws.waitFor('VideoLibrary.OnUpdate', {
      from,
      match: (data) => (data as { added?: boolean }).added === true,
    });
    expect(ws.notifications.slice(from).map((n) => [n.method, n.data])).toEqual([
      ['VideoLibrary.OnRemove', { id, type: 'movie' }],
      ['VideoLibrary.OnUpdate', { item: { id: 3, type: 'movie' } }],
      ['VideoLibrary.OnUpdate', { added: true, item: { id: 3, type: 'movie' } }],
    ]);
    expect((await httpCall(kodi.endpoint, 'VideoLibrary.GetMovieDetails', { movieid: id })).error?.code).toBe(
      -32602,
    );
    const [after] = await moviesInFolder(kodi.endpoint, first.folder, [
      'title',
      'playcount',
      'lastplayed',
      'userrating',
      'resume',
      'dateadded',
    ]);
    expect(after).toEqual({
      movieid: 3,
      label: 'Refreshed (edited)',
      title: 'Refreshed (edited)',
      playcount: 0,
      lastplayed: '',
      userrating: 0,
      resume: { position: 30, total: 120 },
      dateadded: before?.dateadded,
    });
    expect(kodi.sim.isScanningVideo).toBe(false);
  });

  it('gives the same id back when the refreshed movie had the highest id', async () => {
    await kodi.writeMovie({ title: 'Only', year: 2000 });
    await scanAll();
    await rpc(kodi.endpoint, 'VideoLibrary.RefreshMovie', { movieid: 1 });
    const added = await ws.waitFor('VideoLibrary.OnUpdate', {
      from: ws.notifications.length,
      match: (data) =>
        (data as { added?: boolean; transaction?: boolean }).added === true &&
        !('transaction' in (data as object)),
    });
    expect(added.data).toEqual({ added: true, item: { id: 1, type: 'movie' } });
  });

  it('answers -32602 for an unknown id, and OK without any change for ignorenfo', async () => {
    expect(
      (await httpCall(kodi.endpoint, 'VideoLibrary.RefreshMovie', { movieid: 999999 })).error?.code,
    ).toBe(-32602);
    await kodi.writeMovie({ title: 'Kept', year: 2000 });
    await scanAll();
    const from = ws.notifications.length;
    expect(await rpc(kodi.endpoint, 'VideoLibrary.RefreshMovie', { movieid: 1, ignorenfo: true })).toBe('OK');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ws.notifications.slice(from)).toEqual([]);
  });

  it('refreshes an episode to a new id with its show kept', async () => {
    await kodi.writeEpisode({ show: 'Show', season: 1, episode: 1 });
    await kodi.writeEpisode({ show: 'Show', season: 1, episode: 2 });
    await scanAll();
    await kodi.writeEpisode({ show: 'Show', season: 1, episode: 1, title: 'Renamed Episode' });
    await rpc(kodi.endpoint, 'VideoLibrary.RefreshEpisode', { episodeid: 1 });
    await eventually(() => kodi.sim.episodes().some((e) => e.title === 'Renamed Episode'));
    expect(kodi.sim.episodes().map((e) => [e.episodeid, e.tvshowid, e.title])).toEqual([
      [2, 1, 'Episode 2'],
      [3, 1, 'Renamed Episode'],
    ]);
  });
});

describe('Remove*', () => {
  it('answers OK and announces OnRemove even for an id that never existed; id 0 is invalid', async () => {
    expect(await rpc(kodi.endpoint, 'VideoLibrary.RemoveMovie', { movieid: 999999 })).toBe('OK');
    await ws.waitFor('VideoLibrary.OnRemove', { match: (data) => (data as { id: number }).id === 999999 });
    expect(ws.notifications[0]?.data).toEqual({ id: 999999, type: 'movie' });
    expect((await httpCall(kodi.endpoint, 'VideoLibrary.RemoveMovie', { movieid: 0 })).error?.code).toBe(
      -32602,
    );
    expect((await httpCall(kodi.endpoint, 'VideoLibrary.RemoveEpisode', { episodeid: -1 })).error?.code).toBe(
      -32602,
    );
  });

  it('leaves the show with zero episodes after its last episode is removed, and reuses freed ids', async () => {
    await kodi.writeEpisode({ show: 'Fourth Show', season: 1, episode: 1 });
    await kodi.writeMovie({ title: 'Reused', year: 2000 });
    await scanAll();
    await rpc(kodi.endpoint, 'VideoLibrary.RemoveEpisode', { episodeid: 1 });
    const shows = await rpc<{ tvshows: unknown[] }>(kodi.endpoint, 'VideoLibrary.GetTVShows', {
      properties: ['episode'],
    });
    expect(shows.tvshows).toEqual([{ episode: 0, label: 'Fourth Show', tvshowid: 1 }]);
    await rpc(kodi.endpoint, 'VideoLibrary.RemoveTVShow', { tvshowid: 1 });
    expect(
      (await httpCall(kodi.endpoint, 'VideoLibrary.GetTVShowDetails', { tvshowid: 1 })).error?.code,
    ).toBe(-32602);
    await rpc(kodi.endpoint, 'VideoLibrary.RemoveMovie', { movieid: 1 });
    // The folder is known, so a scan of it re-adds the movie, with the freed id.
    await rpc(kodi.endpoint, 'VideoLibrary.Scan', { directory: `${kodi.moviesRoot}Reused (2000)/` });
    await eventually(() => kodi.sim.movies().length === 1);
    expect(kodi.sim.movies()[0]?.movieid).toBe(1);
  });
});

describe('VideoLibrary.Clean', () => {
  it('without dialogs: answers at once, then removes entries whose file is gone, announced in a transaction', async () => {
    const gone = await kodi.writeMovie({ title: 'Gone', year: 2000 });
    await kodi.writeMovie({ title: 'Stays', year: 2000 });
    await scanAll();
    await rm(gone.folder, { recursive: true });
    const from = ws.notifications.length;
    expect(await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: false })).toBe('OK');
    await ws.waitFor('VideoLibrary.OnCleanFinished', { from });
    expect(ws.notifications.slice(from).map((n) => [n.method, n.data])).toEqual([
      ['VideoLibrary.OnCleanStarted', null],
      ['VideoLibrary.OnRemove', { id: 1, transaction: true, type: 'movie' }],
      ['VideoLibrary.OnCleanFinished', null],
    ]);
    expect(kodi.sim.movies().map((m) => m.title)).toEqual(['Stays']);
  });

  it('with dialogs: answers only after the clean is over', async () => {
    kodi.sim.settings.scanMsPerItem = 50;
    const gone = await kodi.writeMovie({ title: 'Gone', year: 2000 });
    await scanAll();
    await rm(gone.folder, { recursive: true });
    const from = ws.notifications.length;
    await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: true });
    expect(ws.methods().slice(from)).toContain('VideoLibrary.OnCleanFinished');
  });

  it('keeps everything when the source root is missing, but wipes everything when the root is empty', async () => {
    await kodi.writeMovie({ title: 'One', year: 2000 });
    await kodi.writeEpisode({ show: 'Show', season: 1, episode: 1 });
    await scanAll();
    await rename(kodi.moviesRoot, kodi.moviesRoot.replace(/\/$/, '.offline'));
    await rename(kodi.tvRoot, kodi.tvRoot.replace(/\/$/, '.offline'));
    await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: true });
    expect(kodi.sim.movies()).toHaveLength(1);
    expect(kodi.sim.episodes()).toHaveLength(1);
    await mkdir(kodi.moviesRoot);
    await mkdir(kodi.tvRoot);
    await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: true });
    expect(kodi.sim.movies()).toEqual([]);
    expect(kodi.sim.episodes()).toEqual([]);
  });

  it('does nothing for a directory without content, and does not run during a scan', async () => {
    const gone = await kodi.writeMovie({ title: 'Gone', year: 2000 });
    await scanAll();
    await rm(gone.folder, { recursive: true });
    await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: true, directory: gone.folder });
    expect(kodi.sim.movies()).toHaveLength(1);
    kodi.sim.faults.scanNeverFinishes(true);
    await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
    await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: true });
    expect(kodi.sim.movies()).toHaveLength(1);
    kodi.sim.faults.scanNeverFinishes(false);
  });
});
