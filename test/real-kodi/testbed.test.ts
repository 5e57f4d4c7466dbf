/**
 * Proves the real-Kodi test bed: instances start, their roots are scannable content sources, playback,
 * restart and kill behave, MariaDB mode shares one library (real-kodi.md §13) and the SIGPIPE switch
 * really changes Kodi's signal disposition and survival (Part A pitfall 7, §12).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KodiEndpoint } from '../../src/kodi/types.js';
import { realKodiAvailable, realKodiRpc, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';

const rpc = <T>(kodi: RealKodi, method: string, params?: object): Promise<T> =>
  realKodiRpc<T>(kodi.endpoint, method, params);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(150);
  }
}

/** Parent folder of a '/'-terminated folder path, itself '/'-terminated. */
const parentOf = (folder: string): string => folder.slice(0, folder.slice(0, -1).lastIndexOf('/') + 1);

/** The safe per-item scan: wait until no scan runs (§3), list the parent (§4), Scan the folder. */
async function safeScan(kodi: RealKodi, folder: string): Promise<void> {
  await eventually('no video scan is running', async () => {
    const answer = await rpc<Record<string, boolean>>(kodi, 'XBMC.GetInfoBooleans', {
      booleans: ['Library.IsScanningVideo'],
    });
    return answer['Library.IsScanningVideo'] === false ? true : undefined;
  });
  await rpc(kodi, 'Files.GetDirectory', { directory: parentOf(folder) });
  await rpc(kodi, 'VideoLibrary.Scan', { directory: folder, showdialogs: false });
}

interface MovieRow {
  movieid: number;
  file: string;
}

/** The movie whose video is exactly `file`, looked up by folder (`path is`, §6), or undefined. */
async function movieByFile(kodi: RealKodi, file: string): Promise<MovieRow | undefined> {
  const answer = await rpc<{ movies?: MovieRow[] }>(kodi, 'VideoLibrary.GetMovies', {
    properties: ['file'],
    filter: { field: 'path', operator: 'is', value: file.slice(0, file.lastIndexOf('/') + 1) },
  });
  return answer.movies?.find((movie) => movie.file === file);
}

async function episodeByFile(kodi: RealKodi, file: string): Promise<{ episodeid: number } | undefined> {
  const answer = await rpc<{ episodes?: { episodeid: number; file: string }[] }>(
    kodi,
    'VideoLibrary.GetEpisodes',
    {
      properties: ['file'],
    },
  );
  return answer.episodes?.find((episode) => episode.file === file);
}

/** Is SIGPIPE (signal 13 → bit 12 of the SigIgn mask) ignored by this process? */
function ignoresSigpipe(pid: number): boolean {
  const line = /^SigIgn:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  if (!line?.[1]) throw new Error(`no SigIgn line for pid ${String(pid)}`);
  return (BigInt(`0x${line[1]}`) & (1n << 12n)) !== 0n;
}

async function pingAnswers(endpoint: KodiEndpoint): Promise<boolean> {
  try {
    return (await realKodiRpc<string>(endpoint, 'JSONRPC.Ping')) === 'pong';
  } catch {
    return false;
  }
}

/**
 * Drops a raw JSON-RPC TCP client abruptly (RST) while Kodi still writes big answers to it, the way a
 * crashed client would (§12). Resolves once the socket is gone.
 */
