// Radarr/Sonarr webhook payloads (fixtures written from the *arr payload classes) → the exact ItemEvents, in order.
import { describe, expect, it } from 'vitest';
import { radarrEventsFromPayload } from '../../src/api/webhooks/radarr.js';
import { sonarrEventsFromPayload } from '../../src/api/webhooks/sonarr.js';
import type { ItemEvent, WebhookOutcome } from '../../src/api/webhooks/item-event.js';
import { webhookFixture as fixture } from '../fixtures/webhooks/load.js';

const radarr = (name: string): WebhookOutcome => radarrEventsFromPayload(fixture('radarr', name));
const sonarr = (name: string): WebhookOutcome => sonarrEventsFromPayload(fixture('sonarr', name));

const MATRIX_DIR = '/data/media/movies/The Matrix (1999)';
const matrix = {
  kind: 'movie',
  ids: { imdb: 'tt0133093', tmdb: '603' },
  title: 'The Matrix',
  year: 1999,
} as const;
const M_1080 = `${MATRIX_DIR}/The Matrix (1999) Bluray-1080p.mkv`;
const M_2160 = `${MATRIX_DIR}/The Matrix (1999) Remux-2160p.mkv`;

const SHOW_DIR = '/data/media/tv/Example Show (2020)';
const show = {
  kind: 'episode',
  ids: { tvdb: '361234', tmdb: '98765', imdb: 'tt1234567' },
  title: 'Example Show',
  year: 2020,
} as const;
const S01E01 = `${SHOW_DIR}/Season 01/Example Show (2020) - S01E01 - Pilot [WEBDL-1080p].mkv`;
const S01E02_03 = `${SHOW_DIR}/Season 01/Example Show (2020) - S01E02-E03 - Second + Third [WEBDL-1080p].mkv`;
const S01E02_03_UHD = `${SHOW_DIR}/Season 01/Example Show (2020) - S01E02-E03 - Second + Third [Bluray-2160p].mkv`;

/** scenario, fixture, events in order, ignoredReason (part of it) and folderDeletes. */
type Row = [string, string, ItemEvent[], (string | undefined)?, Pick<WebhookOutcome, 'folderDeletes'>?];

const amelie = {
  kind: 'movie',
  ids: { imdb: 'tt0211915', tmdb: '194' },
  title: 'Amélie',
  year: 2001,
} as const;
const UNC_AMELIE = '\\\\nas\\movies\\Amélie (2001)';
const UNC_PILOT = '\\\\nas\\tv\\Example Show (2020)\\Season 01\\Example Show - S01E01 - Pilot.mkv';
const UNC_PILOT_OLD =
  '\\\\nas\\tv\\Example Show (2020)\\Season 01\\Example Show (2020) - S01E01 [WEBDL-1080p].mkv';

