/**
 * Listing a folder through Kodi (`Files.GetDirectory`, with each entry's `lastmodified`): how the engine asks what
 * Kodi itself can see. Missing, unreachable and outside-every-source all answer -32602 (real-kodi.md §5) — and so
 * does a sleeping disk or an SMB hiccup, once: a failing listing is tried again before it counts.
 */
import type { KodiClient } from '../kodi/client.js';
import { KodiRpcError } from '../kodi/errors.js';
import type { KodiFileEntry } from '../kodi/types.js';
import { errorMessage } from '../util/errors.js';
import type { StepRecorder } from './steps.js';

export interface Listing {
  ok: boolean;
  entries: KodiFileEntry[];
  error?: string;
}

export const LISTING_TRIES = 3;
const LISTING_RETRY_MS = [300, 1_000];

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function listOnce(client: KodiClient, steps: StepRecorder, folder: string): Promise<Listing> {
  try {
    const files = await steps.call(
      `Files.GetDirectory "${folder}"`,
      () => client.getDirectory(folder, { properties: ['lastmodified'] }),
      (r) => `${r.length} entries`,
    );
    return { ok: true, entries: files };
  } catch (error) {
    if (!(error instanceof KodiRpcError)) throw error;
    return { ok: false, entries: [], error: errorMessage(error) };
  }
}

/** Lists a folder; a failing listing is tried LISTING_TRIES times before it counts as "Kodi cannot list it". */
export async function listFolder(
  client: KodiClient,
  steps: StepRecorder,
  folder: string,
  signal?: AbortSignal,
): Promise<Listing> {
  let listing = await listOnce(client, steps, folder);
  for (let i = 1; i < LISTING_TRIES && !listing.ok && !signal?.aborted; i++) {
    await sleep(LISTING_RETRY_MS[i - 1] ?? 1_000, signal);
    listing = await listOnce(client, steps, folder);
  }
  return listing;
}
