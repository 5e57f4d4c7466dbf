/**
 * The program's version, read from package.json (one place to change it). The file sits two folders up from
 * this module both in the source tree (src/config/) and in the build (dist/config/), and ships in the package.
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error('package.json has no "version"');
  return version;
}

export const VERSION = readVersion();
