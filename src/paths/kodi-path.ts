/**
 * Folder / file-name arithmetic on Kodi paths of every form (`/…`, `smb://…`, `nfs://…`, `D:\…`, `\\server\share\…`),
 * and the exact comparison a library lookup needs.
 */
import { ValidationError } from '../util/errors.js';
import { formatPath, maskCredentials, parsePath, separatorOf, type ParsedPath } from './parse.js';

function mustParse(path: string, what: string): ParsedPath {
  const parsed = parsePath(path);
  if (!parsed) {
    throw new ValidationError(
      'path',
      `${what} "${maskCredentials(path)}" is not an absolute path (expected /…, smb://…, nfs://…, D:\\… or \\\\server\\share\\…)`,
    );
  }
  return parsed;
}

/** The folder holding `path`, in Kodi's folder form (trailing separator): what `VideoLibrary.Scan` and the `path` filter want (real-kodi.md §6). */
export function kodiDirname(path: string): string {
  const parsed = mustParse(path, 'Path');
  return formatPath({ ...parsed, segments: parsed.segments.slice(0, -1), trailing: true });
}

/** The last segment (file or folder name) without separators; '' for a root. */
export function kodiBasename(path: string): string {
  return mustParse(path, 'Path').segments.at(-1) ?? '';
}

/** The path in Kodi's folder form: exactly one trailing separator of its style. */
export function kodiFolder(path: string): string {
  return formatPath({ ...mustParse(path, 'Folder'), trailing: true });
}

/** `folder` + names, joined with the folder's separator. Names must not contain a separator of that style. */
export function joinKodi(folder: string, ...names: string[]): string {
  const parsed = mustParse(folder, 'Folder');
  const sep = separatorOf(parsed.style);
  for (const name of names) {
    if (name.length === 0 || name.includes(sep) || name === '.' || name === '..') {
      throw new ValidationError('path', `"${name}" cannot be a segment of ${maskCredentials(folder)}`);
    }
  }
  return formatPath({ ...parsed, segments: [...parsed.segments, ...names], trailing: false });
}

/** The path without `user:password@` (URLs only); other forms unchanged. */
export function withoutCredentials(path: string): string {
  const parsed = parsePath(path);
  if (parsed?.style !== 'url') return path;
  return formatPath({ ...parsed, root: parsed.root.replace(/^([^:]+:\/\/)[^/]*@/, '$1') });
}

/**
 * Whether two Kodi file paths name the same file: exact and case-sensitive (Kodi's `path`/`filename` filters are SQL
 * LIKE — `_` and `%` are wildcards and case folds — so they only narrow, real-kodi.md §6), except that URL credentials
 * are ignored: Kodi may return `smb://user:pass@nas/…` for a share we address without them (ecosystem §F pitfall 5).
 */
export function sameKodiPath(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parsePath(a);
  const pb = parsePath(b);
  if (pa?.style !== 'url' || pb?.style !== 'url') return false;
  return pa.bareRoot === pb.bareRoot && formatPath({ ...pa, root: '' }) === formatPath({ ...pb, root: '' });
}

/**
 * The folder directly below `root` that holds `path` (a show folder below the TV source root), in folder form;
 * `root` itself when `path` lies directly in it; undefined when `path` is not below `root`.
 */
export function folderBelow(root: string, path: string): string | undefined {
  const r = mustParse(root, 'Folder');
  const p = mustParse(path, 'Path');
  const inside =
    r.style === p.style &&
    r.bareRoot === p.bareRoot &&
    r.segments.length < p.segments.length &&
    r.segments.every((s, i) => s === p.segments[i]);
  if (!inside) return undefined;
  const depth = p.segments.length - r.segments.length;
  return formatPath({
    ...p,
    segments: p.segments.slice(0, r.segments.length + (depth > 1 ? 1 : 0)),
    trailing: true,
  });
}
