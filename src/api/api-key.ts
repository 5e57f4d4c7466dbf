/**
 * The service's API key: fixed by the apiKey setting, or generated on first start (crypto random, 32 hex
 * characters like Radarr's). Only its SHA-256 is kept in the settings table; the key itself is written once
 * to <dataDir>/api-key.txt (mode 600) so the local CLI and the person installing can read it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { getSetting, setSettingIfAbsent, type Database } from '../store/index.js';
import { apiKeyCheckFromHash, sha256Hex, type ApiKeyCheck } from './auth.js';

export const API_KEY_FILE = 'api-key.txt';
export const API_KEY_SETTING = 'api_key_sha256';

export interface ApiKeyState {
  check: ApiKeyCheck;
  /** The key's SHA-256 (hex): what the settings table and the UI sessions know it by. */
  sha256: string;
  /** The key in clear, when known to this process (configured, generated now, or read from api-key.txt). */
  key: string | undefined;
  /** True when this start generated the key (print it once). */
  generated: boolean;
}

export async function ensureApiKey(
  db: Kysely<Database>,
  dataDir: string,
  configured?: string,
): Promise<ApiKeyState> {
  if (configured !== undefined) {
    const sha256 = sha256Hex(configured);
    return { check: apiKeyCheckFromHash(sha256), sha256, key: configured, generated: false };
  }
  const stored = await getSetting(db, API_KEY_SETTING);
  if (stored !== undefined)
    return {
      check: apiKeyCheckFromHash(stored),
      sha256: stored,
      key: readKeyFileMatching(dataDir, stored),
      generated: false,
    };
  const key = randomBytes(16).toString('hex');
  const hash = sha256Hex(key);
  // Two processes starting on one PostgreSQL database: the first insert wins, the other adopts it.
  const winner = await setSettingIfAbsent(db, API_KEY_SETTING, hash);
  if (winner !== hash)
    return {
      check: apiKeyCheckFromHash(winner),
      sha256: winner,
      key: readKeyFileMatching(dataDir, winner),
      generated: false,
    };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, API_KEY_FILE), `${key}\n`, { mode: 0o600 });
  return { check: apiKeyCheckFromHash(hash), sha256: hash, key, generated: true };
}

function readKeyFileMatching(dataDir: string, hash: string): string | undefined {
  try {
    const key = readFileSync(join(dataDir, API_KEY_FILE), 'utf8').trim();
    return sha256Hex(key) === hash ? key : undefined;
  } catch {
    return undefined;
  }
}
