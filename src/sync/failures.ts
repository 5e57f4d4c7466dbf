/**
 * The named failures of a publish, each carrying the cause it detected (so the replacement flow and the tests can
 * branch on it) and a message that says what to check (docs/troubleshooting.md lists them).
 */
import { PermanentError } from '../util/errors.js';

/**
 * Why Kodi did not add a file it was asked to scan:
 * - `invisible`: Kodi cannot list the folder or the file (mapping, mount, source);
 * - `folder-unchanged`: Kodi lists the file but skipped its folder — the folder's modification time, in whole
 *   seconds, is what Kodi recorded at its last scan (real-kodi.md §16);
 * - `not-identified`: Kodi lists the file and scanned, but added nothing (content type, NFO, scraper).
 */
export type NotAddedCause = 'invisible' | 'folder-unchanged' | 'not-identified';

export class NotAddedError extends PermanentError {
  constructor(
    readonly reason: NotAddedCause,
    message: string,
  ) {
    super(message);
  }
}
