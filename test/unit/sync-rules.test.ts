/**
 * The engine's Kodi rules as tables: which row is the item, what counts as the same file, when a folder may be
 * scanned, what a refresh must restore, what a replacement carries over, and what proves a refresh happened.
 */
import { describe, expect, it } from 'vitest';
import type { KodiFilter } from '../../src/kodi/types.js';
import { waitPastFolderTimes } from '../../src/sync/folder-time.js';
import type { LibraryRow, VideoLibraryPort } from '../../src/sync/library-port.js';
import { lookupFile, matchFile, pickItemRow, sameStoredFile } from '../../src/sync/lookup.js';
import { refreshObserved } from '../../src/sync/republish.js';
import type { SyncItem } from '../../src/sync/types.js';
import { exactRestore, refreshRestore, replacementCopy, withEntries } from '../../src/sync/user-data.js';

const row = (id: number, file: string, extra: Partial<LibraryRow> = {}): LibraryRow => ({
  id,
  file,
  title: file,
  ...extra,
});

const item = (extra: Partial<SyncItem>): SyncItem => ({
  id: 1,
  libraryId: 1,
  kind: 'movie',
  path: '/m/X.mkv',
  ids: {},
  title: null,
  year: null,
  season: null,
  episode: null,
  state: 'published',
  revision: 1,
  ...extra,
});

describe('same file: Kodi stored form vs the mapped path', () => {
  it.each([
    ['/m/A_B (2001)/A_B (2001).mkv', '/m/A_B (2001)/A_B (2001).mkv', true],
    ['/m/AxB (2001)/AxB (2001).mkv', '/m/A_B (2001)/A_B (2001).mkv', false],
    ['/m/1000 Wolf (2002)/1000 Wolf (2002).mkv', '/m/100% Wolf (2002)/100% Wolf (2002).mkv', false],
    ['/m/case study (2001)/case study (2001).mkv', '/m/Case Study (2001)/Case Study (2001).mkv', false],
    ['smb://user:secret@nas/m/X/X.mkv', 'smb://nas/m/X/X.mkv', true],
    ['smb://NAS/Movies/X/x.mkv', 'smb://nas/movies/X/X.mkv', true],
    ['nfs://nas/m/X/x.mkv', 'nfs://nas/m/X/X.mkv', false],
    ['D:\\Movies\\X\\X.MKV', 'd:\\movies\\x\\x.mkv', true],
    ['\\\\NAS\\Share\\X.mkv', '\\\\nas\\share\\x.mkv', true],
  ])('%s is %s: %s', (stored, wanted, same) => {
    expect(sameStoredFile(stored, wanted)).toBe(same);
  });

  it('splits what the LIKE filter returned into the file, its stored form and look-alikes', () => {
    const split = matchFile('/m/A_B/A_B.mkv', [row(1, '/m/AxB/AxB.mkv'), row(2, '/m/A_B/A_B.mkv')]);
    expect(split.exact.map((r) => r.id)).toEqual([2]);
    expect(split.lookalikes.map((r) => r.id)).toEqual([1]);
  });
});

describe('which row is the item', () => {
  const twoEpisodes = [
    row(21, '/tv/S/S01E21-E22.mkv', { season: 1, episode: 21 }),
    row(22, '/tv/S/S01E21-E22.mkv', { season: 1, episode: 22 }),
  ];
  it.each([
    ['S01E22 of a two-episode file', { kind: 'episode', season: 1, episode: 22 }, twoEpisodes, 22],
    [
      'S01E23 when only E21 and E22 are in Kodi',
      { kind: 'episode', season: 1, episode: 23 },
      twoEpisodes,
      undefined,
    ],
    ['a path-only episode event', { kind: 'episode' }, twoEpisodes, 21],
    ['a movie', { kind: 'movie' }, [row(7, '/m/X/X.mkv')], 7],
  ] as const)('%s', (_, extra, rows, id) => {
    expect(pickItemRow(item(extra as Partial<SyncItem>), [...rows])?.id).toBe(id);
  });
});

