/**
 * One rule for an episode item's identity across every Sonarr webhook and the generic API (src/sync/submit.ts):
 * an episode is (path, season, episode); a path-only event addresses every known item of its path. Each row plays
 * real Sonarr payloads (test/fixtures/webhooks) in order through the adapter and intake, and lists the items that
 * must exist afterwards — one file never becomes two items with opposite states.
 */
import { describe, expect, it } from 'vitest';
import { sonarrEventsFromPayload } from '../../src/api/webhooks/sonarr.js';
import { JobQueue } from '../../src/queue/index.js';
import { createLibrary, createPlayerGroup, setGroupLibraries, type Store } from '../../src/store/index.js';
import { SYNC_JOB_KIND, syncJobKind } from '../../src/sync/job-contract.js';
import { submitItemEvents } from '../../src/sync/submit.js';
import { DATABASE_KINDS, useTestDatabase } from '../fixtures/databases.js';
import { webhookFixture } from '../fixtures/webhooks/load.js';

const SEASON_1 = '/data/media/tv/Example Show (2020)/Season 01';
const SEASON_2 = '/data/media/tv/Example Show (2020)/Season 02';
const E02_03 = `${SEASON_1}/Example Show (2020) - S01E02-E03 - Second + Third [WEBDL-1080p].mkv`;
const E02_03_UHD = `${SEASON_1}/Example Show (2020) - S01E02-E03 - Second + Third [Bluray-2160p].mkv`;
const E02_03_RENAMED = `${SEASON_1}/Example Show - S01E02-E03 - Second + Third.mkv`;
const E01_RENAMED = `${SEASON_1}/Example Show - S01E01 - Pilot.mkv`;
const PACK_1 = `${SEASON_2}/Example Show (2020) - S02E01 - Return [WEBDL-1080p].mkv`;
const PACK_2 = `${SEASON_2}/Example Show (2020) - S02E02 - Fallout [WEBDL-1080p].mkv`;

type Payload = Record<string, unknown>;

/** A webhook step: a fixture, optionally changed (which file, which episodes). */
interface Step {
  fixture: string;
  patch?: (payload: Payload) => void;
}

const episodes = (...list: [number, number][]) =>
  list.map(([seasonNumber, episodeNumber]) => ({ seasonNumber, episodeNumber }));

/** The same payload about another file (and its episodes). */
function about(path: string, list?: [number, number][]): (payload: Payload) => void {
  return (payload) => {
    payload.episodeFile = { ...(payload.episodeFile as object), path };
    if (list) payload.episodes = episodes(...list);
  };
}

/** "file | season×episode | state" — a path-only item shows "-". */
type Expected = string[];

const row = (path: string, se: string, state: 'published' | 'deleted') =>
  `${path.slice(path.lastIndexOf('/') + 1)} | ${se} | ${state}`;

const scenarios: [string, Step[], Expected][] = [
  [
    'Download of a two-episode file, then EpisodeFileDelete (manual) of it: both episodes deleted',
    [{ fixture: 'download-multi-episode' }, { fixture: 'episode-file-delete-manual' }],
    [row(E02_03, '1x2', 'deleted'), row(E02_03, '1x3', 'deleted')],
  ],
  [
    'Download, then Rename: the old episodes deleted, the renamed file one path-only item',
    [{ fixture: 'download-multi-episode' }, { fixture: 'rename' }],
    [
      row(E02_03, '1x2', 'deleted'),
      row(E02_03, '1x3', 'deleted'),
      row(E01_RENAMED, '-', 'published'),
      row(E02_03_RENAMED, '-', 'published'),
    ],
  ],
  [
    'Rename, then EpisodeFileDelete of the renamed file: the path-only item is taken over, nothing stays published',
    [{ fixture: 'rename' }, { fixture: 'episode-file-delete-manual', patch: about(E02_03_RENAMED) }],
    [
      row(E01_RENAMED, '-', 'published'),
      row(E02_03_RENAMED, '1x2', 'deleted'),
      row(E02_03_RENAMED, '1x3', 'deleted'),
    ],
  ],
  [
    'Import Complete of a season pack, then Download of one of its files: that file stays one item',
    [{ fixture: 'import-complete' }, { fixture: 'download-single', patch: about(PACK_1, [[2, 1]]) }],
    [row(PACK_1, '2x1', 'published'), row(PACK_2, '-', 'published')],
  ],
  [
    'Import Complete, then EpisodeFileDelete of one file: the path-only item becomes the deleted episode',
    [
      { fixture: 'import-complete' },
      { fixture: 'episode-file-delete-manual', patch: about(PACK_2, [[2, 2]]) },
    ],
    [row(PACK_1, '-', 'published'), row(PACK_2, '2x2', 'deleted')],
  ],
  [
    'Download, then Import Complete naming the same file path-only: it addresses both known episodes',
    [
      { fixture: 'download-multi-episode' },
      {
        fixture: 'import-complete',
        patch: (payload) => {
          const files = payload.episodeFiles as Payload[];
          payload.episodeFiles = [{ ...files[0], path: E02_03 }, files[1]];
        },
      },
    ],
    [row(E02_03, '1x2', 'published'), row(E02_03, '1x3', 'published'), row(PACK_2, '-', 'published')],
  ],
  [
    'Download, EpisodeFileDelete (upgrade), Download (upgrade with deletedFiles): old episodes deleted, new published',
    [
      { fixture: 'download-multi-episode' },
      { fixture: 'episode-file-delete-upgrade' },
      { fixture: 'download-upgrade' },
    ],
    [
      row(E02_03, '1x2', 'deleted'),
      row(E02_03, '1x3', 'deleted'),
      row(E02_03_UHD, '1x2', 'published'),
      row(E02_03_UHD, '1x3', 'published'),
    ],
  ],
  [
    'Rename, then an upgrade whose deletedFiles names the renamed file: the path-only item is deleted',
    [
      { fixture: 'rename' },
      {
        fixture: 'download-upgrade',
        patch: (payload) => {
          payload.deletedFiles = [{ path: E02_03_RENAMED }];
        },
      },
    ],
    [
      row(E01_RENAMED, '-', 'published'),
      row(E02_03_RENAMED, '-', 'deleted'),
      row(E02_03_UHD, '1x2', 'published'),
      row(E02_03_UHD, '1x3', 'published'),
    ],
  ],
];

