// The whole-library listing (drift report, clean dry run) asks Kodi page by page and keeps every entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { KodiSimulator } from '../../src/kodi-sim/index.js';
import { listLibrary } from '../../src/library/library-listing.js';
import { StepRecorder, type RecordedStep } from '../../src/sync/steps.js';

describe('listing a Kodi library larger than one page', () => {
  let sim: KodiSimulator;
  let client: KodiClient;

  beforeAll(async () => {
    sim = await KodiSimulator.start();
    client = new KodiClient(sim.endpoint);
    for (let i = 1; i <= 5; i++) {
      const path = `${sim.moviesRoot}Movie ${i}/`;
      sim.library.addMovie(
        {
          title: `Movie ${i}`,
          year: 2000 + i,
          premiered: '',
          imdbnumber: '',
          file: `${path}Movie ${i}.mkv`,
          path,
          filename: `Movie ${i}.mkv`,
          uniqueid: {},
          art: {},
        },
        '2026-01-01 00:00:00',
      );
    }
    const showPath = `${sim.tvRoot}Show/`;
    const show = sim.library.addTVShow({
      title: 'Show',
      year: 2020,
      path: showPath,
      uniqueid: {},
      imdbnumber: '',
      dateadded: '2026-01-01 00:00:00',
      art: {},
    });
    for (let e = 1; e <= 4; e++) {
      const filename = `Show - S01E0${e}.mkv`;
      sim.library.addEpisode(
        {
          title: `Episode ${e}`,
          file: `${showPath}Season 01/${filename}`,
          path: `${showPath}Season 01/`,
          filename,
          uniqueid: {},
          art: {},
          tvshowid: show.tvshowid,
          season: 1,
          episode: e,
        },
        '2026-01-01 00:00:00',
      );
    }
  });
  afterAll(async () => {
    await client.close();
    await sim.stop();
  });

  it('asks page after page until the total is reached, each page a step, and keeps every entry', async () => {
    const steps: RecordedStep[] = [];
    const recorder = new StepRecorder((batch) => steps.push(...batch));
    const entries = await listLibrary(client, recorder, ['movie', 'episode'], 2);
    await recorder.flush();

    expect(entries.filter((e) => e.kind === 'movie').map((e) => e.title)).toEqual([
      'Movie 1',
      'Movie 2',
      'Movie 3',
      'Movie 4',
      'Movie 5',
    ]);
    expect(entries.filter((e) => e.kind === 'episode').map((e) => [e.title, e.season, e.episode])).toEqual([
      ['Episode 1', 1, 1],
      ['Episode 2', 1, 2],
      ['Episode 3', 1, 3],
      ['Episode 4', 1, 4],
    ]);
    expect(entries.find((e) => e.title === 'Movie 3')?.file).toBe(`${sim.moviesRoot}Movie 3/Movie 3.mkv`);
    // Five movies take a short third page; four episodes end on a full page without asking for an empty one.
    expect(steps.map((s) => `${s.call}: ${s.answer}`)).toEqual([
      'VideoLibrary.GetMovies [0, 2): 2 of 5',
      'VideoLibrary.GetMovies [2, 4): 2 of 5',
      'VideoLibrary.GetMovies [4, 6): 1 of 5',
      'VideoLibrary.GetEpisodes [0, 2): 2 of 4',
      'VideoLibrary.GetEpisodes [2, 4): 2 of 4',
    ]);
  });
});
