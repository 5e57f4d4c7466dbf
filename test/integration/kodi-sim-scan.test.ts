// The simulator's VideoLibrary.Scan behaves like Kodi 20.1 (research/real-kodi.md §2–§5, §15), over real sockets.
import { mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeEpisodeFiles, writeMovieFolder } from '../fixtures/media.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { eventually, moviesInFolder, RawWebSocket, rpc } from './kodi-sim-raw.js';

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

async function scanAndWait(directory?: string): Promise<void> {
  const from = ws.notifications.length;
  await rpc(
    kodi.endpoint,
    'VideoLibrary.Scan',
    directory === undefined ? {} : { directory, showdialogs: false },
  );
  await ws.waitFor('VideoLibrary.OnScanFinished', { from });
}

describe('VideoLibrary.Scan', () => {
  it('answers OK at once, then announces start, two updates per added movie and the end', async () => {
    const movie = await kodi.writeMovie({ title: 'The Matrix', year: 1999, imdb: 'tt0133093' });
    const answer = await rpc(kodi.endpoint, 'VideoLibrary.Scan', {
      directory: movie.folder,
      showdialogs: false,
    });
    expect(answer).toBe('OK');
    await ws.waitFor('VideoLibrary.OnScanFinished');
    expect(ws.notifications.map((n) => [n.method, n.data])).toEqual([
      ['VideoLibrary.OnScanStarted', null],
      ['VideoLibrary.OnUpdate', { item: { id: 1, type: 'movie' }, transaction: true }],
      ['VideoLibrary.OnUpdate', { added: true, item: { id: 1, type: 'movie' }, transaction: true }],
      ['VideoLibrary.OnScanFinished', null],
    ]);
    const movies = await moviesInFolder(kodi.endpoint, movie.folder, [
      'file',
      'imdbnumber',
      'uniqueid',
      'title',
      'year',
    ]);
    expect(movies).toEqual([
      {
        movieid: 1,
        label: 'The Matrix',
        title: 'The Matrix',
        year: 1999,
        file: movie.file,
        imdbnumber: 'tt0133093',
        uniqueid: { imdb: 'tt0133093' },
      },
    ]);
  });

  it('reports IsScanningVideo true right after the answer and false after OnScanFinished', async () => {
    kodi.sim.settings.scanMsPerItem = 100;
    await kodi.writeMovie({ title: 'Slow', year: 2001 });
    await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
    const during = await rpc<Record<string, boolean>>(kodi.endpoint, 'XBMC.GetInfoBooleans', {
      booleans: ['Library.IsScanningVideo', 'library.isscanning'],
    });
    expect(during).toEqual({ 'Library.IsScanningVideo': true, 'library.isscanning': true });
    await ws.waitFor('VideoLibrary.OnScanFinished');
    await eventually(async () => {
      const after = await rpc<Record<string, boolean>>(kodi.endpoint, 'XBMC.GetInfoBooleans', {
        booleans: ['Library.IsScanningVideo'],
      });
      return after['Library.IsScanningVideo'] === false;
    });
  });

  it('cancels the running scan when a second Scan arrives, and starts nothing for the second', async () => {
    kodi.sim.settings.scanMsPerItem = 40;
    for (let i = 0; i < 10; i++) await kodi.writeMovie({ title: `Bulk ${i}`, year: 2000 + i });
    await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
    await ws.waitFor('VideoLibrary.OnUpdate', {
      match: (data) => (data as { added?: boolean }).added === true,
    });
    const queued = await kodi.writeMovie({ title: 'Queued Movie', year: 2020 });
    expect(await rpc(kodi.endpoint, 'VideoLibrary.Scan', { directory: queued.folder })).toBe('OK');
    await ws.waitFor('VideoLibrary.OnScanFinished', { timeoutMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ws.methods().filter((m) => m === 'VideoLibrary.OnScanStarted')).toHaveLength(1);
    expect(ws.methods().filter((m) => m === 'VideoLibrary.OnScanFinished')).toHaveLength(1);
    expect(kodi.sim.movies().length).toBeLessThan(10);
    expect(await moviesInFolder(kodi.endpoint, queued.folder)).toEqual([]);
    expect(kodi.sim.isScanningVideo).toBe(false);
    // The next full scan picks up what the cancelled one missed.
    await scanAndWait();
    expect(kodi.sim.movies()).toHaveLength(11);
  });

  it('records on each call whether it arrived while this Kodi or one sharing its library was scanning', async () => {
    const other = await startSimulatedKodi({ name: 'sharing', sharedLibraryWith: kodi.sim });
    try {
      kodi.sim.settings.scanMsPerItem = 40;
      for (let i = 0; i < 5; i++) await kodi.writeMovie({ title: `Slow ${i}`, year: 2000 + i });
      await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
      await ws.waitFor('VideoLibrary.OnScanStarted');
      await rpc(other.endpoint, 'VideoLibrary.Scan', { directory: other.moviesRoot });
      await rpc(kodi.endpoint, 'VideoLibrary.Scan', {});
      await eventually(() => !kodi.sim.isScanningVideo && !other.sim.isScanningVideo);
      await rpc(kodi.endpoint, 'JSONRPC.Ping');
      const flags = (sim: typeof kodi.sim) =>
        sim.calls().map((c) => [c.method, c.scanning, c.scanningShared] as const);
      expect(flags(kodi.sim)).toEqual([
        ['VideoLibrary.Scan', false, false],
        ['VideoLibrary.Scan', true, true],
        ['JSONRPC.Ping', false, false],
      ]);
      expect(flags(other.sim)).toEqual([['VideoLibrary.Scan', false, true]]);
    } finally {
      await other.stop();
    }
  });

  it('skips a new movie folder after a root scan until the parent is listed (stale directory cache)', async () => {
    await kodi.writeMovie({ title: 'Old', year: 1990 });
    await scanAndWait(kodi.moviesRoot);
    const fresh = await kodi.writeMovie({ title: 'New One', year: 2020 });
    await scanAndWait(fresh.folder);
    await scanAndWait(fresh.folder);
    expect(await moviesInFolder(kodi.endpoint, fresh.folder)).toEqual([]);
    await rpc(kodi.endpoint, 'Files.GetDirectory', { directory: kodi.moviesRoot });
    await scanAndWait(fresh.folder);
    expect(await moviesInFolder(kodi.endpoint, fresh.folder)).toHaveLength(1);
  });

  it('adds new folders one after another on a fresh Kodi that has listed nothing yet', async () => {
    for (const title of ['F1', 'F2', 'F3']) {
      const movie = await kodi.writeMovie({ title, year: 2000 });
      await scanAndWait(movie.folder);
      expect(await moviesInFolder(kodi.endpoint, movie.folder)).toHaveLength(1);
    }
  });

  it('needs the TV root listing for a new show: listing the show folder itself does not help', async () => {
    await kodi.writeEpisode({ show: 'First Show', season: 1, episode: 1 });
    await scanAndWait(kodi.tvRoot);
    const other = await kodi.writeEpisode({ show: 'Other Show', season: 1, episode: 1 });
    await rpc(kodi.endpoint, 'Files.GetDirectory', { directory: other.showFolder });
    await scanAndWait(other.showFolder);
    expect(kodi.sim.tvshows().map((s) => s.title)).toEqual(['First Show']);
    await rpc(kodi.endpoint, 'Files.GetDirectory', { directory: kodi.tvRoot });
    const from = ws.notifications.length;
    await scanAndWait(other.showFolder);
    const added = ws.notifications
      .slice(from)
      .filter((n) => (n.data as { added?: boolean } | null)?.added)
      .map((n) => (n.data as { item: { type: string } }).item.type);
    expect(added).toEqual(['tvshow', 'episode']);
  });

  it('adds a new episode of a known show with a plain show-folder scan', async () => {
    await kodi.writeEpisode({ show: 'Show', season: 1, episode: 1 });
    await scanAndWait(kodi.tvRoot);
    const next = await kodi.writeEpisode({ show: 'Show', season: 2, episode: 1, title: 'Second Season' });
    await scanAndWait(next.showFolder);
    const episodes = await rpc<{ episodes?: { label: string; season: number }[] }>(
      kodi.endpoint,
      'VideoLibrary.GetEpisodes',
      {
        properties: ['season'],
      },
    );
    expect(episodes.episodes?.map((e) => [e.label, e.season])).toEqual([
      ['Episode 1', 1],
      ['Second Season', 2],
    ]);
  });

  it('answers OK with Started and Finished but adds nothing for outside, missing and double-slash folders', async () => {
    const movie = await kodi.writeMovie({ title: 'Dbl', year: 1951 });
    const outside = `${kodi.sim.mediaDir}/outside/Outside (2013)/`;
    await mkdir(outside, { recursive: true });
    await writeFile(`${outside}Outside (2013).mkv`, 'x');
    for (const directory of [
      outside,
      `${kodi.moviesRoot}Missing (1999)/`,
      movie.folder.replace('/Dbl', '//Dbl'),
    ]) {
      await scanAndWait(directory);
    }
    expect(ws.methods().filter((m) => m === 'VideoLibrary.OnUpdate')).toHaveLength(0);
    expect(ws.methods().filter((m) => m === 'VideoLibrary.OnScanFinished')).toHaveLength(3);
  });

  it('accepts a folder without the trailing slash', async () => {
    const movie = await kodi.writeMovie({ title: 'NoSlash', year: 1951 });
    await scanAndWait(movie.folder.slice(0, -1));
    expect(await moviesInFolder(kodi.endpoint, movie.folder)).toHaveLength(1);
  });

  it('never updates an item already in the library (a changed NFO needs a refresh)', async () => {
    const movie = await writeMovieFolder(kodi.moviesRoot, { title: 'Edited', year: 2000 });
    await scanAndWait(movie.folder);
    await writeMovieFolder(kodi.moviesRoot, { title: 'Edited', year: 2000, nfoTitle: 'Edited (new title)' });
    await scanAndWait(movie.folder);
    expect(kodi.sim.movies().map((m) => m.title)).toEqual(['Edited']);
  });

  it('scans new folders without preparation when the stale cache is switched off', async () => {
    await kodi.stop();
    kodi = await startSimulatedKodi({ staleDirectoryCache: false });
    ws.close();
    ws = await RawWebSocket.open(kodi.endpoint);
    await scanAndWait();
    const movie = await kodi.writeMovie({ title: 'Unprepared', year: 2024 });
    await scanAndWait(movie.folder);
    expect(await moviesInFolder(kodi.endpoint, movie.folder)).toHaveLength(1);
  });

  it('reads TV shows from tvshow.nfo and episodes from their NFO', async () => {
    await writeEpisodeFiles(kodi.tvRoot, {
      show: 'Nfo Show',
      season: 3,
      episode: 7,
      title: 'Lucky',
      tvdb: '4242',
    });
    await scanAndWait();
    const shows = await rpc<{ tvshows: unknown[] }>(kodi.endpoint, 'VideoLibrary.GetTVShows', {
      properties: ['title', 'uniqueid', 'episode', 'file'],
    });
    expect(shows.tvshows).toEqual([
      {
        tvshowid: 1,
        label: 'Nfo Show',
        title: 'Nfo Show',
        uniqueid: { tvdb: '4242' },
        episode: 1,
        file: `${kodi.tvRoot}Nfo Show/`,
      },
    ]);
    const episodes = await rpc<{ episodes: unknown[] }>(kodi.endpoint, 'VideoLibrary.GetEpisodes', {
      tvshowid: 1,
      properties: ['title', 'season', 'episode', 'showtitle', 'tvshowid'],
    });
    expect(episodes.episodes).toEqual([
      {
        episodeid: 1,
        label: 'Lucky',
        title: 'Lucky',
        season: 3,
        episode: 7,
        showtitle: 'Nfo Show',
        tvshowid: 1,
      },
    ]);
  });
});

/** Moves a folder's time to `seconds` since the epoch (fractions allowed), as `touch -d` would. */
async function setFolderTime(folder: string, seconds: number): Promise<void> {
  await utimes(folder, seconds, seconds);
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

// The folder hash in whole seconds (folder-hash.ts); what real Kodi does is proven by the contract suite.
describe('folder hash', () => {
  it('skips an unchanged movie folder in a root scan and rescans it once its time moves to another second', async () => {
    const movie = await kodi.writeMovie({ title: 'Kept Time', year: 2001 });
    const second = nowSeconds() + 30;
    await setFolderTime(movie.folder, second + 0.1);
    await scanAndWait(kodi.moviesRoot);
    await writeFile(`${movie.folder}Kept Time (2001) - Extended.mkv`, 'x');
    await setFolderTime(movie.folder, second + 0.9);
    await scanAndWait(kodi.moviesRoot);
    await scanAndWait();
    expect(await moviesInFolder(kodi.endpoint, movie.folder)).toHaveLength(1);
    await setFolderTime(movie.folder, second + 2);
    await scanAndWait(kodi.moviesRoot);
    expect(await moviesInFolder(kodi.endpoint, movie.folder)).toHaveLength(2);
  });

  it('hashes a movie folder holding a sub-folder by its listing, so a rename there is seen even with the time kept', async () => {
    const movie = await kodi.writeMovie({ title: 'With Extras', year: 2002 });
    await mkdir(`${movie.folder}extras/`);
    const second = nowSeconds() + 30;
    await setFolderTime(movie.folder, second);
    await scanAndWait(movie.folder);
    await rename(movie.file, movie.file.replace(/\.mkv$/, ' - 1080p.mkv'));
    await setFolderTime(movie.folder, second);
    await scanAndWait(movie.folder);
    expect(await moviesInFolder(kodi.endpoint, movie.folder)).toHaveLength(2);
  });

  it('shares stored hashes between Kodis on one library, like the path table of a shared MySQL database', async () => {
    const other = await startSimulatedKodi({ name: 'sharing', sharedLibraryWith: kodi.sim });
    try {
      const movie = await kodi.writeMovie({ title: 'Shared Hash', year: 2003 });
      const second = nowSeconds() + 30;
      await setFolderTime(movie.folder, second);
      await scanAndWait(movie.folder);
      await writeFile(`${movie.folder}Shared Hash (2003) - 4K.mkv`, 'x');
      await setFolderTime(movie.folder, second + 0.5);
      const otherWs = await RawWebSocket.open(other.endpoint);
      try {
        await rpc(other.endpoint, 'VideoLibrary.Scan', { directory: movie.folder });
        await otherWs.waitFor('VideoLibrary.OnScanFinished');
      } finally {
        otherWs.close();
      }
      expect(await moviesInFolder(kodi.endpoint, movie.folder)).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });

  it('forgets a folder hash when a clean removes a file from it', async () => {
    const movie = await kodi.writeMovie({ title: 'Cleaned', year: 2004 });
    const second = nowSeconds() + 30;
    await setFolderTime(movie.folder, second);
    await scanAndWait(movie.folder);
    const renamed = movie.file.replace(/\.mkv$/, ' - 1080p.mkv');
    await rename(movie.file, renamed);
    await setFolderTime(movie.folder, second);
    await scanAndWait(movie.folder);
    expect(await moviesInFolder(kodi.endpoint, movie.folder, ['file'])).toMatchObject([{ file: movie.file }]);
    const from = ws.notifications.length;
    await rpc(kodi.endpoint, 'VideoLibrary.Clean', { showdialogs: false });
    await ws.waitFor('VideoLibrary.OnCleanFinished', { from });
    await scanAndWait(movie.folder);
    expect(await moviesInFolder(kodi.endpoint, movie.folder, ['file'])).toMatchObject([{ file: renamed }]);
  });

  it('re-lists the whole show after RemoveTVShow, adding the episode its hash had hidden', async () => {
    const first = await kodi.writeEpisode({ show: 'Gone Show', season: 1, episode: 1 });
    await scanAndWait(first.showFolder);
    const second = nowSeconds() + 30;
    const early = await kodi.writeEpisode({ show: 'Gone Show', season: 1, episode: 2 });
    await setFolderTime(early.seasonFolder, second + 0.1);
    await scanAndWait(early.showFolder);
    const late = await kodi.writeEpisode({ show: 'Gone Show', season: 1, episode: 3 });
    await setFolderTime(late.seasonFolder, second + 0.8);
    await scanAndWait(late.showFolder);
    expect(kodi.sim.episodes()).toHaveLength(2);

    await rpc(kodi.endpoint, 'VideoLibrary.RemoveTVShow', { tvshowid: kodi.sim.tvshows()[0]?.tvshowid });
    await scanAndWait(late.showFolder);
    expect(kodi.sim.episodes().map((e) => e.episode)).toEqual([1, 2, 3]);
  });

  it('gives every part of a multi-episode range its own row, named by the file when the NFO has no block for it', async () => {
    const episode = await writeEpisodeFiles(kodi.sim.tvRoot, { show: 'Range Show', season: 2, episode: 1 });
    const file = `${episode.seasonFolder}Range Show S02E04-E06.mkv`;
    await writeFile(file, 'x');
    await scanAndWait(episode.showFolder);
    expect(
      kodi.sim
        .episodes()
        .filter((e) => e.file === file)
        .map((e) => [e.season, e.episode, e.title]),
    ).toEqual([
      [2, 4, 'Range Show S02E04-E06'],
      [2, 5, 'Range Show S02E04-E06'],
      [2, 6, 'Range Show S02E04-E06'],
    ]);
  });
});
