/**
 * A small demo library written to disk in the layout a media manager publishes (movie folders with an NFO,
 * one show with tvshow.nfo and episode NFOs), for `kodi-sync sim --movies N` and the service's demo mode.
 * The videos are tiny placeholders: the simulator never decodes them.
 */
import { mkdir, writeFile } from 'node:fs/promises';

export interface DemoMovie {
  title: string;
  year: number;
  imdb: string;
  folder: string;
  file: string;
}

export interface DemoEpisode {
  show: string;
  season: number;
  episode: number;
  title: string;
  file: string;
}

export interface DemoLibrary {
  movies: DemoMovie[];
  episodes: DemoEpisode[];
}

/** Public-domain films, so the demo shows recognisable titles; more are numbered "Demo Movie NNNN". */
const CLASSICS: [string, number, string][] = [
  ['Nosferatu', 1922, 'tt0013442'],
  ['The General', 1926, 'tt0017925'],
  ['Metropolis', 1927, 'tt0017136'],
  ['His Girl Friday', 1940, 'tt0032599'],
  ['Detour', 1945, 'tt0037638'],
  ['Plan 9 from Outer Space', 1957, 'tt0052077'],
  ['Charade', 1963, 'tt0056923'],
  ['Night of the Living Dead', 1968, 'tt0063350'],
];

const DEMO_SHOW = { title: 'The Demo Show', tvdb: '70000', episodes: ['Pilot', 'The Second One', 'Finale'] };
const PLACEHOLDER_VIDEO = 'demo video placeholder\n';
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll("'", '&apos;');
}

function demoMovieSpec(index: number): [string, number, string] {
  return (
    CLASSICS[index] ?? [`Demo Movie ${pad(index + 1, 4)}`, 1950 + (index % 70), `tt9${pad(index + 1, 6)}`]
  );
}

/** Writes one movie folder: `<root>/Title (Year)/Title (Year).mkv` + `.nfo` with the IMDb id. */
export async function writeDemoMovie(
  moviesRoot: string,
  title: string,
  year: number,
  imdb: string,
): Promise<DemoMovie> {
  const name = `${title} (${year})`;
  const folder = `${moviesRoot}${name}/`;
  await mkdir(folder, { recursive: true });
  const file = `${folder}${name}.mkv`;
  await writeFile(file, PLACEHOLDER_VIDEO);
  await writeFile(
    `${folder}${name}.nfo`,
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<movie><title>${xml(title)}</title><year>${year}</year>` +
      `<premiered>${year}-01-01</premiered><uniqueid type="imdb" default="true">${imdb}</uniqueid></movie>\n`,
  );
  return { title, year, imdb, folder, file };
}

async function writeDemoShow(tvRoot: string): Promise<DemoEpisode[]> {
  const showFolder = `${tvRoot}${DEMO_SHOW.title}/`;
  const seasonFolder = `${showFolder}Season 01/`;
  await mkdir(seasonFolder, { recursive: true });
  await writeFile(
    `${showFolder}tvshow.nfo`,
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<tvshow><title>${DEMO_SHOW.title}</title>` +
      `<uniqueid type="tvdb" default="true">${DEMO_SHOW.tvdb}</uniqueid></tvshow>\n`,
  );
  const episodes: DemoEpisode[] = [];
  for (const [index, title] of DEMO_SHOW.episodes.entries()) {
    const base = `${DEMO_SHOW.title} S01E${pad(index + 1, 2)}`;
    const file = `${seasonFolder}${base}.mkv`;
    await writeFile(file, PLACEHOLDER_VIDEO);
    await writeFile(
      `${seasonFolder}${base}.nfo`,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<episodedetails><title>${xml(title)}</title>` +
        `<season>1</season><episode>${index + 1}</episode></episodedetails>\n`,
    );
    episodes.push({ show: DEMO_SHOW.title, season: 1, episode: index + 1, title, file });
  }
  return episodes;
}

/** Writes `movies` demo movies (default 5) and one three-episode show into the two source roots ('/'-terminated). */
export async function writeDemoLibrary(
  roots: { moviesRoot: string; tvRoot: string },
  options: { movies?: number } = {},
): Promise<DemoLibrary> {
  const movies: DemoMovie[] = [];
  for (let index = 0; index < (options.movies ?? 5); index++) {
    const [title, year, imdb] = demoMovieSpec(index);
    movies.push(await writeDemoMovie(roots.moviesRoot, title, year, imdb));
  }
  return { movies, episodes: await writeDemoShow(roots.tvRoot) };
}
