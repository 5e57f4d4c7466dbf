import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectStyle,
  folderBelow,
  joinKodi,
  kodiBasename,
  kodiDirname,
  kodiFolder,
  maskCredentials,
  sameKodiPath,
  withoutCredentials,
} from '../../src/paths/index.js';
import { ValidationError } from '../../src/util/errors.js';

describe('detectStyle', () => {
  it.each([
    ['/media/movies/', 'posix'],
    ['smb://nas/movies/', 'url'],
    ['nfs://nas/export/', 'url'],
    ['special://profile/', 'url'],
    ['D:\\Movies\\', 'windows'],
    ['c:/Movies/', 'windows'],
    ['\\\\server\\share\\', 'unc'],
    ['movies/x', undefined],
    ['', undefined],
  ])('%s is %s', (path, style) => {
    expect(detectStyle(path)).toBe(style);
  });
});

describe('kodiDirname / kodiBasename / kodiFolder / joinKodi', () => {
  const cases: [string, string, string][] = [
    ['/media/movies/A (1999)/A (1999).mkv', '/media/movies/A (1999)/', 'A (1999).mkv'],
    ['smb://nas/movies/A (1999)/A (1999).mkv', 'smb://nas/movies/A (1999)/', 'A (1999).mkv'],
    ['smb://user:pw@nas/movies/A.mkv', 'smb://user:pw@nas/movies/', 'A.mkv'],
    ['nfs://nas/export/tv/Show/Season 01/S01E01.mkv', 'nfs://nas/export/tv/Show/Season 01/', 'S01E01.mkv'],
    ['D:\\Movies\\A (1999)\\A (1999).mkv', 'D:\\Movies\\A (1999)\\', 'A (1999).mkv'],
    ['\\\\nas\\movies\\A (1999)\\A (1999).mkv', '\\\\nas\\movies\\A (1999)\\', 'A (1999).mkv'],
    ['/media/movies/A (1999)/', '/media/movies/', 'A (1999)'],
    ['smb://nas/', 'smb://nas/', ''],
    ['\\\\nas\\movies\\', '\\\\nas\\movies\\', ''],
    ['D:\\', 'D:\\', ''],
  ];
  it.each(cases)('%s → folder %s, name %s', (path, dir, base) => {
    expect(kodiDirname(path)).toBe(dir);
    expect(kodiBasename(path)).toBe(base);
  });

  it.each([
    ['/media/movies/A', '/media/movies/A/'],
    ['/media/movies/A///', '/media/movies/A/'],
    ['smb://nas/movies', 'smb://nas/movies/'],
    ['D:\\Movies', 'D:\\Movies\\'],
    ['\\\\nas\\movies\\Show', '\\\\nas\\movies\\Show\\'],
  ])('gives %s the folder form %s for Scan and the path filter', (path, folder) => {
    expect(kodiFolder(path)).toBe(folder);
  });

  it('joins with the folder style separator and refuses separators inside names', () => {
    expect(joinKodi('smb://nas/movies/', 'A (1)', 'A (1).mkv')).toBe('smb://nas/movies/A (1)/A (1).mkv');
    expect(joinKodi('D:\\Movies', 'A (1).mkv')).toBe('D:\\Movies\\A (1).mkv');
    expect(() => joinKodi('/m/', 'a/b')).toThrow(ValidationError);
    expect(() => joinKodi('/m/', '..')).toThrow(ValidationError);
  });

  it('refuses relative paths with a message naming the accepted forms', () => {
    expect(() => kodiDirname('movies/x.mkv')).toThrow(/smb:\/\//);
  });

  it('dirname + basename rebuild the file for every style (property)', () => {
    const name = fc
      .string({ unit: fc.constantFrom(..."ab _%#[]()'é".split('')), minLength: 1, maxLength: 8 })
      .filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(
        fc.constantFrom('/m/', 'smb://nas/m/', 'nfs://h/e/', 'D:\\m\\', '\\\\s\\sh\\'),
        fc.array(name, { minLength: 1, maxLength: 3 }),
        (root, names) => {
          const file = joinKodi(root, ...names);
          expect(joinKodi(kodiDirname(file), kodiBasename(file))).toBe(file);
        },
      ),
    );
  });
});

describe('credentials', () => {
  it('masks passwords in any text and strips userinfo from paths', () => {
    expect(maskCredentials('failed on smb://kodi:p@ss:w0rd@nas/x/ and nfs://h/y')).toBe(
      'failed on smb://kodi:***@nas/x/ and nfs://h/y',
    );
    expect(withoutCredentials('smb://kodi:pw@nas/movies/A.mkv')).toBe('smb://nas/movies/A.mkv');
    expect(withoutCredentials('/m/A.mkv')).toBe('/m/A.mkv');
  });

  it('compares files exactly, case-sensitively, ignoring only URL credentials', () => {
    expect(sameKodiPath('/m/A_B (1)/A_B (1).mkv', '/m/A_B (1)/A_B (1).mkv')).toBe(true);
    expect(sameKodiPath('/m/A_B (1)/A_B (1).mkv', '/m/AXB (1)/AXB (1).mkv')).toBe(false);
    expect(sameKodiPath('/m/a.mkv', '/M/a.mkv')).toBe(false);
    expect(sameKodiPath('smb://u:p@nas/m/a.mkv', 'smb://nas/m/a.mkv')).toBe(true);
    expect(sameKodiPath('smb://nas/m/a.mkv', 'smb://nas/m/A.mkv')).toBe(false);
  });
});

describe('folderBelow', () => {
  it.each([
    ['/tv/', '/tv/Show/Season 01/S01E01.mkv', '/tv/Show/'],
    ['/tv/', '/tv/Show/S01E01.mkv', '/tv/Show/'],
    ['/tv/', '/tv/S01E01.mkv', '/tv/'],
    ['smb://u:p@nas/tv/', 'smb://nas/tv/Show/Season 1/a.mkv', 'smb://nas/tv/Show/'],
    ['\\\\nas\\tv\\', '\\\\nas\\tv\\Show\\Season 1\\a.mkv', '\\\\nas\\tv\\Show\\'],
    ['/tv/', '/movies/A/a.mkv', undefined],
    ['/tv/', '/tv2/Show/a.mkv', undefined],
  ])('below %s, %s lies in %s', (root, path, expected) => {
    expect(folderBelow(root, path)).toBe(expected);
  });
});
