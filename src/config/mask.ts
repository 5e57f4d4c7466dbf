/**
 * Shows a configuration without its secrets: what `kodi-sync config show` prints and the service logs at start.
 */
import type { Config } from './load.js';
import { SETTINGS } from './settings.js';

export const MASK = '********';

/** Masks a password inside a URL (postgres://user:secret@host → postgres://user:********@host). */
export function maskUrlCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]+@/gi, `$1${MASK}@`);
}

export function maskedConfig(config: Config): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const spec of SETTINGS) {
    const value = config[spec.key as keyof Config];
    if (value === undefined) continue;
    if (spec.key === 'databaseUrl' && typeof value === 'string') shown[spec.key] = maskUrlCredentials(value);
    else shown[spec.key] = spec.secret === true ? MASK : value;
  }
  return shown;
}
