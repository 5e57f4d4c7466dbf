/**
 * Finding an item in Kodi's library. Primary key: the file. Kodi's `path`/`filename` filters are SQL LIKE
 * (`_`, `%` wildcards, case-insensitive; real-kodi.md §6), so the filter only narrows and the match is decided here:
 * the exact file, or the same file in the form Kodi stores it — with `user:pass@` in a share URL, or in another
 * case on a case-insensitive share (SMB, Windows drive or UNC path). Rows the filter returned that are other files
 * (`AxB` for `A_B`, `1000 Wolf` for `100% Wolf`) are look-alikes: never this item, reported so a failure can say so.
 * Unique ids are not filterable (§6): compared here. Never keep a Kodi id across operations: ids change on refresh
 * and are reused (§7, §8).
 */
import type { KodiFilter, KodiUniqueIds } from '../kodi/types.js';
import {
  kodiBasename,
  kodiDirname,
  kodiFolder,
  parsePath,
  sameKodiPath,
  withoutCredentials,
} from '../paths/index.js';
import type { LibraryRow, VideoLibraryPort } from './library-port.js';
import type { SyncItem } from './types.js';

export type { LibraryRow } from './library-port.js';

export interface FileLookup {
  /** Every library row of this file (a multi-episode file has several). */
  rows: LibraryRow[];
  /** The rows matched only in Kodi's stored form (credentials, case of a case-insensitive share). */
  storedForm: boolean;
  /** Other files Kodi's LIKE filter returned: never this item. */
  lookalikes: LibraryRow[];
}

/** Shares whose file names compare case-insensitively: Windows drives, UNC and smb:// paths. */
function caseInsensitiveShare(path: string): boolean {
  const parsed = parsePath(path);
  if (!parsed) return false;
  return parsed.style === 'windows' || parsed.style === 'unc' || /^smb:\/\//i.test(path);
}

/**
 * Whether Kodi's stored `file` is the file we mean: exactly (URL credentials aside), or — on a case-insensitive share
 * only — in another case. On posix and nfs paths `Movie.mkv` and `movie.mkv` are two files.
 */
export function sameStoredFile(stored: string, wanted: string): boolean {
  if (sameKodiPath(stored, wanted)) return true;
  if (!caseInsensitiveShare(wanted)) return false;
  return withoutCredentials(stored).toUpperCase() === withoutCredentials(wanted).toUpperCase();
}

/** Whether Kodi's stored `file` lies below `folder` (a folder form ends with its separator: boundary-safe). */
export function storedBelow(file: string, folder: string): boolean {
  const f = withoutCredentials(file);
  const d = withoutCredentials(folder);
  return caseInsensitiveShare(folder) ? f.toUpperCase().startsWith(d.toUpperCase()) : f.startsWith(d);
}

function fileFilter(kodiFile: string): KodiFilter {
  return {
    and: [
      { field: 'path', operator: 'is', value: kodiDirname(kodiFile) },
      { field: 'filename', operator: 'is', value: kodiBasename(kodiFile) },
    ],
  };
}

/** Splits the rows a filter returned into this file's rows and look-alikes. */
export function matchFile(
  kodiFile: string,
  candidates: readonly LibraryRow[],
): { exact: LibraryRow[]; stored: LibraryRow[]; lookalikes: LibraryRow[] } {
  const exact = candidates.filter((row) => sameKodiPath(row.file, kodiFile));
  const stored = candidates.filter((row) => !exact.includes(row) && sameStoredFile(row.file, kodiFile));
  const lookalikes = candidates.filter((row) => !exact.includes(row) && !stored.includes(row));
  return { exact, stored, lookalikes };
}

/**
 * Every library row of exactly this file. When the folder+name filter finds none and the path is a share URL or a
 * Windows path, Kodi may store it with credentials or in another case, which a LIKE on our string misses: one more
 * query by file name alone finds it.
 */