describe('Radarr webhook adapter', () => {
  const table: Row[] = [
    ['ignores the Test event (its path is fake)', 'test', [], 'test'],
    [
      'publishes a newly downloaded movie file',
      'download-new',
      [{ action: 'publish', ...matrix, path: M_1080 }],
    ],
    [
      'publishes the upgraded file as the replacement of the old one, with no separate removal',
      'download-upgrade',
      [{ action: 'publish', ...matrix, path: M_2160, replaces: [M_1080] }],
    ],
    [
      're-publishes an upgrade that landed on the old path, with no removal',
      'download-upgrade-same-path',
      [{ action: 'republish', ...matrix, path: `${MATRIX_DIR}/The Matrix (1999).mkv` }],
    ],
    [
      'publishes the renamed file as the replacement of its previous name',
      'rename',
      [
        {
          action: 'publish',
          ...matrix,
          path: `${MATRIX_DIR}/The Matrix (1999) {tmdb-603} [Remux-2160p].mkv`,
          replaces: [M_2160],
        },
      ],
    ],
    [
      'removes a file the user deleted',
      'movie-file-delete-manual',
      [{ action: 'delete', ...matrix, path: M_2160 }],
    ],
    [
      'removes a file missing from disk',
      'movie-file-delete-missing-from-disk',
      [{ action: 'delete', ...matrix, path: M_2160 }],
    ],
    [
      'does nothing when a file is deleted for an upgrade',
      'movie-file-delete-upgrade',
      [],
      'file deleted for an upgrade',
    ],
    [
      're-publishes a file replaced by a manual override',
      'movie-file-delete-manual-override',
      [{ action: 'republish', ...matrix, path: M_2160 }],
    ],
    [
      'asks to remove every known item in the folder of a movie deleted with its files',
      'movie-delete-with-files',
      [],
      undefined,
      { folderDeletes: [{ ...matrix, folder: `${MATRIX_DIR}/` }] },
    ],
    ['ignores a movie deleted without its files', 'movie-delete-without-files', [], 'files were kept'],
    ['ignores Grab', 'grab', [], 'grab'],
    ['ignores MovieAdded', 'movie-added', [], 'movie added'],
    ['ignores Health', 'health', [], 'health'],
    ['ignores HealthRestored', 'health-restored', [], 'health'],
    ['ignores ApplicationUpdate', 'application-update', [], 'application update'],
    ['ignores ManualInteractionRequired', 'manual-interaction-required', [], 'manual interaction'],
    [
      'keeps a Windows drive path exactly as sent',
      'windows-download-new',
      [
        {
          action: 'publish',
          ...amelie,
          path: 'D:\\Media\\Movies\\Amélie (2001)\\Amélie (2001) Bluray-1080p.mkv',
        },
      ],
    ],
    [
      'keeps UNC paths exactly as sent through an upgrade',
      'windows-unc-download-upgrade',
      [
        {
          action: 'publish',
          ...amelie,
          path: `${UNC_AMELIE}\\Amélie (2001) Remux-2160p.mkv`,
          replaces: [`${UNC_AMELIE}\\Amélie (2001) Bluray-1080p.mkv`],
        },
      ],
    ],
    [
      'marks a deleted UNC movie folder with a backslash',
      'windows-unc-movie-delete',
      [],
      undefined,
      { folderDeletes: [{ ...amelie, folder: `${UNC_AMELIE}\\` }] },
    ],
    [
      'reads a Radarr v3 payload without instanceName',
      'v3-download-new',
      [
        {
          action: 'publish',
          ...matrix,
          path: '/movies/The Matrix (1999)/The Matrix (1999) Bluray-1080p.mkv',
        },
      ],
    ],
  ];

  it.each(table)('%s (%s)', (_scenario, name, events, reason, extra) => {
    const outcome = radarr(name);
    expect(outcome.events).toEqual(events);
    expect(outcome.folderDeletes).toEqual(extra?.folderDeletes);
    if (reason === undefined) expect(outcome.ignoredReason).toBeUndefined();
    else expect(outcome.ignoredReason).toContain(reason);
  });

  it('gives the Test event exactly the reason "test"', () => {
    expect(radarr('test')).toEqual({ events: [], ignoredReason: 'test' });
  });
});

