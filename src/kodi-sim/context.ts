/**
 * What every simulated JSON-RPC method can reach: the (possibly shared) library, this Kodi's roots and
 * settings, its library job queue, its player, its faults and its notification channel.
 */
import type { SimFaults } from './faults.js';
import type { LibraryJobs } from './library-jobs.js';
import type { SimLibrary } from './library.js';
import type { SimPlayer } from './player.js';

export interface SimSettings {
  /** Time the scanner spends per added item. */
  scanMsPerItem: number;
  /** Time from a Refresh* answer to the re-add. */
  refreshMs: number;
  /** Reproduce Kodi's stale directory cache (research/real-kodi.md §4, §15). */
  staleDirectoryCache: boolean;
}

export interface SimToast {
  title: string;
  message: string;
  displaytime?: number;
}

export interface SimContext {
  readonly library: SimLibrary;
  readonly moviesRoot: string;
  readonly tvRoot: string;
  readonly settings: SimSettings;
  readonly faults: SimFaults;
  readonly jobs: LibraryJobs;
  readonly player: SimPlayer;
  readonly toasts: SimToast[];
  /** Sends a notification to every WebSocket client of THIS Kodi (never to the others sharing the library). */
  notify(method: string, data: unknown): void;
}

/** The source root (movies or TV) a Kodi path lies in, with its content type. */
export function rootOf(
  ctx: SimContext,
  path: string,
): { root: string; content: 'movies' | 'tvshows' } | undefined {
  if (path.startsWith(ctx.moviesRoot)) return { root: ctx.moviesRoot, content: 'movies' };
  if (path.startsWith(ctx.tvRoot)) return { root: ctx.tvRoot, content: 'tvshows' };
  return undefined;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
