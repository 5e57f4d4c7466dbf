import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mapKodiToManager,
  mapManagerToKodi,
  mappingProblem,
  type PathMapping,
} from '../../src/paths/index.js';
import { PermanentError } from '../../src/util/errors.js';

const groupMappings: PathMapping[] = [
  { managerPrefix: '/data/movies', kodiPrefix: '/media/movies/' },
  { managerPrefix: '/data/movies/4k', kodiPrefix: 'smb://nas/uhd/' },
  { managerPrefix: '/data/tv/', kodiPrefix: 'nfs://nas/export/tv' },
  { managerPrefix: 'D:\\Media\\Films', kodiPrefix: '\\\\nas\\films\\' },
  { managerPrefix: '\\\\winbox\\share\\Series', kodiPrefix: 'smb://kodi:s3cret@nas/series/' },
  { managerPrefix: '/srv/win', kodiPrefix: 'E:\\Video\\' },
];

describe('mapManagerToKodi', () => {
  const cases: [string, string, string][] = [
    [
      'maps /data to /media style',
      '/data/movies/Alien (1979)/Alien (1979).mkv',
      '/media/movies/Alien (1979)/Alien (1979).mkv',
    ],
    ['keeps a folder a folder', '/data/movies/Alien (1979)/', '/media/movies/Alien (1979)/'],
    ['maps the prefix itself to Kodi folder form', '/data/movies', '/media/movies/'],
    [
      'prefers the longest prefix',
      '/data/movies/4k/Dune (2021)/Dune (2021).mkv',
      'smb://nas/uhd/Dune (2021)/Dune (2021).mkv',
    ],
    [
      'treats a trailing separator in the manager prefix the same',
      '/data/tv/Show/Season 01/S01E01.mkv',
      'nfs://nas/export/tv/Show/Season 01/S01E01.mkv',
    ],
    [
      'converts to backslashes for a UNC target',
      'D:\\Media\\Films\\Up (2009)\\Up (2009).mkv',
      '\\\\nas\\films\\Up (2009)\\Up (2009).mkv',
    ],
    [
      'matches a Windows manager prefix case-insensitively',
      'd:\\media\\FILMS\\Up (2009)\\Up (2009).mkv',
      '\\\\nas\\films\\Up (2009)\\Up (2009).mkv',
    ],
    [
      'accepts forward slashes in a Windows manager path',
      'D:/Media/Films/Up (2009)/Up (2009).mkv',
      '\\\\nas\\films\\Up (2009)\\Up (2009).mkv',
    ],
    [
      'maps UNC to smb with credentials kept for Kodi',
      '\\\\winbox\\share\\Series\\Show\\a.mkv',
      'smb://kodi:s3cret@nas/series/Show/a.mkv',
    ],
    ['converts posix to a drive path', '/srv/win/Film/Film.mkv', 'E:\\Video\\Film\\Film.mkv'],
    [
      'collapses doubled separators Kodi would not normalise',
      '/data/movies//Alien (1979)//Alien (1979).mkv',
      '/media/movies/Alien (1979)/Alien (1979).mkv',
    ],
    [
      'passes a path already in Kodi form',
      '/media/movies/Alien (1979)/Alien (1979).mkv',
      '/media/movies/Alien (1979)/Alien (1979).mkv',
    ],
    ['passes an smb URL as Kodi form', 'smb://other/x/y.mkv', 'smb://other/x/y.mkv'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(mapManagerToKodi(groupMappings, input)).toBe(expected);
  });

  it.each([
    ['/data/movies2/X (2000)/X (2000).mkv'],
    ['/Data/movies/X (2000)/X (2000).mkv'],
    ['/elsewhere/X.mkv'],
  ])(
    'refuses %s, which no mapping covers on a boundary and in exact case, naming the mapping to add',
    (input) => {
      expect(() => mapManagerToKodi(groupMappings, input, { groupName: 'Living room' })).toThrow(
        PermanentError,
      );
      expect(() => mapManagerToKodi(groupMappings, input, { groupName: 'Living room' })).toThrow(
        /Living room.*Add a mapping/,
      );
    },
  );

  it('never puts a password in the refusal message', () => {
    let message = '';
    try {
      mapManagerToKodi(groupMappings, '/nowhere/x.mkv');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('smb://kodi:***@nas/series/');
    expect(message).not.toContain('s3cret');
  });

  it('refuses relative paths and dot segments', () => {
    expect(() => mapManagerToKodi(groupMappings, 'movies/x.mkv')).toThrow(/not absolute/);
    expect(() => mapManagerToKodi(groupMappings, '/data/movies/../etc/passwd')).toThrow(/"\.\."/);
  });

  it('passes paths through unchanged when the group has no mappings', () => {
    expect(mapManagerToKodi([], '/srv/media/A (1)/A (1).mkv')).toBe('/srv/media/A (1)/A (1).mkv');
  });

  it('keeps names with spaces, unicode, %, _, #, brackets and apostrophes byte for byte', () => {
    for (const name of [
      'Spaces & [Brackets] 100% #hash (2013)',
      'Ünïcødé Fïlm (2013)',
      "It's a Movie (2013)",
      'A_B (2013)',
      '日本語 (2001)',
    ]) {
      expect(mapManagerToKodi(groupMappings, `/data/movies/${name}/${name}.mkv`)).toBe(
        `/media/movies/${name}/${name}.mkv`,
      );
      expect(mapManagerToKodi(groupMappings, `D:\\Media\\Films\\${name}\\${name}.mkv`)).toBe(
        `\\\\nas\\films\\${name}\\${name}.mkv`,
      );
    }
  });
});

describe('mapKodiToManager', () => {
  const cases: [string, string, string | undefined][] = [
    [
      'maps back to the manager side',
      '/media/movies/Alien (1979)/Alien (1979).mkv',
      '/data/movies/Alien (1979)/Alien (1979).mkv',
    ],
    [
      'converts backslashes to slashes',
      '\\\\nas\\films\\Up (2009)\\Up (2009).mkv',
      'D:\\Media\\Films\\Up (2009)\\Up (2009).mkv',
    ],
    [
      'matches an smb file that Kodi returns without credentials',
      'smb://nas/series/Show/a.mkv',
      '\\\\winbox\\share\\Series\\Show\\a.mkv',
    ],
    [
      'matches an smb file that Kodi returns with other credentials',
      'smb://x:y@nas/series/Show/a.mkv',
      '\\\\winbox\\share\\Series\\Show\\a.mkv',
    ],
    ['is exact-case on a posix Kodi side', '/media/Movies/Alien (1979)/Alien (1979).mkv', undefined],
    ['leaves paths outside every mapping unmanaged', '/other/x.mkv', undefined],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(mapKodiToManager(groupMappings, input)).toBe(expected);
  });
});