export async function lookupFile(
  library: VideoLibraryPort,
  kodiFile: string,
  extraProps: readonly string[] = [],
): Promise<FileLookup> {
  const first = matchFile(
    kodiFile,
    await library.list(fileFilter(kodiFile), extraProps, `path+filename "${kodiFile}"`),
  );
  if (first.exact.length > 0 || first.stored.length > 0) {
    return {
      rows: [...first.exact, ...first.stored],
      storedForm: first.exact.length === 0,
      lookalikes: first.lookalikes,
    };
  }
  const style = parsePath(kodiFile)?.style;
  if (style !== 'url' && style !== 'windows' && style !== 'unc') {
    return { rows: [], storedForm: false, lookalikes: first.lookalikes };
  }
  const byName = matchFile(
    kodiFile,
    await library.list(
      { field: 'filename', operator: 'is', value: kodiBasename(kodiFile) },
      extraProps,
      `filename "${kodiBasename(kodiFile)}" (stored form)`,
    ),
  );
  const rows = [...byName.exact, ...byName.stored];
  const lookalikes = [
    ...first.lookalikes,
    ...byName.lookalikes.filter((r) => !first.lookalikes.some((l) => l.id === r.id)),
  ];
  return { rows, storedForm: rows.length > 0, lookalikes };
}

export async function findByFile(
  library: VideoLibraryPort,
  kodiFile: string,
  extraProps: readonly string[] = [],
): Promise<LibraryRow[]> {
  return (await lookupFile(library, kodiFile, extraProps)).rows;
}

/**
 * The row that is this item. An episode with a season and episode is ONLY its own row: S01E22 is never "verified"
 * by the S01E21 row of the same two-episode file. A path-only item (a movie, or an episode event that did not say
 * which) is any row of the file.
 */
export function pickItemRow(item: SyncItem, rows: readonly LibraryRow[]): LibraryRow | undefined {
  if (item.kind === 'episode' && item.season !== null && item.episode !== null) {
    return rows.find((r) => r.season === item.season && r.episode === item.episode);
  }
  return rows[0];
}

/** Look-alikes described for a failure message ("Kodi has … which differs only in …"). */
export function describeLookalikes(lookalikes: readonly LibraryRow[]): string | undefined {
  if (lookalikes.length === 0) return undefined;
  const files = lookalikes.slice(0, 3).map((r) => `"${r.file}"`);
  return `Kodi's filter also returned ${files.join(', ')}${lookalikes.length > 3 ? ' …' : ''}, which ${lookalikes.length === 1 ? 'is another file' : 'are other files'} (Kodi matches "_" and "%" as wildcards and ignores case)`;
}

function idsMatch(item: SyncItem, uniqueid: KodiUniqueIds | undefined): boolean {
  if (!uniqueid) return false;
  return (['imdb', 'tmdb', 'tvdb'] as const).some(
    (k) => item.ids[k] !== undefined && uniqueid[k] === item.ids[k],
  );
}

/**
 * Fallback lookups when the file is not found. A movie: by unique id among the rows with its title, then
 * title+year. An episode: its own season and episode among the rows below its show folder (never a library-wide
 * listing). The caller decides whether such a match counts (only when Kodi reported it added during this job).
 */
export async function findByIdsOrTitle(
  library: VideoLibraryPort,
  item: SyncItem,
  showFolder?: string,
): Promise<{ row: LibraryRow; matchedBy: 'uniqueid' | 'title+year' | 'show+season+episode' } | undefined> {
  if (item.kind === 'episode') {
    if (item.season === null || item.episode === null || showFolder === undefined) return undefined;
    const folder = kodiFolder(showFolder);
    const rows = await library.list(
      {
        and: [
          { field: 'path', operator: 'startswith', value: folder },
          { field: 'season', operator: 'is', value: String(item.season) },
          { field: 'episode', operator: 'is', value: String(item.episode) },
        ],
      },
      [],
      `show "${folder}" S${item.season}E${item.episode}`,
    );
    const row = rows.find(
      (r) => r.season === item.season && r.episode === item.episode && storedBelow(r.file, folder),
    );
    return row && { row, matchedBy: 'show+season+episode' };
  }
  const hasIds = Object.values(item.ids).some((v) => v !== undefined);
  if (item.title === null) return undefined;
  const rows = await library.list(
    { field: 'title', operator: 'is', value: item.title },
    [],
    `title "${item.title}"`,
  );
  const byId = hasIds ? rows.find((r) => idsMatch(item, r.uniqueid)) : undefined;
  if (byId) return { row: byId, matchedBy: 'uniqueid' };
  if (item.year !== null) {
    const byTitle = rows.find((r) => r.title === item.title && r.year === item.year);
    if (byTitle) return { row: byTitle, matchedBy: 'title+year' };
  }
  return undefined;
}
