/**
 * Everything one reconcile operation (publish, refresh, remove) needs about the item and the member it acts
 * through, plus the checks they share (nothing playing this file; every member of a shared library idle).
 */
import { sameKodiPath } from '../paths/index.js';
import { BusyError } from '../util/errors.js';
import { describeKodi } from '../kodi/errors.js';
import { playingFiles, type Member } from './member.js';
import type { ScanTiming } from './scan-wait.js';
import type { SharedScanContext } from './shared-scan.js';
import { waitUntilIdle } from './scan-wait.js';
import type { StepRecorder } from './steps.js';
import type { SyncGroup, SyncItem } from './types.js';
import type { VideoLibraryPort } from './library-port.js';
import type { SnapshotEntry, UserDataSnapshot } from './user-data.js';

/** The user data held for this (item, group) across attempts, and how to add to it durably. */
export interface SnapshotHolder {
  held: UserDataSnapshot | null;
  /** Stores `entries` (merged with what is held) before the caller changes Kodi. */
  save(entries: readonly SnapshotEntry[]): Promise<void>;
}

/** One old file an item replaces (upgrade, rename): as the manager names it, and in Kodi's form. */
export interface Replacement {
  managerPath: string;
  kodiFile: string;
}

export interface Operation {
  item: SyncItem;
  group: SyncGroup;
  member: Member;
  /** The acting member's video library, for this item's kind. */
  library: VideoLibraryPort;
  snapshot: SnapshotHolder;
  /** Every member that answered (the acting one included). */
  answering: Member[];
  /** The video file in Kodi's form. */
  kodiFile: string;
  /** What a Scan targets: the movie's folder, or the show folder of an episode. */
  scanFolder: string;
  /** The library root in Kodi's form (a video source with a content type). */
  sourceRoot: string;
  /** The old files this item replaces (empty for most jobs). */
  replacements: readonly Replacement[];
  steps: StepRecorder;
  timing: ScanTiming;
  signal?: AbortSignal;
  /** Set when the engine can read the lane's waiting jobs: a publish scans once for its lane-mates too. */
  shared?: SharedScanContext;
}

/** What acting on a member's library needs, whatever the job kind (an item, or a folder removal). */
export type MemberAction = Pick<Operation, 'member' | 'answering' | 'library' | 'steps' | 'signal'>;

/** Never refresh or remove the item someone is watching (Kodi does not protect it; real-kodi.md §10). */
export async function refuseIfPlaying(op: MemberAction, what: string, file: string): Promise<void> {
  for (const member of op.answering) {
    const files = await playingFiles(member, op.steps);
    if (files.some((f) => sameKodiPath(f, file))) {
      throw new BusyError(
        `"${file}" is playing on ${describeKodi(member.player.endpoint)}; the ${what} waits until playback stops`,
        ['player-stopped'],
        5 * 60_000,
      );
    }
  }
}

/**
 * Before a scan: the acting member idle and, for a shared database, every other member too (two scanning Kodis on
 * one MariaDB library create duplicates, and a Scan does not cancel another instance's scan; real-kodi.md §13).
 * Resolves true when some member was scanning and the job had to wait.
 */
export async function waitForLibraryIdle(op: Operation): Promise<boolean> {
  let waited = await waitUntilIdle(op.member.client, op.steps, op.timing, op.signal);
  if (!op.group.sharedDatabase) return waited;
  for (const other of op.answering) {
    if (other !== op.member)
      waited = (await waitUntilIdle(other.client, op.steps, op.timing, op.signal)) || waited;
  }
  return waited;
}