describe('Sonarr webhook adapter', () => {
  const ep = (season: number, episode: number) => ({ season, episode });
  const table: Row[] = [
    ['ignores the Test event (its path is fake)', 'test', [], 'test'],
    [
      'publishes a single-episode file',
      'download-single',
      [{ action: 'publish', ...show, path: S01E01, ...ep(1, 1) }],
    ],
    [
      'publishes one row per episode of a multi-episode file, sharing its path',
      'download-multi-episode',
      [
        { action: 'publish', ...show, path: S01E02_03, ...ep(1, 2) },
        { action: 'publish', ...show, path: S01E02_03, ...ep(1, 3) },
      ],
    ],
    [
      'publishes an upgraded multi-episode file as the replacement of every row of the old file',
      'download-upgrade',
      [
        { action: 'publish', ...show, path: S01E02_03_UHD, ...ep(1, 2), replaces: [S01E02_03] },
        { action: 'publish', ...show, path: S01E02_03_UHD, ...ep(1, 3), replaces: [S01E02_03] },
      ],
    ],
    [
      're-publishes an upgrade that landed on the old path, with no removal',
      'download-upgrade-same-path',
      [
        {
          action: 'republish',
          ...show,
          path: `${SHOW_DIR}/Season 01/Example Show - S01E01.mkv`,
          ...ep(1, 1),
        },
      ],
    ],
    [
      'publishes each file of an Import Complete',
      'import-complete',
      [
        {
          action: 'publish',
          ...show,
          path: `${SHOW_DIR}/Season 02/Example Show (2020) - S02E01 - Return [WEBDL-1080p].mkv`,
        },
        {
          action: 'publish',
          ...show,
          path: `${SHOW_DIR}/Season 02/Example Show (2020) - S02E02 - Fallout [WEBDL-1080p].mkv`,
        },
      ],
    ],
    [
      'publishes each renamed file as the replacement of its previous name',
      'rename',
      [
        {
          action: 'publish',
          ...show,
          path: `${SHOW_DIR}/Season 01/Example Show - S01E01 - Pilot.mkv`,
          replaces: [S01E01],
        },
        {
          action: 'publish',
          ...show,
          path: `${SHOW_DIR}/Season 01/Example Show - S01E02-E03 - Second + Third.mkv`,
          replaces: [S01E02_03],
        },
      ],
    ],
    [
      'removes every episode row of a file the user deleted',
      'episode-file-delete-manual',
      [
        { action: 'delete', ...show, path: S01E02_03, ...ep(1, 2) },
        { action: 'delete', ...show, path: S01E02_03, ...ep(1, 3) },
      ],
    ],
    [
      'removes every episode row of a file missing from disk',
      'episode-file-delete-missing-from-disk',
      [
        { action: 'delete', ...show, path: S01E02_03, ...ep(1, 2) },
        { action: 'delete', ...show, path: S01E02_03, ...ep(1, 3) },
      ],
    ],
    [
      'does nothing when a file is deleted for an upgrade',
      'episode-file-delete-upgrade',
      [],
      'file deleted for an upgrade',
    ],
    [
      're-publishes a file replaced by a manual override',
      'episode-file-delete-manual-override',
      [
        { action: 'republish', ...show, path: S01E02_03, ...ep(1, 2) },
        { action: 'republish', ...show, path: S01E02_03, ...ep(1, 3) },
      ],
    ],
    [
      'asks to remove every known episode in the folder of a series deleted with its files',
      'series-delete-with-files',
      [],
      undefined,
      { folderDeletes: [{ ...show, folder: `${SHOW_DIR}/` }] },
    ],
    ['ignores a series deleted without its files', 'series-delete-without-files', [], 'files were kept'],
    ['ignores Grab', 'grab', [], 'grab'],
    ['ignores SeriesAdd', 'series-add', [], 'series added'],
    ['ignores Health', 'health', [], 'health'],
    ['ignores ApplicationUpdate', 'application-update', [], 'application update'],
    ['ignores ManualInteractionRequired', 'manual-interaction-required', [], 'manual interaction'],
    [
      'keeps a Windows drive path exactly as sent (ids of 0 and "" dropped)',
      'windows-download-single',
      [
        {
          action: 'publish',
          kind: 'episode',
          ids: { tvdb: '380001' },
          title: 'Café Society',
          year: 2019,
          path: 'E:\\TV\\Café Society (2019)\\Season 01\\Café Society - S01E04 - Épilogue.mkv',
          ...ep(1, 4),
        },
      ],
    ],
    [
      'keeps UNC paths exactly as sent through a rename',
      'windows-unc-rename',
      [
        {
          action: 'publish',
          ...show,
          path: UNC_PILOT,
          replaces: [UNC_PILOT_OLD],
        },
      ],
    ],
    [
      'marks a deleted UNC series folder with a backslash',
      'windows-unc-series-delete',
      [],
      undefined,
      { folderDeletes: [{ ...show, folder: '\\\\nas\\tv\\Example Show (2020)\\' }] },
    ],
    [
      'reads a Sonarr v3 payload without instanceName',
      'v3-download-single',
      [
        {
          action: 'publish',
          kind: 'episode',
          ids: { tvdb: '361234', imdb: 'tt1234567' },
          title: 'Example Show',
          path: '/tv/Example Show (2020)/Season 01/Example Show (2020) - S01E01 - Pilot [WEBDL-1080p].mkv',
          ...ep(1, 1),
        },
      ],
    ],
    [
      'reads a Sonarr v3 episode file delete carrying the internal file model',
      'v3-episode-file-delete',
      [
        {
          action: 'delete',
          kind: 'episode',
          ids: { tvdb: '361234', imdb: 'tt1234567' },
          title: 'Example Show',
          path: '/tv/Example Show (2020)/Season 01/Example Show (2020) - S01E01 - Pilot [WEBDL-1080p].mkv',
          ...ep(1, 1),
        },
      ],
    ],
  ];

  it.each(table)('%s (%s)', (_scenario, name, events, reason, extra) => {
    const outcome = sonarr(name);
    expect(outcome.events).toEqual(events);
    expect(outcome.folderDeletes).toEqual(extra?.folderDeletes);
    if (reason === undefined) expect(outcome.ignoredReason).toBeUndefined();
    else expect(outcome.ignoredReason).toContain(reason);
  });

  it('attributes the episodes of an Import Complete when it holds a single file', () => {
    const payload = fixture('sonarr', 'import-complete') as { episodeFiles: unknown[]; episodes: unknown[] };
    payload.episodeFiles = payload.episodeFiles.slice(0, 1);
    payload.episodes = payload.episodes.slice(0, 1);
    expect(sonarrEventsFromPayload(payload).events).toEqual([
      {
        action: 'publish',
        ...show,
        path: `${SHOW_DIR}/Season 02/Example Show (2020) - S02E01 - Return [WEBDL-1080p].mkv`,
        season: 2,
        episode: 1,
      },
    ]);
  });
});