describe('folder time: never scan in the second of the folder’s last change', () => {
  const at = (iso: string): number => Date.parse(iso);
  it.each([
    ['changed this second', ['2026-12-02 04:10:05'], at('2026-12-02T04:10:05.300Z'), 950],
    ['changed last second, within the margin', ['2026-12-02 04:10:05'], at('2026-12-02T04:10:06.100Z'), 150],
    ['changed long ago', ['2026-12-02 03:17:42'], at('2026-12-02T04:10:05.300Z'), 0],
    ['Kodi in UTC+2, changed this second', ['2026-12-02 06:10:05'], at('2026-12-02T04:10:05.600Z'), 650],
    ['Kodi in UTC−5:30, changed this second', ['2026-12-01 22:40:05'], at('2026-12-02T04:10:05.000Z'), 1250],
    [
      'the newest of several folders counts',
      ['2026-12-02 04:00:00', '2026-12-02 04:10:05'],
      at('2026-12-02T04:10:05.900Z'),
      350,
    ],
    ['no time known', [undefined, 'garbage'], at('2026-12-02T04:10:05.300Z'), 0],
  ] as const)('%s', (_, times, now, waitMs) => {
    expect(waitPastFolderTimes(times, now)).toEqual({ waitMs, clockSkew: false });
  });

  it('reports a folder dated in the future (the clocks disagree) instead of waiting for it', () => {
    expect(waitPastFolderTimes(['2026-12-02 04:10:15'], Date.parse('2026-12-02T04:10:05Z'))).toEqual({
      waitMs: 0,
      clockSkew: true,
    });
  });
});

describe('what a refresh must restore (only what it reset, never the NFO’s values)', () => {
  it.each([
    [
      'watched state reset',
      { playcount: 3, lastplayed: '2020-01-01 00:00:00', userrating: 8 },
      { playcount: 0, lastplayed: '', userrating: 0 },
      { playcount: 3, lastplayed: '2020-01-01 00:00:00', userrating: 8 },
    ],
    ['the NFO now sets a playcount', { playcount: 3 }, { playcount: 7 }, {}],
    ['the NFO now sets a rating', { userrating: 8 }, { userrating: 6 }, {}],
    ['nothing was watched', { playcount: 0, lastplayed: '' }, { playcount: 0, lastplayed: '' }, {}],
    [
      'resume kept by Kodi',
      { resume: { position: 30, total: 120 } },
      { resume: { position: 30, total: 120 } },
      {},
    ],
    [
      'resume lost',
      { resume: { position: 30, total: 120 } },
      { resume: { position: 0, total: 0 } },
      { resume: { position: 30, total: 120 } },
    ],
    [
      'date added is never written back',
      { dateadded: '2019-01-01 00:00:00' },
      { dateadded: '2026-01-01 00:00:00' },
      {},
    ],
  ] as const)('%s', (_, before, after, restore) => {
    expect(refreshRestore(before, after)).toEqual(restore);
  });
});

describe('what a replacement carries over', () => {
  it.each([
    [
      'watched old, fresh new',
      { playcount: 2, lastplayed: '2021-01-01 00:00:00', dateadded: '2019-01-01 00:00:00' },
      { playcount: 0, lastplayed: '', dateadded: '2026-01-01 00:00:00' },
      { playcount: 2, lastplayed: '2021-01-01 00:00:00', dateadded: '2019-01-01 00:00:00' },
    ],
    ['new already watched more', { playcount: 1 }, { playcount: 2 }, {}],
    [
      'resume only when the new has none',
      { resume: { position: 10, total: 60 } },
      { resume: { position: 5, total: 60 } },
      {},
    ],
  ] as const)('%s', (_, old, current, copy) => {
    expect(replacementCopy(old, current)).toEqual(copy);
  });

  it('restores a sibling exactly as it was', () => {
    expect(exactRestore({ playcount: 4, dateadded: 'a' }, { playcount: 0, dateadded: 'b' })).toEqual({
      playcount: 4,
      dateadded: 'a',
    });
  });

  it('keeps one snapshot entry per role, file and episode', () => {
    const first = withEntries(null, [{ role: 'sibling', file: '/a', kodiId: 1, data: { playcount: 1 } }], 1);
    const second = withEntries(
      first,
      [{ role: 'sibling', file: '/a', kodiId: 2, data: { playcount: 2 } }],
      2,
    );
    expect(second.entries).toEqual([{ role: 'sibling', file: '/a', kodiId: 2, data: { playcount: 2 } }]);
  });
});

