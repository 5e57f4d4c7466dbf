/**
 * Reads the simulator's media from disk the way Kodi's "Local information only" scraper does: the NFO next
 * to the video (or the folder / file name when there is none) and the artwork files beside it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import type { NewEpisode, NewMovie, NewTVShow, SimArt } from './library.js';

const VIDEO_EXTENSIONS = new Set(['.mkv', '.mp4', '.avi', '.m4v', '.mov', '.ts', '.wmv']);

export function isVideoFile(name: string): boolean {
  return VIDEO_EXTENSIONS.has(extname(name).toLowerCase());
}

export interface DirEntry {
  name: string;
  directory: boolean;
}

/** The folder's entries sorted by name, or null when it cannot be listed (missing, not a folder). */
export async function listDirectory(folder: string): Promise<DirEntry[] | null> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries
      .map((entry) => ({ name: entry.name, directory: entry.isDirectory() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return null;
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Every video file in the folder and its sub-folders, sorted; `listed` hears of each folder listing. */
export async function videoFilesBelow(
  folder: string,
  listed?: (folder: string, entries: DirEntry[]) => void,
): Promise<string[]> {
  const entries = await listDirectory(folder);
  if (!entries) return [];
  listed?.(folder, entries);
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.directory) found.push(...(await videoFilesBelow(`${folder}${entry.name}/`, listed)));
    else if (isVideoFile(entry.name)) found.push(`${folder}${entry.name}`);
  }
  return found;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Kodi's date format for dateadded / lastplayed: `YYYY-MM-DD HH:MM:SS`, local time. */
export function kodiDateTime(date: Date): string {
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`
  );
}

/** Kodi's art URL: `image://` + the path URL-encoded with lower-case hex + `/`. */
export function kodiImageUrl(path: string): string {
  const encoded = [...Buffer.from(path, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._!()~]/.test(char) ? char : `%${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
  return `image://${encoded}/`;
}

function decodeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)))
    .replaceAll('&amp;', '&');
}

interface NfoFields {
  title?: string;
  year?: number;
  premiered?: string;
  season?: number;
  episode?: number;
  uniqueid: Record<string, string>;
  defaultUniqueId?: string;
}

function tag(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1].trim());
}

function numberTag(xml: string, name: string): number | undefined {
  const text = tag(xml, name);
  const value = text === undefined ? NaN : Number.parseInt(text, 10);
  return Number.isFinite(value) ? value : undefined;
}

export function parseNfo(xml: string): NfoFields {
  const fields: NfoFields = { uniqueid: {} };
  const title = tag(xml, 'title');
  if (title) fields.title = title;
  const year = numberTag(xml, 'year');
  if (year !== undefined) fields.year = year;
  const premiered = tag(xml, 'premiered');
  if (premiered) fields.premiered = premiered;
  const season = numberTag(xml, 'season');
  if (season !== undefined) fields.season = season;
  const episode = numberTag(xml, 'episode');
  if (episode !== undefined) fields.episode = episode;
  for (const match of xml.matchAll(/<uniqueid([^>]*)>([^<]*)<\/uniqueid>/g)) {
    const attributes = match[1] ?? '';
    const type = /type="([^"]*)"/.exec(attributes)?.[1] ?? 'unknown';
    const value = decodeXml((match[2] ?? '').trim());
    fields.uniqueid[type] = value;
    if (/default="true"/.test(attributes) || fields.defaultUniqueId === undefined)
      fields.defaultUniqueId = value;
  }
  return fields;
}

/**
 * Names of the plain files in a folder: one listing answers every "is there an NFO / a poster?" question (a stat
 * per candidate name made the simulator's own I/O cost more than the scan time it models).
 */
async function fileNames(folder: string): Promise<Set<string>> {
  const entries = (await listDirectory(folder)) ?? [];
  return new Set(entries.filter((entry) => !entry.directory).map((entry) => entry.name));
}

