/**
 * Replacing old files (an upgrade or rename under a new name). Kodi adds the new file as a SECOND entry and keeps
 * the old one until it is removed (real-kodi.md §4) — or, when the folder's modification time did not change in a
 * new whole second, skips the folder and never adds the new file (§16). Either way the old entry's user data must
 * end up on the new entry:
 * 1. snapshot: the old entries' user data stored durably before anything changes (reused by every retry);
 * 2. the new file is published by the caller; if Kodi skipped the folder, the old entry of that folder is removed
 *    makes Kodi forget the folder's hash (measured, §16) and the caller scans again;
 * 3. carry the snapshot onto the new entry (SetMovieDetails/SetEpisodeDetails), re-read to prove it;
 * 4. remove whatever old rows are left and prove them gone (§8).
 * A crash anywhere in between leaves the snapshot; the retry finishes from it.
 */
import { describeKodi } from '../kodi/errors.js';
import { TransientError } from '../util/errors.js';
import type { LibraryRow } from './library-port.js';
import { lookupFile, sameStoredFile } from './lookup.js';
import { removeRowsProven } from './delete.js';
import type { Operation, Replacement } from './operation.js';
import type { ReplacedEvidence, SyncStore, SyncEvidence } from './types.js';
import {
  entryFor,
  heldEntries,
  replacementCopy,
  snapshotEntry,
  unkeptFields,
  userDataOf,
  USER_FIELDS,
  type SnapshotEntry,
} from './user-data.js';

export type { Replacement } from './operation.js';

export interface PreparedReplacement {
  replacements: readonly Replacement[];
  /** The user data to carry over: this attempt's reading, or the snapshot an earlier attempt stored. */
  entries: SnapshotEntry[];
}

/** Reads the old entries and stores their user data durably before anything in Kodi changes. */
export async function prepareReplacement(
  op: Operation,
  replacements: readonly Replacement[],
): Promise<PreparedReplacement> {
  const oldRows: LibraryRow[] = [];
  for (const r of replacements) oldRows.push(...(await lookupFile(op.library, r.kodiFile, USER_FIELDS)).rows);
  const held = heldEntries(op.snapshot.held, 'replaced');
  const fresh = oldRows
    .filter((row) => !held.some((e) => e.kodiId === row.id && e.file === row.file))
    .map((row) => snapshotEntry(row, 'replaced'));
  const entries = [...held, ...fresh];
  if (fresh.length > 0) {
    await op.snapshot.save(fresh);
    op.steps.note(
      'user data',
      `snapshot of ${fresh.length} replaced entr${fresh.length === 1 ? 'y' : 'ies'} stored`,
    );
  } else if (held.length > 0) {
    op.steps.note(
      'user data',
      `carrying over the snapshot of ${held.length} replaced entr${held.length === 1 ? 'y' : 'ies'} taken earlier`,
    );
  }
  return { replacements, entries };
}

async function carryOver(
  op: Operation,
  entries: readonly SnapshotEntry[],
): Promise<Record<string, unknown>[]> {
  if (entries.length === 0) return [];
  const newRows = (await lookupFile(op.library, op.kodiFile, USER_FIELDS)).rows;
  const written = new Map<number, Record<string, unknown>>();
  for (const row of newRows) {
    const entry = entryFor(row, entries);
    const fields = entry ? replacementCopy(entry.data, userDataOf(row)) : {};
    if (Object.keys(fields).length === 0) continue;
    await op.library.setDetails(row.id, fields as Record<string, unknown>);
    written.set(row.id, fields as Record<string, unknown>);
  }
  if (written.size === 0) return [];
  const reread = (await lookupFile(op.library, op.kodiFile, USER_FIELDS)).rows;
  for (const [id, fields] of written) {
    const lost = unkeptFields(
      fields,
      reread.find((r) => r.id === id),
    );
    if (lost.length > 0) {
      throw new TransientError(
        `${describeKodi(op.member.player.endpoint)} did not keep ${lost.join(', ')} copied onto "${op.kodiFile}" (id ${id}); ` +
          `the stored user data is used by the retry`,
      );
    }
  }
  return [...written.values()];
}

/**
 * Finishes a replacement once the new item's own job is done: carry the user data over when the new file is in
 * Kodi (`newPresent`), then remove the old rows that are left and prove them gone. One evidence entry per file.
 */
export async function finishReplacement(
  op: Operation,
  prepared: PreparedReplacement,
  newPresent: boolean,
): Promise<ReplacedEvidence[]> {
  const restored = newPresent ? await carryOver(op, prepared.entries) : [];
  const evidence: ReplacedEvidence[] = [];
  for (const [index, r] of prepared.replacements.entries()) {
    // Looked up again, never taken from before the scan: Kodi reuses ids (real-kodi.md §8), and the old entry's id
    // may belong to the new entry by now (the old row had the highest id, was removed, the new row took its id).
    const rows = (await lookupFile(op.library, r.kodiFile)).rows;
    await removeRowsProven(op, r.kodiFile, rows, 'replacement of the old file');
    const snapshotIds = prepared.entries
      .filter((e) => sameStoredFile(e.file, r.kodiFile))
      .map((e) => e.kodiId);
    const kodiIds = [...new Set([...rows.map((row) => row.id), ...snapshotIds])];
    evidence.push({
      file: r.kodiFile,
      kodiIds,
      restored: index === 0 ? restored : [],
      ...(kodiIds.length === 0 && { note: 'not in Kodi' }),
    });
  }
  return evidence;
}

/**
 * The replaced items have no job of their own (submit.ts): record for each that it is gone from this group's Kodi,
 * so its sync state agrees with its desired state "deleted".
 */
export async function recordReplaced(
  store: SyncStore,
  groupId: number,
  replacements: readonly Replacement[],
  evidence: SyncEvidence,
  verifiedAt: number,
): Promise<void> {
  for (const r of replacements) {
    const replaced = evidence.replaced?.find((e) => e.file === r.kodiFile);
    if (!replaced) continue;
    for (const item of await store.listItemsAtPath(r.managerPath)) {
      if (item.state !== 'deleted') continue;
      await store.saveItemSync(item.id, groupId, {
        kodiIds: [],
        kodiFile: null,
        revisionApplied: item.revision,
        verifiedAt,
        evidence: {
          outcome: replaced.kodiIds.length > 0 ? 'removed' : 'already absent',
          member: evidence.member,
          kodiIds: replaced.kodiIds,
          file: replaced.file,
          matchedBy: 'file',
          completion: 'lookup',
          timings: {},
          notes: [`replaced by "${evidence.file ?? ''}"`],
        },
      });
    }
  }
}
