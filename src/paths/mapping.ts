/**
 * Path mapping between the media manager's view of a file and the path Kodi stores, per player group.
 * Longest prefix wins, on segment boundaries; separators are converted to the target's style; a Windows-style
 * side is matched case-insensitively, everything else exactly (Kodi stores strings as scanned, ecosystem §F).
 * Unmapped paths are refused instead of passed through (a Scan of a wrong path still answers OK, real-kodi.md §5).
 */
import { PermanentError } from '../util/errors.js';
import { covers, formatPath, maskCredentials, parsePath, type ParsedPath } from './parse.js';

export interface PathMapping {
  /** Folder as the manager (Radarr, Sonarr, …) sees it: `/data/movies`, `D:\Movies`, `\\nas\movies`. */
  managerPrefix: string;
  /** The same folder as Kodi stores it: `/media/movies/`, `smb://nas/movies/`, `nfs://…`, `D:\…`, `\\nas\movies\`. */
  kodiPrefix: string;
}

export interface MapOptions {
  /** Named in error messages: which group's mappings were searched. */
  groupName?: string;
}

interface Candidate {
  from: ParsedPath;
  to: ParsedPath;
}

function parsedPairs(mappings: readonly PathMapping[], direction: 'toKodi' | 'toManager'): Candidate[] {
  const pairs: Candidate[] = [];
  for (const m of mappings) {
    const manager = parsePath(m.managerPrefix);
    const kodi = parsePath(m.kodiPrefix);
    if (!manager || !kodi) continue;
    pairs.push(direction === 'toKodi' ? { from: manager, to: kodi } : { from: kodi, to: manager });
  }
  return pairs;
}

function longestCovering(pairs: Candidate[], path: ParsedPath): Candidate | undefined {
  let best: Candidate | undefined;
  for (const pair of pairs) {
    if (covers(pair.from, path) && (!best || pair.from.segments.length > best.from.segments.length))
      best = pair;
  }
  return best;
}

function translate(pair: Candidate, path: ParsedPath): string {
  const rest = path.segments.slice(pair.from.segments.length);
  return formatPath({
    style: pair.to.style,
    root: pair.to.root,
    segments: [...pair.to.segments, ...rest],
    // Mapping a prefix itself yields Kodi's folder form; otherwise the input decides (file vs folder).
    trailing: path.trailing || rest.length === 0,
  });
}

function rejectDotSegments(parsed: ParsedPath, original: string): void {
  if (parsed.segments.some((s) => s === '.' || s === '..')) {
    throw new PermanentError(
      `Path "${maskCredentials(original)}" contains "." or ".." segments; send the resolved path`,
    );
  }
}

/**
 * Manager path → Kodi path. With no mappings at all the group declares that Kodi sees the manager's paths unchanged.
 * A path already under one of the mappings' Kodi prefixes, or a URL (smb://, nfs://), is taken as Kodi's form.
 * Anything else is a PermanentError that says which mapping to add.
 */
export function mapManagerToKodi(
  mappings: readonly PathMapping[],
  path: string,
  options: MapOptions = {},
): string {
  const parsed = parsePath(path);
  if (!parsed) {
    throw new PermanentError(
      `Path "${maskCredentials(path)}" is not absolute; send the full path as the manager sees it (/…, D:\\…, \\\\server\\share\\…)`,
    );
  }
  rejectDotSegments(parsed, path);
  const pair = longestCovering(parsedPairs(mappings, 'toKodi'), parsed);
  if (pair) return translate(pair, parsed);
  if (mappings.length === 0 || parsed.style === 'url') return formatPath(parsed);
  if (parsedPairs(mappings, 'toManager').some((p) => covers(p.from, parsed))) return formatPath(parsed);
  const group = options.groupName ? ` of group "${options.groupName}"` : '';
  const prefixes = mappings
    .map((m) => `${maskCredentials(m.managerPrefix)} → ${maskCredentials(m.kodiPrefix)}`)
    .join(', ');
  const folder = formatPath({ ...parsed, segments: parsed.segments.slice(0, -2), trailing: false });
  throw new PermanentError(
    `No path mapping${group} covers "${maskCredentials(path)}". Add a mapping from the manager folder that contains it ` +
      `(for example "${maskCredentials(folder)}") to the folder where Kodi sees the same files. Configured: ${prefixes}.`,
  );
}

/**
 * Kodi path → manager path (events and lookups coming back from Kodi). Credentials in `smb://user:pass@…` are ignored
 * for matching. Undefined when no mapping covers it (an item Kodi Sync does not manage); identity without mappings.
 */
export function mapKodiToManager(mappings: readonly PathMapping[], kodiPath: string): string | undefined {
  const parsed = parsePath(kodiPath);
  if (!parsed) return undefined;
  const pair = longestCovering(parsedPairs(mappings, 'toManager'), parsed);
  if (pair) return translate(pair, parsed);
  return mappings.length === 0 ? formatPath(parsed) : undefined;
}

/** A mapping's validity, for configuration checks: both sides must be absolute paths. */
export function mappingProblem(mapping: PathMapping): string | undefined {
  if (!parsePath(mapping.managerPrefix))
    return `manager prefix "${maskCredentials(mapping.managerPrefix)}" is not an absolute path`;
  if (!parsePath(mapping.kodiPrefix))
    return `Kodi prefix "${maskCredentials(mapping.kodiPrefix)}" is not an absolute path`;
  return undefined;
}