async function readNfo(
  folder: string,
  names: Set<string>,
  ...candidates: string[]
): Promise<NfoFields | undefined> {
  for (const candidate of candidates) {
    if (!names.has(candidate)) continue;
    try {
      return parseNfo(await readFile(`${folder}${candidate}`, 'utf8'));
    } catch {
      // try the next name
    }
  }
  return undefined;
}

function findArt(folder: string, names: Set<string>, candidates: string[]): string | undefined {
  const name = candidates.find((candidate) => names.has(candidate));
  return name === undefined ? undefined : kodiImageUrl(`${folder}${name}`);
}

function artFor(folder: string, names: Set<string>, stem: string, thumb: boolean): SimArt {
  const art: SimArt = {};
  const poster = findArt(folder, names, [
    `${stem}-poster.jpg`,
    `${stem}-poster.png`,
    'poster.jpg',
    'poster.png',
    'folder.jpg',
  ]);
  if (poster) art.poster = poster;
  const fanart = findArt(folder, names, [
    `${stem}-fanart.jpg`,
    `${stem}-fanart.png`,
    'fanart.jpg',
    'fanart.png',
  ]);
  if (fanart) art.fanart = fanart;
  if (thumb) {
    const image = findArt(folder, names, [`${stem}-thumb.jpg`, `${stem}-thumb.png`]);
    if (image) art.thumb = image;
  }
  return art;
}

async function fileDate(file: string): Promise<string> {
  try {
    return kodiDateTime((await stat(file)).mtime);
  } catch {
    return kodiDateTime(new Date());
  }
}

function splitFile(file: string): { folder: string; filename: string; stem: string } {
  const filename = basename(file);
  return {
    folder: `${dirname(file)}/`,
    filename,
    stem: filename.slice(0, filename.length - extname(filename).length),
  };
}

/** "Title (1999)" → title and year; anything else → the whole name, year 0. */
function titleAndYear(name: string): { title: string; year: number } {
  const match = /^(.*?)\s*\((\d{4})\)\s*$/.exec(name);
  return match?.[1] && match[2] ? { title: match[1], year: Number(match[2]) } : { title: name, year: 0 };
}

/**
 * Kodi 20.1 puts this icon in every movie's `art` (measured; checked for movies only). The `thumb` it later
 * extracts from the video in the background is left out.
 */
const DEFAULT_MOVIE_ICON = 'image://DefaultVideo.png/';

/**
 * `artNames`: the folder's file names as Kodi's directory cache knows them (a refresh); the NFO is always
 * looked up on disk.
 */
export async function readMovie(
  file: string,
  artNames?: Set<string>,
): Promise<{ movie: NewMovie; dateadded: string }> {
  const { folder, filename, stem } = splitFile(file);
  const names = await fileNames(folder);
  const nfo = await readNfo(folder, names, `${stem}.nfo`, 'movie.nfo');
  const fromName = titleAndYear(nfo ? stem : basename(folder));
  const year = nfo?.year ?? fromName.year;
  return {
    movie: {
      title: nfo?.title ?? fromName.title,
      year,
      premiered: nfo?.premiered ?? (year ? `${year}-01-01` : ''),
      file,
      path: folder,
      filename,
      uniqueid: nfo?.uniqueid ?? {},
      imdbnumber: nfo?.defaultUniqueId ?? '',
      art: { icon: DEFAULT_MOVIE_ICON, ...artFor(folder, artNames ?? names, stem, false) },
    },
    dateadded: await fileDate(file),
  };
}

export async function readTVShow(showFolder: string): Promise<NewTVShow> {
  const names = await fileNames(showFolder);
  const nfo = await readNfo(showFolder, names, 'tvshow.nfo');
  const fromName = titleAndYear(basename(showFolder));
  return {
    title: nfo?.title ?? fromName.title,
    year: nfo?.year ?? fromName.year,
    path: showFolder,
    uniqueid: nfo?.uniqueid ?? {},
    imdbnumber: nfo?.defaultUniqueId ?? '',
    dateadded: await fileDate(showFolder),
    art: artFor(showFolder, names, 'tvshow', false),
  };
}