describe('what proves that Kodi ran a refresh', () => {
  const before = { row: row(5, '/m/X/X.mkv', { title: 'X', art: {} }), data: { playcount: 2 } };
  it.each([
    ['the row is gone', undefined, false, undefined],
    [
      'seen absent, now back',
      row(5, '/m/X/X.mkv', { title: 'X', art: {} }),
      true,
      'row absent, then present again',
    ],
    ['a new id', row(9, '/m/X/X.mkv', { title: 'X', art: {} }), false, 'id 5 → 9'],
    [
      'the watched state reset',
      row(5, '/m/X/X.mkv', { title: 'X', art: {}, playcount: 0 }),
      false,
      'user data reset by the refresh',
    ],
    [
      'the NFO title re-read',
      row(5, '/m/X/X.mkv', { title: 'X (edited)', art: {}, playcount: 2 }),
      false,
      'title or art re-read from the NFO',
    ],
    [
      'the same row, nothing changed',
      row(5, '/m/X/X.mkv', { title: 'X', art: {}, playcount: 2 }),
      false,
      undefined,
    ],
  ] as const)('%s', (_, now, seenAbsent, how) => {
    expect(refreshObserved(before, now, seenAbsent)).toBe(how);
  });
});

/** A library answering like Kodi's filters: LIKE semantics (`_`, `%` wildcards, case-insensitive). */
function scriptedLibrary(rows: LibraryRow[]): VideoLibraryPort & { queries: string[] } {
  const like = (value: string, pattern: string, prefix = false): boolean => {
    const re = pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replaceAll('%', '.*')
      .replaceAll('_', '.');
    return new RegExp(`^${re}${prefix ? '' : '$'}`, 'is').test(value);
  };
  const matches = (r: LibraryRow, filter: KodiFilter): boolean => {
    if ('and' in filter) return filter.and.every((f) => matches(r, f));
    if ('or' in filter) return filter.or.some((f) => matches(r, f));
    const value = String(filter.value);
    const dir = r.file.slice(0, r.file.lastIndexOf('/') + 1);
    const name = r.file.slice(dir.length);
    if (filter.field === 'path') return like(dir, value, filter.operator === 'startswith');
    if (filter.field === 'filename') return like(name, value);
    if (filter.field === 'title') return like(r.title, value);
    return false;
  };
  const queries: string[] = [];
  return {
    kind: 'movie',
    queries,
    list: (filter, _props, label) => {
      queries.push(label);
      return Promise.resolve(rows.filter((r) => !filter || matches(r, filter)));
    },
    details: (id) => Promise.resolve(rows.find((r) => r.id === id) ?? row(0, '')),
    refresh: () => Promise.resolve(),
    setDetails: () => Promise.resolve(),
    remove: () => Promise.resolve(),
  };
}

describe('looking a file up in a scripted library', () => {
  it('never takes a look-alike for the file, and reports it', async () => {
    const library = scriptedLibrary([row(1, '/m/AxB (2001)/AxB (2001).mkv')]);
    const found = await lookupFile(library, '/m/A_B (2001)/A_B (2001).mkv');
    expect(found.rows).toEqual([]);
    expect(found.lookalikes.map((r) => r.id)).toEqual([1]);
  });

  it('finds a share URL Kodi stores with credentials by a second query on the file name', async () => {
    const library = scriptedLibrary([row(3, 'smb://kodi:secret@nas/movies/X (2001)/X (2001).mkv')]);
    const found = await lookupFile(library, 'smb://nas/movies/X (2001)/X (2001).mkv');
    expect(found.rows.map((r) => r.id)).toEqual([3]);
    expect(found.storedForm).toBe(true);
    expect(library.queries).toHaveLength(2);
  });

  it('asks once for a local path (Kodi stores it as the source names it)', async () => {
    const library = scriptedLibrary([]);
    await lookupFile(library, '/m/X (2001)/X (2001).mkv');
    expect(library.queries).toHaveLength(1);
  });
});
