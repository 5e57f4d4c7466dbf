/**
 * Splits a path of any form Kodi or a media manager uses into root + segments, and puts it back together.
 * String work only: node:path would turn `smb://nas/x` into `smb:/nas/x` and cannot split `D:\x`
 * (research/webhooks-and-ecosystem.md §F pitfall 1).
 */

/** `url`: smb://, nfs://, special://…; `windows`: `D:\…`; `unc`: `\\server\share\…`; `posix`: `/…`. */
export type PathStyle = 'posix' | 'windows' | 'unc' | 'url';

export interface ParsedPath {
  style: PathStyle;
  /** Everything that is not a segment, always ending in the style's separator: `/`, `D:\`, `\\nas\share\`, `smb://u:p@nas/`. */
  root: string;
  /** The root without URL credentials (`smb://nas/`): what comparisons use. */
  bareRoot: string;
  segments: string[];
  /** The text ended with a separator (a folder). */
  trailing: boolean;
}

const URL_RE = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/is;
const DRIVE_RE = /^([a-z]):(?:[\\/](.*))?$/is;

export function separatorOf(style: PathStyle): '/' | '\\' {
  return style === 'windows' || style === 'unc' ? '\\' : '/';
}

/** Windows paths compare case-insensitively; everything else (Kodi's stored strings included) exactly. */
export function caseInsensitive(style: PathStyle): boolean {
  return style === 'windows' || style === 'unc';
}

export function detectStyle(path: string): PathStyle | undefined {
  if (URL_RE.test(path)) return 'url';
  if (path.startsWith('\\\\')) return 'unc';
  if (DRIVE_RE.test(path)) return 'windows';
  if (path.startsWith('/')) return 'posix';
  return undefined;
}

function splitSegments(rest: string, separators: RegExp): { segments: string[]; trailing: boolean } {
  const trailing = rest.length > 0 && separators.test(rest.slice(-1));
  // Empty segments (doubled separators) are dropped: Kodi does not normalise `//` and adds nothing (real-kodi.md §5).
  const segments = rest.split(separators).filter((s) => s.length > 0);
  return { segments, trailing };
}

/** Splits a path; undefined for a relative or empty path (no style recognisable). */
export function parsePath(path: string): ParsedPath | undefined {
  const style = detectStyle(path);
  switch (style) {
    case 'url': {
      const m = URL_RE.exec(path);
      const scheme = m?.[1] ?? '';
      const authority = m?.[2] ?? '';
      const at = authority.lastIndexOf('@');
      const host = at >= 0 ? authority.slice(at + 1) : authority;
      const { segments, trailing } = splitSegments(m?.[3] ?? '', /\//);
      return {
        style,
        root: `${scheme}://${authority}/`,
        bareRoot: `${scheme.toLowerCase()}://${host}/`,
        segments,
        trailing,
      };
    }
    case 'unc': {
      const parts = path.slice(2).split(/[\\/]/);
      const server = parts[0] ?? '';
      const share = parts[1] ?? '';
      const root = share ? `\\\\${server}\\${share}\\` : `\\\\${server}\\`;
      const { segments, trailing } = splitSegments(parts.slice(2).join('\\'), /[\\/]/);
      return { style, root, bareRoot: root, segments, trailing };
    }
    case 'windows': {
      const m = DRIVE_RE.exec(path);
      const root = `${m?.[1] ?? ''}:\\`;
      const { segments, trailing } = splitSegments(m?.[2] ?? '', /[\\/]/);
      return { style, root, bareRoot: root, segments, trailing };
    }
    case 'posix': {
      const { segments, trailing } = splitSegments(path.slice(1), /\//);
      return { style, root: '/', bareRoot: '/', segments, trailing };
    }
    default:
      return undefined;
  }
}

/** Puts a parsed path back together in its own style; a path with no segments is its root (which ends in a separator). */
export function formatPath(parsed: Pick<ParsedPath, 'style' | 'root' | 'segments' | 'trailing'>): string {
  if (parsed.segments.length === 0) return parsed.root;
  const sep = separatorOf(parsed.style);
  return parsed.root + parsed.segments.join(sep) + (parsed.trailing ? sep : '');
}

function fold(text: string, insensitive: boolean): string {
  return insensitive ? text.toUpperCase() : text;
}

/** Roots are equal ignoring URL credentials; URL scheme and host, and Windows roots, case-insensitively. */
export function sameRoot(a: ParsedPath, b: ParsedPath): boolean {
  if (a.style !== b.style) return false;
  return fold(a.bareRoot, a.style !== 'posix') === fold(b.bareRoot, b.style !== 'posix');
}

/** True when `prefix` names `path` itself or a folder above it, on segment boundaries (`/movies` never covers `/movies2`). */
export function covers(prefix: ParsedPath, path: ParsedPath): boolean {
  if (!sameRoot(prefix, path) || prefix.segments.length > path.segments.length) return false;
  const insensitive = caseInsensitive(prefix.style);
  return prefix.segments.every(
    (segment, i) => fold(segment, insensitive) === fold(path.segments[i] ?? '', insensitive),
  );
}

/** `smb://user:secret@nas/x` → `smb://user:***@nas/x`: for every message and log line. */
export function maskCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^/\s]*@/gi, '$1:***@');
}
