/**
 * Import (adopting a library that already exists in Kodi and in the manager): every video file under a library's
 * root, as Kodi Sync's own file system shows it (the manager's paths — Kodi Sync runs beside the manager with the
 * same mounts), is recorded as published desired state, so the drift report has something to compare with on day
 * one. No jobs are queued: `kodi-sync drift` then shows what Kodi lacks, and `drift --repair` fixes it.
 * Files already described by an item are left as they are. Episodes: `S01E02` in the file name gives season and
 * episode; a file without it becomes a path-only item ("every row of that file").
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { createItem, itemsAtPath, type Database, type Library } from '../store/index.js';

const VIDEO = /\.(mkv|mp4|avi|m4v|mov|ts|m2ts|wmv|mpg|mpeg|iso|webm)$/i;
const EPISODE = /[Ss](\d{1,3})[Ee](\d{1,4})/;
/** Folders Kodi itself never scans into a library (extras, samples, hidden). */
const SKIPPED_FOLDER = /^(\.|@eaDir$|#recycle$|extras$|featurettes$|behind the scenes$|samples?$|trailers$)/i;

export interface ImportResult {
  libraryId: number;
  root: string;
  filesSeen: number;
  recorded: number;
  alreadyKnown: number;
}

async function videoFiles(folder: string, into: string[]): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDER.test(entry.name)) await videoFiles(join(folder, entry.name), into);
    } else if (entry.isFile() && VIDEO.test(entry.name) && !/sample/i.test(entry.name)) {
      into.push(join(folder, entry.name));
    }
  }
}

export async function importLibrary(
  db: Kysely<Database>,
  library: Library,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportResult> {
  const files: string[] = [];
  await videoFiles(library.rootPath, files);
  files.sort();
  const result: ImportResult = {
    libraryId: library.id,
    root: library.rootPath,
    filesSeen: files.length,
    recorded: 0,
    alreadyKnown: 0,
  };
  for (const [i, path] of files.entries()) {
    if ((await itemsAtPath(db, path)).length > 0) {
      result.alreadyKnown++;
    } else {
      const match = library.kind === 'tvshows' ? EPISODE.exec(path.split('/').at(-1) ?? '') : null;
      await createItem(db, {
        libraryId: library.id,
        kind: library.kind === 'movies' ? 'movie' : 'episode',
        path,
        state: 'published',
        ...(match && { season: Number(match[1]), episode: Number(match[2]) }),
      });
      result.recorded++;
    }
    onProgress?.(i + 1, files.length);
  }
  return result;
}