describe('upgrade pairs (delete for upgrade, then Download isUpgrade)', () => {
  const sequences: [string, () => WebhookOutcome[], string][] = [
    [
      'Radarr, new file name',
      () => [radarr('movie-file-delete-upgrade'), radarr('download-upgrade')],
      M_2160,
    ],
    [
      'Radarr, same path',
      () => [radarr('movie-file-delete-upgrade-same-path'), radarr('download-upgrade-same-path')],
      `${MATRIX_DIR}/The Matrix (1999).mkv`,
    ],
    [
      'Sonarr, new file name',
      () => [sonarr('episode-file-delete-upgrade'), sonarr('download-upgrade')],
      S01E02_03_UHD,
    ],
    [
      'Sonarr, same path',
      () => [sonarr('episode-file-delete-upgrade-same-path'), sonarr('download-upgrade-same-path')],
      `${SHOW_DIR}/Season 01/Example Show - S01E01.mkv`,
    ],
  ];

  it.each(sequences)(
    'never removes the new file nor the path upgraded in place (%s)',
    (_name, run, newPath) => {
      const events = run().flatMap((outcome) => outcome.events);
      expect(events.filter((event) => event.action === 'delete' && event.path === newPath)).toEqual([]);
      const firstDelete = events.findIndex((event) => event.action === 'delete');
      const lastApply = events.map((event) => event.action !== 'delete').lastIndexOf(true);
      if (firstDelete !== -1) expect(firstDelete).toBeGreaterThan(lastApply);
      expect(events.some((event) => event.action !== 'delete' && event.path === newPath)).toBe(true);
    },
  );
});
