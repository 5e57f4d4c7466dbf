/**
 * List filters of GetMovies / GetEpisodes / GetTVShows as Kodi evaluates them (research/real-kodi.md §6,
 * kodi-jsonrpc.md §7): rules {field, operator, value} and {and:[…]}/{or:[…]} trees; text comparisons are SQL
 * LIKE (`_` = any one character, `%` = any run, case-insensitive for ASCII only, no escape); an unknown field
 * or operator (and `imdbnumber`, which is not a filter field) is rejected with Kodi's schema error.
 */
import { invalidParams } from './rpc-error.js';

export type FilterKind = 'movies' | 'episodes' | 'tvshows';

/** The value of a filter field for one item: text, number, or boolean (inprogress, hastrailer). */
export type FieldValue = string | number | boolean;
export type FieldLookup = (field: string) => FieldValue;
export type CompiledFilter = (lookup: FieldLookup) => boolean;

const STREAM_FIELDS = [
  'videoresolution',
  'audiochannels',
  'audiocount',
  'subtitlecount',
  'videocodec',
  'audiocodec',
  'audiolanguage',
  'subtitlelanguage',
  'videoaspect',
  'hdrtype',
];

// Field lists of CSmartPlaylistRule (kodi-jsonrpc.md §7), Kodi 20.
const FIELDS: Record<FilterKind, Set<string>> = {
  movies: new Set([
    'title',
    'originaltitle',
    'plot',
    'plotoutline',
    'tagline',
    'votes',
    'rating',
    'userrating',
    'time',
    'writers',
    'playcount',
    'lastplayed',
    'inprogress',
    'genre',
    'country',
    'year',
    'director',
    'actor',
    'mpaa',
    'top250',
    'studio',
    'hastrailer',
    'filename',
    'path',
    'set',
    'tag',
    'dateadded',
    'playlist',
    'virtualfolder',
    ...STREAM_FIELDS,
  ]),
  episodes: new Set([
    'title',
    'tvshow',
    'originaltitle',
    'plot',
    'votes',
    'rating',
    'userrating',
    'time',
    'writers',
    'airdate',
    'playcount',
    'lastplayed',
    'inprogress',
    'genre',
    'year',
    'director',
    'actor',
    'episode',
    'season',
    'filename',
    'path',
    'studio',
    'mpaa',
    'dateadded',
    'tag',
    'playlist',
    'virtualfolder',
    ...STREAM_FIELDS,
  ]),
  tvshows: new Set([
    'title',
    'originaltitle',
    'plot',
    'tagline',
    'status',
    'votes',
    'rating',
    'userrating',
    'year',
    'genre',
    'director',
    'actor',
    'numepisodes',
    'numwatched',
    'playcount',
    'path',
    'studio',
    'mpaa',
    'dateadded',
    'lastplayed',
    'inprogress',
    'tag',
    'hastrailer',
    'playlist',
    'virtualfolder',
  ]),
};

const OPERATORS = new Set([
  'contains',
  'doesnotcontain',
  'is',
  'isnot',
  'startswith',
  'endswith',
  'greaterthan',
  'lessthan',
  'after',
  'before',
  'inthelast',
  'notinthelast',
  'true',
  'false',
  'between',
]);

const NEGATIVE = new Set(['isnot', 'doesnotcontain', 'notinthelast']);

function filterError(method: string): never {
  throw invalidParams({
    method,
    stack: {
      message: 'Received value does not match any of the union type definitions',
      name: 'filter',
      type: 'object',
    },
  });
}

/** SQLite's LIKE lower-cases ASCII letters only (`Ü` and `ü` stay different). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

export function sqlLike(text: string, pattern: string): boolean {
  let source = '';
  for (const char of asciiLower(pattern)) {
    if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u').test(asciiLower(text));
}

function compare(actual: FieldValue, operator: string, value: string): boolean {
  if (typeof actual === 'boolean')
    return operator === 'true' ? actual : operator === 'false' ? !actual : false;
  const text = String(actual);
  const numeric = typeof actual === 'number';
  switch (operator) {
    case 'is':
      return numeric ? actual === Number(value) : sqlLike(text, value);
    case 'isnot':
      return numeric ? actual !== Number(value) : !sqlLike(text, value);
    case 'contains':
      return sqlLike(text, `%${value}%`);
    case 'doesnotcontain':
      return !sqlLike(text, `%${value}%`);
    case 'startswith':
      return sqlLike(text, `${value}%`);
    case 'endswith':
      return sqlLike(text, `%${value}`);
    case 'greaterthan':
    case 'after':
      return numeric ? actual > Number(value) : text > value;
    case 'lessthan':
    case 'before':
      return numeric ? actual < Number(value) : text < value;
    default:
      return false;
  }
}

function compileRule(kind: FilterKind, rule: Record<string, unknown>, method: string): CompiledFilter {
  const { field, operator, value } = rule;
  if (typeof field !== 'string' || !FIELDS[kind].has(field)) filterError(method);
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) filterError(method);
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || !values.every((entry) => typeof entry === 'string')) filterError(method);
  const strings = values;
  if (operator === 'true' || operator === 'false') return (lookup) => compare(lookup(field), operator, '');
  if (operator === 'between') {
    return (lookup) => {
      const actual = Number(lookup(field));
      return strings.length >= 2 && actual >= Number(strings[0]) && actual <= Number(strings[1]);
    };
  }
  // Several values: any may match for positive operators, all must hold for negative ones (Kodi's OR / AND).
  return NEGATIVE.has(operator)
    ? (lookup) => strings.every((entry) => compare(lookup(field), operator, entry))
    : (lookup) => strings.some((entry) => compare(lookup(field), operator, entry));
}

/** Validates and compiles a filter; throws Kodi's -32602 for anything Kodi's schema would reject. */
export function compileFilter(kind: FilterKind, filter: unknown, method: string): CompiledFilter {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) filterError(method);
  const object = filter as Record<string, unknown>;
  for (const combinator of ['and', 'or'] as const) {
    if (!(combinator in object)) continue;
    const parts = object[combinator];
    if (!Array.isArray(parts) || parts.length === 0 || Object.keys(object).length !== 1) filterError(method);
    const compiled = parts.map((part) => compileFilter(kind, part, method));
    return combinator === 'and'
      ? (lookup) => compiled.every((test) => test(lookup))
      : (lookup) => compiled.some((test) => test(lookup));
  }
  if ('field' in object) return compileRule(kind, object, method);
  // The simple forms ({year: 1999}, {genre: "…"} …); the simulator knows years only, other simple keys match nothing.
  const keys = Object.keys(object);
  const simple = new Set([
    'genreid',
    'genre',
    'year',
    'actor',
    'director',
    'studio',
    'country',
    'setid',
    'set',
    'tag',
  ]);
  if (keys.length !== 1 || !simple.has(keys[0] ?? '')) filterError(method);
  if (typeof object.year === 'number') {
    const year = object.year;
    return (lookup) => lookup('year') === year;
  }
  return () => false;
}