/**
 * Season and episode numbers in a file name as Kodi's default expressions read them (`S01E02`, `1x02`), with
 * the further parts of a multi-episode file (`S01E01E02`, `S01E01-E03`; Kodi's tvshowMultiPartEnumRegExp).
 */
export function episodeNumbers(file: string): { season: number; episode: number }[] {
  const name = basename(file);
  const match =
    /s([0-9]+)[ ._x-]*e([0-9]+)([^/]*)$/i.exec(name) ?? /[._ [(-]([0-9]+)x([0-9]+)([^/]*)$/i.exec(name);
  if (!match) return [];
  const season = Number(match[1]);
  let current = Number(match[2]);
  const numbers = [{ season, episode: current }];
  let rest = match[3] ?? '';
  for (let part = /^[-_ex]+([0-9]+)/i.exec(rest); part; part = /^[-_ex]+([0-9]+)/i.exec(rest)) {
    const last = Number(part[1]);
    // `-E03` after E01 is a range; `E02E03` lists each part.
    for (let episode = rest.startsWith('-') ? current + 1 : last; episode <= last; episode += 1) {
      numbers.push({ season, episode });
    }
    current = last;
    rest = rest.slice(part[0].length);
  }
  return numbers;
}

/** Every `<episodedetails>` block of an episode NFO (a multi-episode file's NFO holds one per episode). */
async function readEpisodeNfo(folder: string, names: Set<string>, name: string): Promise<NfoFields[]> {
  if (!names.has(name)) return [];
  try {
    const xml = await readFile(`${folder}${name}`, 'utf8');
    const blocks = xml
      .split(/(?=<episodedetails[\s>])/)
      .filter((block) => block.startsWith('<episodedetails'));
    return (blocks.length > 0 ? blocks : [xml]).map(parseNfo);
  } catch {
    return [];
  }
}

/**
 * The library rows of one episode file: one per episode its name numbers (Kodi 20.1 gives a multi-episode file
 * one row per episode — contract suite), each described by the NFO block with that episode number; a
 * single-block NFO describes the file whatever its numbers (Kodi's CNfoFile). Without numbers in the name the
 * NFO's own season/episode count; with neither, no row (Kodi skips the file). `artNames` as for readMovie.
 */
export async function readEpisodes(
  file: string,
  tvshowid: number,
  artNames?: Set<string>,
): Promise<{ episode: NewEpisode; dateadded: string }[]> {
  const { folder, filename, stem } = splitFile(file);
  const names = await fileNames(folder);
  const blocks = await readEpisodeNfo(folder, names, `${stem}.nfo`);
  const single = blocks.length === 1 ? blocks[0] : undefined;
  const fromName = episodeNumbers(file);
  const parts =
    fromName.length > 0
      ? fromName.map((number) => ({
          number,
          nfo: blocks.find((block) => block.episode === number.episode) ?? single,
        }))
      : single
        ? [{ number: undefined, nfo: single }]
        : [];
  const dateadded = await fileDate(file);
  const art = artFor(folder, artNames ?? names, stem, true);
  const rows: { episode: NewEpisode; dateadded: string }[] = [];
  for (const { number, nfo } of parts) {
    const season = nfo?.season ?? number?.season;
    const episode = nfo?.episode ?? number?.episode;
    if (season === undefined || episode === undefined) continue;
    rows.push({
      episode: {
        tvshowid,
        title: nfo?.title ?? stem,
        season,
        episode,
        file,
        path: folder,
        filename,
        uniqueid: nfo?.uniqueid ?? {},
        art: { ...art },
      },
      dateadded,
    });
  }
  return rows;
}
