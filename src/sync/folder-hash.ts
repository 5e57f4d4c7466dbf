/**
 * When Kodi skips a folder as unchanged (its hash counts whole seconds; a file that landed in the same second as the
 * last scan, or a move that kept the folder's time, is never scanned in — real-kodi.md §16), the only lever JSON-RPC
 * offers is a removal: `DeleteMovie` / `DeleteEpisode` clear the stored hash of the entry's folder (and of its show
 * folder), so the next scan lists the folder again (Kodi source: CVideoDatabase::InvalidatePathHash; measured on
 * 20.1 for RemoveMovie and RemoveEpisode, any episode of the show). This module pulls that lever safely:
 * - an old entry the item replaces is removed first (it goes anyway; replace.ts stored its user data);
 * - otherwise one sibling entry (same movie folder, or same show — the one with the least to lose) has its user data
 *   stored durably, is removed, comes back with the rescan, and gets back exactly what it held (`restoreSiblings`,
 *   which every retry runs until the restore is verified). RefreshTVShow would also work but re-creates every
 *   episode of the show: never a whole show's watched state for one episode. A sibling whose file is gone from its
 *   folder by then (the manager deleted or renamed it meanwhile) cannot come back: it is let go, not waited for.
 */
import { describeKodi } from '../kodi/errors.js';
import { kodiDirname, kodiFolder } from '../paths/index.js';
import { TransientError } from '../util/errors.js';
import { removeRowsProven } from './delete.js';
import type { LibraryRow } from './library-port.js';
import { listFolder } from './listing.js';
import { lookupFile, sameStoredFile, storedBelow } from './lookup.js';
import type { Operation } from './operation.js';
import {
  exactRestore,
  hasWatchState,
  heldEntries,
  snapshotEntry,
  unkeptFields,
  userDataOf,
  USER_FIELDS,
  type SnapshotEntry,
} from './user-data.js';

/**
 * The entries whose folder hash covers the item's file: the movie folder's other entries, or every other episode
 * of the show. With their user data, for choosing and restoring.
 */
export async function entriesSharingHash(op: Operation): Promise<LibraryRow[]> {
  const scope = op.item.kind === 'movie' ? kodiDirname(op.kodiFile) : op.scanFolder;
  const rows = await op.library.list(
    { field: 'path', operator: op.item.kind === 'movie' ? 'is' : 'startswith', value: kodiFolder(scope) },
    USER_FIELDS,
    `${op.item.kind === 'movie' ? 'path' : 'below'} "${kodiFolder(scope)}"`,
  );
  return rows.filter((r) => storedBelow(r.file, kodiFolder(scope)) && !sameStoredFile(r.file, op.kodiFile));
}

/** Same folder as the item's file first; then what has no watch state; then the most recently added. */
function leastToLose(op: Operation, rows: readonly LibraryRow[]): LibraryRow | undefined {
  const folder = kodiDirname(op.kodiFile);
  const score = (r: LibraryRow): [number, number, string] => [
    sameStoredFile(kodiDirname(r.file), folder) ? 0 : 1,
    hasWatchState(userDataOf(r)) ? 1 : 0,
    r.dateadded ?? '',
  ];
  return [...rows].sort((a, b) => {
    const [fa, wa, da] = score(a);
    const [fb, wb, db] = score(b);
    return fa - fb || wa - wb || db.localeCompare(da);
  })[0];
}

/** Makes Kodi forget the folder's hash; returns what was done, for the evidence. */
export async function resetFolderHash(op: Operation, sharing: readonly LibraryRow[]): Promise<string> {
  for (const r of op.replacements) {
    const rows = sharing.filter((row) => sameStoredFile(row.file, r.kodiFile));
    if (rows.length > 0) {
      await removeRowsProven(op, r.kodiFile, rows, 'removal of the replaced entry');
      return `removed the replaced "${r.kodiFile}" first so Kodi forgets the folder's hash`;
    }
  }
  const sibling = leastToLose(op, sharing);
  if (!sibling) throw new TransientError('no entry shares the folder hash: nothing to remove');
  await op.snapshot.save([snapshotEntry(sibling, 'sibling')]);
  await removeRowsProven(op, sibling.file, [sibling], 'removal of a sibling entry to reset the folder hash');
  return `removed "${sibling.file}" (user data stored, restored after the rescan) so Kodi forgets the folder's hash`;
}

async function restoreOne(op: Operation, entry: SnapshotEntry, row: LibraryRow): Promise<void> {
  const fields = exactRestore(entry.data, userDataOf(row));
  if (Object.keys(fields).length === 0) return;
  await op.library.setDetails(row.id, fields as Record<string, unknown>);
  const reread = (await lookupFile(op.library, entry.file, USER_FIELDS)).rows.find((r) => r.id === row.id);
  const lost = unkeptFields(fields, reread);
  if (lost.length > 0) {
    throw new TransientError(
      `${describeKodi(op.member.player.endpoint)} did not keep the restored ${lost.join(', ')} of "${entry.file}"; the stored user data is used by the retry`,
    );
  }
}

function rowFor(entry: SnapshotEntry, rows: readonly LibraryRow[]): LibraryRow | undefined {
  return entry.season === undefined
    ? rows[0]
    : rows.find((r) => r.season === entry.season && r.episode === entry.episode);
}

/** Whether Kodi lists the folder of `file` without it: the file is gone (not merely unreachable). */
async function goneFromItsFolder(op: Operation, file: string): Promise<boolean> {
  const listing = await listFolder(op.member.client, op.steps, kodiDirname(file), op.signal);
  return listing.ok && !listing.entries.some((entry) => sameStoredFile(entry.file, file));
}

/**
 * Puts back the user data of every held sibling entry. A sibling not back in Kodi yet is scanned in by `rescan`
 * once; still missing → transient (the snapshot stays for the retry), unless Kodi lists its folder without its file
 * (deleted or renamed since): then there is nothing to restore. Resolves the files restored.
 */
export async function restoreSiblings(op: Operation, rescan: () => Promise<void>): Promise<string[]> {
  const entries = heldEntries(op.snapshot.held, 'sibling');
  if (entries.length === 0) return [];
  const find = async (entry: SnapshotEntry): Promise<LibraryRow | undefined> =>
    rowFor(entry, (await lookupFile(op.library, entry.file, USER_FIELDS)).rows);
  const restored: string[] = [];
  let rescanned = false;
  for (const entry of entries) {
    let row = await find(entry);
    if (!row && !rescanned) {
      rescanned = true;
      await rescan();
      row = await find(entry);
    }
    if (!row && (await goneFromItsFolder(op, entry.file))) {
      op.steps.note(
        'user data',
        `"${entry.file}" is gone from its folder since its removal: nothing to restore`,
      );
      continue;
    }
    if (!row) {
      throw new TransientError(
        `${describeKodi(op.member.player.endpoint)} has not re-added "${entry.file}", removed to make Kodi rescan its folder; ` +
          `its user data stays stored and the retry restores it`,
      );
    }
    await restoreOne(op, entry, row);
    restored.push(entry.file);
  }
  return restored;
}