async function setUp(store: Store): Promise<void> {
  const tv = await createLibrary(store.db, { name: 'TV', kind: 'tvshows', rootPath: '/data/media/tv' });
  const group = await createPlayerGroup(store.db, { name: 'Living room' });
  await setGroupLibraries(store.db, group.id, [tv.id]);
}

async function itemRows(store: Store): Promise<string[]> {
  const items = await store.db.selectFrom('items').select(['path', 'season', 'episode', 'state']).execute();
  return items
    .map((i) => row(i.path, i.season === null ? '-' : `${i.season}x${String(i.episode)}`, i.state))
    .sort();
}

describe.each(DATABASE_KINDS)('episode identity on %s', (kind) => {
  const t = useTestDatabase(kind);
  const submit = (events: unknown) =>
    submitItemEvents(
      {
        db: t.store.db,
        dialect: t.store.dialect,
        queue: new JobQueue(t.store, { kinds: { [SYNC_JOB_KIND]: syncJobKind } }),
      },
      events,
    );

  it.each(scenarios)('%s', async (_, steps, expected) => {
    await t.store.db.deleteFrom('jobs').execute();
    await t.store.db.deleteFrom('items').execute();
    if ((await t.store.db.selectFrom('libraries').select('id').execute()).length === 0) await setUp(t.store);
    for (const step of steps) {
      const payload = webhookFixture('sonarr', step.fixture) as Payload;
      step.patch?.(payload);
      const { events } = sonarrEventsFromPayload(payload);
      if (events.length > 0) await submit(events);
    }
    expect(await itemRows(t.store)).toEqual([...expected].sort());
  });

  it('keeps the generic API to the same rule: a path-only publish, then a delete naming its episode', async () => {
    await t.store.db.deleteFrom('jobs').execute();
    await t.store.db.deleteFrom('items').execute();
    const path = `${SEASON_1}/Example Show - S01E05.mkv`;
    await submit([{ action: 'publish', kind: 'episode', path }]);
    await submit([{ action: 'delete', kind: 'episode', path, season: 1, episode: 5 }]);
    await submit([{ action: 'republish', kind: 'episode', path }]);
    expect(await itemRows(t.store)).toEqual([row(path, '1x5', 'published')]);
  });

  it('carries the old file in the upgrade job of every new episode', async () => {
    await t.store.db.deleteFrom('jobs').execute();
    await t.store.db.deleteFrom('items').execute();
    for (const fixture of ['download-multi-episode', 'download-upgrade']) {
      const { events } = sonarrEventsFromPayload(webhookFixture('sonarr', fixture));
      await submit(events);
    }
    const jobs = await t.store.db
      .selectFrom('jobs')
      .innerJoin('items', 'items.id', 'jobs.item_id')
      .select(['items.path', 'items.episode', 'jobs.payload'])
      .where('items.path', '=', E02_03_UHD)
      .where('jobs.state', '=', 'queued')
      .orderBy('items.episode')
      .execute();
    expect(jobs.map((j) => [j.episode, (JSON.parse(j.payload) as { replaces?: string[] }).replaces])).toEqual(
      [
        [2, [E02_03]],
        [3, [E02_03]],
      ],
    );
  });
});