async function vanishMidConversation(tcpPort: number): Promise<void> {
  const socket = connect(tcpPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const request = (id: number): string =>
    JSON.stringify({ jsonrpc: '2.0', id, method: 'JSONRPC.Introspect' });
  socket.write(Array.from({ length: 30 }, (_, i) => request(i + 1)).join(''));
  await new Promise<void>((resolve) =>
    socket.once('data', () => {
      resolve();
    }),
  );
  socket.resetAndDestroy();
}

describe.runIf(realKodiAvailable())('real Kodi test bed', () => {
  describe('one instance on its own SQLite library', () => {
    let kodi: RealKodi;

    beforeAll(async () => {
      kodi = await startRealKodi({ user: 'kodi', password: 'testbed-secret' });
    });
    afterAll(async () => {
      await (kodi as RealKodi | undefined)?.stop();
    });

    it('answers JSON-RPC with credentials on HTTP and rejects a wrong password with 401', async () => {
      const version = await rpc<{ version: { major: number } }>(kodi, 'JSONRPC.Version');
      expect(version.version.major).toBeGreaterThanOrEqual(12);
      await expect(realKodiRpc({ ...kodi.endpoint, password: 'wrong' }, 'JSONRPC.Ping')).rejects.toThrow(
        /HTTP 401/,
      );
    });

    it('adds a written movie and a written episode through a safe scan of their folders', async () => {
      const movie = await kodi.writeMovie({ title: 'Testbed Movie', year: 2001, imdb: 'tt0000001' });
      await safeScan(kodi, movie.folder);
      const found = await eventually('the movie is in the library', () => movieByFile(kodi, movie.file));
      expect(found.file).toBe(movie.file);

      const episode = await kodi.writeEpisode({
        show: 'Testbed Show',
        season: 1,
        episode: 2,
        title: 'Second',
      });
      await safeScan(kodi, episode.showFolder);
      await eventually('the episode is in the library', () => episodeByFile(kodi, episode.file));
    });

    it('plays a written movie until told to stop', async () => {
      const movie = await kodi.writeMovie({ title: 'Playable', year: 2015 });
      await kodi.play(movie.file);
      const players = await rpc<{ playerid: number; type: string }[]>(kodi, 'Player.GetActivePlayers');
      const player = players.find((p) => p.type === 'video');
      expect(player).toBeDefined();
      const item = await rpc<{ item: { file: string } }>(kodi, 'Player.GetItem', {
        playerid: player?.playerid,
        properties: ['file'],
      });
      expect(item.item.file).toBe(movie.file);
      // Playing, not just opened: the playback position moves on.
      const position = async (): Promise<number> => {
        const { time } = await rpc<{ time: { minutes: number; seconds: number; milliseconds: number } }>(
          kodi,
          'Player.GetProperties',
          { playerid: player?.playerid, properties: ['time'] },
        );
        return time.minutes * 60_000 + time.seconds * 1_000 + time.milliseconds;
      };
      const start = await position();
      await eventually('the playback position advances', async () =>
        (await position()) > start ? true : undefined,
      );
      expect(await rpc<unknown[]>(kodi, 'Player.GetActivePlayers')).toHaveLength(1);

      await kodi.stopPlayback();
      expect(await rpc<unknown[]>(kodi, 'Player.GetActivePlayers')).toEqual([]);
    });

    it('keeps the library across restart() and is unreachable after kill()', async () => {
      const movie = await kodi.writeMovie({ title: 'Survivor', year: 1999 });
      await safeScan(kodi, movie.folder);
      await eventually('the movie is in the library', () => movieByFile(kodi, movie.file));

      await kodi.kill();
      expect(await pingAnswers(kodi.endpoint)).toBe(false);

      const oldPid = kodi.pid;
      await kodi.restart();
      expect(kodi.pid).not.toBe(oldPid);
      expect(await pingAnswers(kodi.endpoint)).toBe(true);
      expect(await movieByFile(kodi, movie.file)).toBeDefined();
    });

    it('runs Kodi with SIGPIPE ignored by default', () => {
      expect(ignoresSigpipe(kodi.pid)).toBe(true);
    });

    it('survives a JSON-RPC socket client that vanishes mid-conversation', async () => {
      await vanishMidConversation(kodi.endpoint.wsPort ?? 0);
      // Proving a crash did NOT happen needs a window: the sigpipe-default twin below dies well within it.
      await sleep(2_000);
      expect(await pingAnswers(kodi.endpoint)).toBe(true);
    });
  });

  describe('an instance started with --sigpipe default', () => {
    let kodi: RealKodi;

    beforeAll(async () => {
      kodi = await startRealKodi({ sigpipe: 'default' });
    });
    afterAll(async () => {
      await (kodi as RealKodi | undefined)?.stop();
    });

    it('leaves SIGPIPE at its default action', () => {
      expect(ignoresSigpipe(kodi.pid)).toBe(false);
    });

    it('dies when a JSON-RPC socket client vanishes mid-conversation (the crash the bed avoids)', async () => {
      await vanishMidConversation(kodi.endpoint.wsPort ?? 0);
      await eventually(
        'Kodi has died',
        async () => ((await pingAnswers(kodi.endpoint)) ? undefined : true),
        10_000,
      );
    });
  });

  describe('two instances on one MariaDB video database', () => {
    const database = `kst_${String(process.pid)}_${String(Date.now() % 100000)}`;
    let first: RealKodi;
    let second: RealKodi;

    beforeAll(async () => {
      first = await startRealKodi({ mysqlDatabase: database });
      second = await startRealKodi({ mysqlDatabase: database, user: 'kodi', password: 'second-secret' });
    });
    afterAll(async () => {
      // Both, even when one stop fails or one never started.
      const stops = await Promise.allSettled([
        (first as RealKodi | undefined)?.stop(),
        (second as RealKodi | undefined)?.stop(),
      ]);
      const failed = stops.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    });

    it('share their media roots', () => {
      expect(second.moviesRoot).toBe(first.moviesRoot);
      expect(second.tvRoot).toBe(first.tvRoot);
    });

    it('shows a movie scanned through the first in the second one at once', async () => {
      const movie = await first.writeMovie({ title: 'Shared One', year: 2001, imdb: 'tt0000002' });
      await safeScan(first, movie.folder);
      const inFirst = await eventually('the first instance lists the movie', () =>
        movieByFile(first, movie.file),
      );
      const inSecond = await movieByFile(second, movie.file);
      expect(inSecond?.movieid).toBe(inFirst.movieid);
    });
  });
});
