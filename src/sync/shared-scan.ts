/**
 * Coalesced scans for bulk work (issue 17): when publishes of new items wait in one lane, the job that runs first
 * (the lane holds one running job, enforced by the queue) scans once for all of them, and each keeps its own job,
 * evidence and outcome.
 *
 * The design, the simplest that stays correct:
 * - The running publish job reads its waiting lane-mates through the queue's API (the `laneMates` dependency) and
 *   keeps those that publish a new item of the same kind and library (published, never verified in this group,
 *   nothing replaced). Movies: it primes every parent folder as a publish does, applies the folder-second rule to
 *   every folder, and scans their common folder once (the source root, for movies side by side — Kodi skips
 *   unchanged folders by their hash) when that costs less than their own scans — and only when that scan would add
 *   nothing but the batch: a sub-folder Kodi holds nothing of and nobody published (an import still copying) keeps
 *   every job on its own folder. Episodes: only those of its own
 *   show, whose show folder it scans anyway (a season pack). It awaits that one scan and verifies only its own item
 *   by its own lookup.
 * - It leaves a note per lane-mate in this registry (in memory, per engine): which job scanned what, and the ids
 *   Kodi announced as added (`VideoLibrary.OnUpdate`). Nothing is claimed for a lane-mate yet.
 * - Each lane-mate runs as its own job later and looks its file up like any job. Found, with its id among those
 *   the shared scan added → outcome "published", its evidence naming the shared scan. Found otherwise → "already
 *   in sync" as before (Kodi had it). Not found → its own publish, scan and escalation: a failed or partial shared
 *   scan falls back to per-item scans by itself.
 * A lane-mate that runs in another process (PostgreSQL, several workers) or after a restart finds no note: its
 * item, present, reads "already in sync" — verified all the same. Episodes of different shows keep per-item scans:
 * a show folder's hash covers its season folders, which the one root listing does not date.
 */
import { kodiDirname, kodiFolder } from '../paths/index.js';
import type { CompletionSignal, SyncEvidence } from './types.js';

/** A waiting job's new item, mapped to Kodi's form. */
export interface LaneMate {
  jobId: number;
  kodiFile: string;
  /** What its own publish would scan: the movie's folder, or the episode's show folder. */
  scanFolder: string;
}

export interface SharedScanNote {
  /** The job that ran the scan. */
  jobId: number;
  directory: string;
  /** Items the scan was sent for (the scanning job's included). */
  items: number;
  /** Ids (of the items' kind) Kodi announced as added during the scan. */
  added: ReadonlySet<number>;
  completion: CompletionSignal | 'not observed';
  at: number;
}

/** A note older than this is stale (its job retried, cancelled, or ran elsewhere). */
const NOTE_TTL_MS = 10 * 60_000;

/** Most lane-mates one scan is sent for (their notes and the priming stay small). */
export const MAX_LANE_MATES = 500;

export class SharedScanRegistry {
  private readonly notes = new Map<string, SharedScanNote>();

  private static key(lane: number, kodiFile: string): string {
    return `${lane}\u0000${kodiFile}`;
  }

  record(lane: number, files: readonly string[], note: SharedScanNote): void {
    for (const [key, old] of this.notes) if (note.at - old.at > NOTE_TTL_MS) this.notes.delete(key);
    for (const file of files) this.notes.set(SharedScanRegistry.key(lane, file), note);
  }

  /** Whether a recent shared scan already covered this file (a later one need not include it again). */
  covers(lane: number, kodiFile: string, now = Date.now()): boolean {
    const note = this.notes.get(SharedScanRegistry.key(lane, kodiFile));
    return note !== undefined && now - note.at <= NOTE_TTL_MS;
  }

  /** The note for this file, removed (a job reads its note once). */
  take(lane: number, kodiFile: string, now = Date.now()): SharedScanNote | undefined {
    const key = SharedScanRegistry.key(lane, kodiFile);
    const note = this.notes.get(key);
    this.notes.delete(key);
    return note && now - note.at <= NOTE_TTL_MS ? note : undefined;
  }
}

/** The deepest folder holding every one of `folders`, never above `root` (all lie below it). */
export function commonFolder(folders: readonly string[], root: string): string {
  let common = kodiFolder(folders[0] ?? root);
  for (const folder of folders.slice(1)) {
    const f = kodiFolder(folder);
    while (!f.startsWith(common) && common.length > root.length) common = kodiFolder(kodiDirname(common));
  }
  return common.length < root.length || !common.startsWith(root) ? root : common;
}

/** A lane-mate found in Kodi with an id the shared scan added: published by that scan, verified by its own lookup. */
export function publishedBySharedScan(
  base: Pick<SyncEvidence, 'member' | 'kodiIds' | 'file' | 'matchedBy' | 'title' | 'timings' | 'notes'>,
  note: SharedScanNote,
): SyncEvidence {
  return {
    ...base,
    outcome: 'published',
    ...(note.completion !== 'not observed' && { completion: note.completion }),
    sharedScan: { byJob: note.jobId, directory: note.directory, items: note.items },
    notes: [
      ...(base.notes ?? []),
      `added by the scan of "${note.directory}" that job ${note.jobId} sent for ${note.items} new items ` +
        `(Kodi announced this id as added); verified here by its own lookup`,
    ],
  };
}

/** What a publish needs to scan for its lane-mates: its job, the registry, and how to read the waiting mates. */
export interface SharedScanContext {
  lane: number;
  jobId: number;
  registry: SharedScanRegistry;
  /** The waiting lane-mates that publish a new item of this job's kind and library (empty when there are none). */
  mates(): Promise<LaneMate[]>;
}
