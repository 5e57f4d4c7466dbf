/**
 * List filters of GetMovies / GetEpisodes / GetTVShows as Kodi evaluates them (research/real-kodi.md §6,
 * kodi-jsonrpc.md §7): rules {field, operator, value} and {and:[…]}/{or:[…]} trees; text comparisons are SQL
 * LIKE (`_` = any one character, `%` = any run, case-insensitive for ASCII only, no escape); an unknown field
 * or operator (and `imdbnumber`, which is not a filter field) is rejected with Kodi's schema error.
 */
import { asciiLower } from './item-table.js';
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

/** A compiled SQL LIKE pattern; a pattern without wildcards is a plain (ASCII case-insensitive) comparison. */
function likeMatcher(pattern: string): (text: string) => boolean {
  const lowered = asciiLower(pattern);
  if (!hasWildcard(pattern)) return (text) => text.length === lowered.length && asciiLower(text) === lowered;
  let source = '';
  for (const char of lowered) {
    if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 'u');
  return (text) => regex.test(asciiLower(text));
}

function hasWildcard(value: string): boolean {
  return value.includes('%') || value.includes('_');
}

// The LIKE pattern each text operator compares with.
const LIKE_PATTERNS: Record<string, (value: string) => string> = {
  is: (value) => value,
  isnot: (value) => value,
  contains: (value) => `%${value}%`,
  doesnotcontain: (value) => `%${value}%`,
  startswith: (value) => `${value}%`,
  endswith: (value) => `%${value}`,
};

/** One `{operator, value}`, compiled once per call (the LIKE pattern is not rebuilt for every library row). */
function comparer(operator: string, value: string): (actual: FieldValue) => boolean {
  const pattern = LIKE_PATTERNS[operator];
  const like = pattern ? likeMatcher(pattern(value)) : () => false;
  const number = Number(value);
  return (actual) => {
    if (typeof actual === 'boolean')
      return operator === 'true' ? actual : operator === 'false' ? !actual : false;
    const text = String(actual);
    const numeric = typeof actual === 'number';
    switch (operator) {
      case 'is':
        return numeric ? actual === number : like(text);
      case 'isnot':
        return numeric ? actual !== number : !like(text);
      case 'contains':
      case 'startswith':
      case 'endswith':
        return like(text);
      case 'doesnotcontain':
        return !like(text);
      case 'greaterthan':
      case 'after':
        return numeric ? actual > number : text > value;
      case 'lessthan':
      case 'before':
        return numeric ? actual < number : text < value;
      default:
        return false;
    }
  };
}

function compileRule(kind: FilterKind, rule: Record<string, unknown>, method: string): CompiledFilter {
  const { field, operator, value } = rule;
  if (typeof field !== 'string' || !FIELDS[kind].has(field)) filterError(method);
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) filterError(method);
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || !values.every((entry) => typeof entry === 'string')) filterError(method);
  const strings = values;
  if (operator === 'true' || operator === 'false') {
    const test = comparer(operator, '');
    return (lookup) => test(lookup(field));
  }
  if (operator === 'between') {
    return (lookup) => {
      const actual = Number(lookup(field));
      return strings.length >= 2 && actual >= Number(strings[0]) && actual <= Number(strings[1]);
    };
  }
  const tests = strings.map((entry) => comparer(operator, entry));
  // Several values: any may match for positive operators, all must hold for negative ones (Kodi's OR / AND).
  return NEGATIVE.has(operator)
    ? (lookup) => tests.every((test) => test(lookup(field)))
    : (lookup) => tests.some((test) => test(lookup(field)));
}

/**
 * The folder of a `path is <folder>` rule every match must satisfy (the rule itself, or one inside `and`s), when
 * its value has no LIKE wildcard: the caller may then take the candidates from its folder index and still run the
 * whole compiled filter over them (Kodi answers such lookups from an SQL index, research/real-kodi.md §14).
 */
export function requiredFolder(filter: unknown): string | undefined {
  if (typeof filter !== 'object' || filter === null) return undefined;
  const object = filter as Record<string, unknown>;
  if (Array.isArray(object.and)) {
    for (const part of object.and) {
      const folder = requiredFolder(part);
      if (folder !== undefined) return folder;
    }
    return undefined;
  }
  const { field, operator, value } = object;
  const single = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
  if (field !== 'path' || operator !== 'is' || typeof single !== 'string' || hasWildcard(single))
    return undefined;
  return single;
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
