/**
 * The 'sync-folder-removal' job: a movie or series deleted together with its files (Radarr MovieDelete, Sonarr
 * SeriesDelete) names only its folder. Every library entry Kodi holds below that folder goes — also entries that
 * were in Kodi before Kodi Sync, which no item describes — but only once Kodi confirms the files are gone:
 * Radarr and Sonarr delete folders asynchronously, and a scan would put back what is still on disk.
 * - the folder still lists files from Kodi's side → transient: wait for the manager to finish;
 * - the folder cannot be listed (gone) → the source root must be listable and not empty, or the "gone" may be an
 *   unmounted share (the case that made Kodi's own Clean wipe libraries, real-kodi.md §16) → transient;
 * - then each entry below the folder is removed (never one that is playing) and proven gone; an emptied show too.
 * This module holds the job's whole contract: kind, payload, intake and the removal itself.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { describeKodi } from '../kodi/errors.js';
import { covers, maskCredentials, parsePath } from '../paths/index.js';
import type { JobKind } from '../queue/index.js';
import type { JobQueue } from '../queue/queue.js';
import {
  listGroupsForLibrary,
  listLibraries,
  markDeletedBelow,
  writeTransaction,
  type Database,
  type Dialect,
} from '../store/index.js';
import { TransientError } from '../util/errors.js';
import { removeEmptyShow, removeRowsProven } from './delete.js';
import type { LibraryRow } from './library-port.js';
import { listFolder } from './listing.js';
import { storedBelow } from './lookup.js';
import type { MemberAction } from './operation.js';
import type { ItemKind, SyncEvidence } from './types.js';

export const FOLDER_REMOVAL_KIND = 'sync-folder-removal';

export const folderRemovalPayload = z
  .object({
    kind: z.enum(['movie', 'episode']),
    /** The deleted folder as the manager names it, ending with its separator. */
    folder: z.string().min(1).max(4096),
    libraryId: z.number().int().positive(),
  })
  .strict();

export type FolderRemovalPayload = z.infer<typeof folderRemovalPayload>;

/** The kind as the queue registers it (a job of no item: never coalesced; a repeat removal finds nothing left). */
export const folderRemovalKind: JobKind = { payload: folderRemovalPayload };

export interface FolderRemoval extends MemberAction {
  kind: ItemKind;
  groupName: string;
  /** The folder in Kodi's form (trailing separator). */
  kodiFolder: string;
  /** The library root in Kodi's form. */
  sourceRoot: string;
}

async function confirmGone(op: FolderRemoval): Promise<void> {
  const who = describeKodi(op.member.player.endpoint);
  const folder = await listFolder(op.member.client, op.steps, op.kodiFolder, op.signal);
  const files = folder.entries.filter((e) => e.filetype === 'file');
  if (folder.ok && files.length > 0) {
    throw new TransientError(
      maskCredentials(
        `${who} still lists ${files.length} file(s) in "${op.kodiFolder}": waiting for the manager to finish deleting ` +
          `the folder before removing its library entries`,
      ),
    );
  }
  const root = await listFolder(op.member.client, op.steps, op.sourceRoot, op.signal);
  if (!root.ok || root.entries.length === 0) {
    throw new TransientError(
      maskCredentials(
        `${who} ${root.ok ? 'sees an empty' : 'cannot list the'} source root "${op.sourceRoot}" (${root.error ?? 'no entries'}): ` +
          `the share may be offline or unmounted, so "${op.kodiFolder}" being gone proves nothing; nothing is removed until it is back`,
      ),
    );
  }
}

async function entriesBelow(op: FolderRemoval): Promise<LibraryRow[]> {
  const rows = await op.library.list(
    { field: 'path', operator: 'startswith', value: op.kodiFolder },
    [],
    `below "${op.kodiFolder}"`,
  );
  return rows.filter((r) => storedBelow(r.file, op.kodiFolder));
}

export async function removeFolder(op: FolderRemoval): Promise<SyncEvidence> {
  const started = performance.now();
  await confirmGone(op);
  const rows = await entriesBelow(op);
  const byFile = new Map<string, LibraryRow[]>();
  for (const row of rows) byFile.set(row.file, [...(byFile.get(row.file) ?? []), row]);
  for (const [file, fileRows] of byFile) await removeRowsProven(op, file, fileRows, 'removal');
  const left = await entriesBelow(op);
  if (left.length > 0) {
    throw new TransientError(
      `${describeKodi(op.member.player.endpoint)} still lists ${left.length} entr${left.length === 1 ? 'y' : 'ies'} below "${op.kodiFolder}" after the removal`,
    );
  }
  const evidence: SyncEvidence = {
    outcome: rows.length > 0 ? 'removed' : 'already absent',
    member: op.member.player.name,
    kodiIds: rows.map((r) => r.id),
    file: op.kodiFolder,
    matchedBy: 'file',
    completion: 'lookup',
    notes: [
      `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'} below the folder, whose files Kodi no longer lists`,
    ],
    timings: { totalMs: Math.round(performance.now() - started) },
  };
  const shows = new Set(rows.map((r) => r.tvshowid).filter((id): id is number => id !== undefined));
  for (const tvshowid of shows) {
    if (await removeEmptyShow(op, tvshowid)) evidence.removedShowId = tvshowid;
  }
  return evidence;
}

export interface FolderDeleteEvent {
  kind: ItemKind;
  /** As the manager names it, ending with its separator. */
  folder: string;
}

export interface FolderRemovalDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  queue: Pick<JobQueue, 'enqueueBatchIn' | 'announceBatch'>;
}

/**
 * Intake of folder deletes: the known items below each folder become deleted (desired state), and one removal job
 * per player group serving the folder's library is queued. A folder in no library of its kind is skipped.
 * Resolves undefined when nothing was queued.
 */
export async function submitFolderRemovals(
  deps: FolderRemovalDeps,
  deletes: readonly FolderDeleteEvent[],
  label: string,
): Promise<{ batchId: number; jobIds: number[] } | undefined> {
  const libraries = await listLibraries(deps.db);
  const jobs: { lane: number; kind: string; itemId: null; payload: FolderRemovalPayload }[] = [];
  for (const d of deletes) {
    const folder = parsePath(d.folder);
    const library = libraries
      .filter((l) => l.kind === (d.kind === 'movie' ? 'movies' : 'tvshows'))
      .find((l) => {
        const root = parsePath(l.rootPath);
        return (
          root !== undefined &&
          folder !== undefined &&
          covers(root, folder) &&
          root.segments.length < folder.segments.length
        );
      });
    if (!library) continue;
    for (const lane of await listGroupsForLibrary(deps.db, library.id)) {
      jobs.push({
        lane,
        kind: FOLDER_REMOVAL_KIND,
        itemId: null,
        payload: { kind: d.kind, folder: d.folder, libraryId: library.id },
      });
    }
  }
  if (jobs.length === 0) return undefined;
  // Desired state and jobs in one transaction: a crash between them would leave deleted items with no job.
  const batch = await writeTransaction(deps.db, deps.dialect, async (tx) => {
    for (const d of deletes) await markDeletedBelow(tx, d.folder, d.kind);
    return deps.queue.enqueueBatchIn(tx, jobs, { label });
  });
  await deps.queue.announceBatch(batch);
  return { batchId: batch.batchId, jobIds: batch.jobs.map((j) => j.id) };
}
