/**
 * Kodi's "fasthash" (research/real-kodi.md §4, §16; Kodi's CVideoInfoScanner::GetFastHash and
 * GetRecursiveFastHash): the scanner skips a folder whose hash equals the one stored in the `path` table.
 * The hash is made of modification times in WHOLE seconds (`st_mtime`):
 * - a movie folder: its own time; a movie folder holding sub-folders: its listing (names, sizes, times);
 * - a TV show folder or a season folder: the sum of the times of the folder and every folder below it.
 * So a file written in the same second as the previous scan's change, or a rename whose folder time was
 * restored (`touch -r`), leaves the hash unchanged and the scanner never sees the file.
 */
import { stat } from 'node:fs/promises';
import type { DirEntry } from './disk.js';
import { listDirectory } from './disk.js';

async function wholeSeconds(path: string): Promise<number | undefined> {
  try {
    return Math.floor((await stat(path)).mtimeMs / 1000);
  } catch {
    return undefined;
  }
}

/** A movie folder's fast hash: its own time; '' when it cannot be read. */
export async function fastHash(folder: string): Promise<string> {
  const seconds = await wholeSeconds(folder);
  return seconds === undefined ? '' : `t${seconds}`;
}

/** A show or season folder's fast hash: the sum of its own and every sub-folder's time; '' on a read failure. */
export async function recursiveFastHash(folder: string): Promise<string> {
  let sum = 0;
  const pending = [folder];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const seconds = await wholeSeconds(next);
    if (!seconds) return '';
    sum += seconds;
    for (const entry of (await listDirectory(next)) ?? []) {
      if (entry.directory) pending.push(`${next}${entry.name}/`);
    }
  }
  return `r${sum}`;
}

/** The slow hash Kodi uses for a movie folder that holds folders: the listing with sizes and whole-second times. */
export async function listingHash(folder: string, entries: DirEntry[]): Promise<string> {
  const parts: string[] = [];
  for (const entry of entries) {
    try {
      const info = await stat(`${folder}${entry.name}`);
      parts.push(`${entry.name}:${entry.directory ? 0 : info.size}:${Math.floor(info.mtimeMs / 1000)}`);
    } catch {
      parts.push(`${entry.name}:?`);
    }
  }
  return `l${parts.join('|')}`;
}

/**
 * Kodi's `path` table as far as scanning cares: a row per folder the library knows (created when an item in
 * it is added, or when a hash is stored) and the hash stored for it ('' = none). Lives with the library, so
 * Kodis sharing one database share it.
 */
export class PathTable {
  private readonly rows = new Map<string, string>();

  /** The row for `folder` exists from now on (Kodi's AddPath when a file in it is added). */
  ensure(folder: string): void {
    if (!this.rows.has(folder)) this.rows.set(folder, '');
  }

  /** The stored hash, or undefined when there is none. */
  hash(folder: string): string | undefined {
    const hash = this.rows.get(folder);
    return hash ? hash : undefined;
  }

  setHash(folder: string, hash: string): void {
    this.rows.set(folder, hash);
  }

  /**
   * Kodi's InvalidatePathHash, run when a movie or an episode row is deleted (RemoveMovie, RemoveEpisode,
   * and the delete step of a refresh): the folder forgets its hash, and for TV content its parent too.
   */
  invalidate(folder: string, parentToo: boolean): void {
    if (this.rows.has(folder)) this.rows.set(folder, '');
    if (!parentToo) return;
    const parent = folder.slice(0, folder.slice(0, -1).lastIndexOf('/') + 1);
    if (this.rows.has(parent)) this.rows.set(parent, '');
  }

  /** Rows strictly below `folder`: what a Scan of `folder` also visits (Kodi's GetSubPaths). */
  below(folder: string): string[] {
    return [...this.rows.keys()].filter((path) => path !== folder && path.startsWith(folder));
  }
}