describe('mappingProblem', () => {
  it('flags relative prefixes and accepts every absolute form', () => {
    expect(mappingProblem({ managerPrefix: 'movies', kodiPrefix: '/m/' })).toMatch(/manager prefix/);
    expect(mappingProblem({ managerPrefix: '/m', kodiPrefix: 'Movies' })).toMatch(/Kodi prefix/);
    expect(mappingProblem({ managerPrefix: '/m', kodiPrefix: 'nfs://h/e/' })).toBeUndefined();
  });
});

// Names as media managers write them: anything but separators and NUL, including the LIKE wildcards and brackets.
const segment = fc
  .string({ unit: fc.constantFrom(..."aZ09 _%#[]()'&.-éÜ日".split('')), minLength: 1, maxLength: 12 })
  .filter((s) => s !== '.' && s !== '..');

const mappingPairs = fc.constantFrom<[string, string]>(
  ['/data/movies', '/media/movies/'],
  ['/data/movies/', 'smb://nas/movies'],
  ['D:\\Media', 'nfs://nas/export/media/'],
  ['\\\\win\\share', '/mnt/share'],
  ['/srv', 'E:\\Video\\'],
  ['/srv/tv', '\\\\nas\\tv\\'],
);

describe('round trip (property)', () => {
  it('maps manager → Kodi → manager back to the same file', () => {
    fc.assert(
      fc.property(
        mappingPairs,
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        ([manager, kodi], segments) => {
          const mappings = [{ managerPrefix: manager, kodiPrefix: kodi }];
          const sep = manager.startsWith('/') ? '/' : '\\';
          const managerPath = manager.replace(/[\\/]$/, '') + sep + segments.join(sep);
          const kodiPath = mapManagerToKodi(mappings, managerPath);
          expect(mapKodiToManager(mappings, kodiPath)).toBe(managerPath);
        },
      ),
    );
  });

  it('never maps a sibling folder that only shares a name prefix', () => {
    fc.assert(
      fc.property(segment, segment, (extra, name) => {
        const mappings = [{ managerPrefix: '/data/movies', kodiPrefix: '/media/movies/' }];
        expect(() => mapManagerToKodi(mappings, `/data/movies${extra}/${name}`)).toThrow(PermanentError);
      }),
    );
  });

  it('maps the same whether the prefixes carry a trailing separator or not', () => {
    fc.assert(
      fc.property(
        mappingPairs,
        fc.boolean(),
        fc.boolean(),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        ([m, k], tm, tk, names) => {
          const strip = (s: string): string => s.replace(/[\\/]$/, '');
          const add = (s: string): string => strip(s) + (s.includes('\\') && !s.includes('://') ? '\\' : '/');
          const a = [{ managerPrefix: strip(m), kodiPrefix: strip(k) }];
          const b = [{ managerPrefix: tm ? add(m) : strip(m), kodiPrefix: tk ? add(k) : strip(k) }];
          const sep = m.startsWith('/') ? '/' : '\\';
          const path = strip(m) + sep + names.join(sep);
          expect(mapManagerToKodi(b, path)).toBe(mapManagerToKodi(a, path));
        },
      ),
    );
  });
});
