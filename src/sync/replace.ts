/**
 * Replacing old files (an upgrade or rename under a new name): Kodi adds the new file as a SECOND entry and keeps
 * the old one until it is removed (real-kodi.md §4). Once the new file is verified present, carry the old entry's
 * user data onto it (SetMovieDetails/SetEpisodeDetails accept playcount, lastplayed, resume, dateadded, userrating;
 * §7), re-read to prove the copy, and only then remove the old rows and prove them gone (§8). Copy before remove:
 * a failure in between leaves the old entry, and its watched state, in Kodi for the retry.
 */
import { describeKodi } from '../kodi/errors.js';
import { TransientError } from '../util/errors.js';
import { findByFile, type LibraryRow } from './lookup.js';
import { refuseIfPlaying, type Operation } from './operation.js';
import type { ReplacedEvidence, SyncEvidence, SyncStore } from './types.js';

const USER_FIELDS = ['playcount', 'lastplayed', 'resume', 'dateadded', 'userrating'] as const;

type UserRow = LibraryRow & {
  playcount?: number;
  lastplayed?: string;
  resume?: { position: number; total: number };
  dateadded?: string;
  userrating?: number;
};

async function rowsOf(op: Operation, file: string): Promise<UserRow[]> {
  return findByFile(op.member.client, op.steps, op.item.kind, file, USER_FIELDS);
}

/** What the new row lacks of the old one's user data; the OLD dateadded wins so "recently added" is not bumped. */
function missing(old: UserRow, current: UserRow): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if ((old.playcount ?? 0) > (current.playcount ?? 0)) fields.playcount = old.playcount;
  if (old.lastplayed && (!current.lastplayed || old.lastplayed > current.lastplayed))
    fields.lastplayed = old.lastplayed;
  if ((old.resume?.position ?? 0) > 0 && (current.resume?.position ?? 0) === 0) fields.resume = old.resume;
  if (old.dateadded && old.dateadded !== current.dateadded) fields.dateadded = old.dateadded;
  if ((old.userrating ?? 0) > 0 && (current.userrating ?? 0) === 0) fields.userrating = old.userrating;
  return fields;
}

function unkept(fields: Record<string, unknown>, row: UserRow | undefined): string[] {
  return Object.keys(fields).filter(
    (field) =>
      JSON.stringify((row as Record<string, unknown> | undefined)?.[field]) !== JSON.stringify(fields[field]),
  );
}

/** The old row whose data a new row takes: the same episode of a multi-episode file, else the first. */
function sourceFor(newRow: UserRow, oldRows: UserRow[]): UserRow | undefined {
  return oldRows.find((r) => r.season === newRow.season && r.episode === newRow.episode) ?? oldRows[0];
}

async function copyUserData(op: Operation, oldRows: UserRow[]): Promise<Record<string, unknown>[]> {
  const { client } = op.member;
  const kind = op.item.kind === 'movie' ? 'Movie' : 'Episode';
  const newRows = await rowsOf(op, op.kodiFile);
  const written = new Map<number, Record<string, unknown>>();
  for (const row of newRows) {
    const old = sourceFor(row, oldRows);
    const fields = old ? missing(old, row) : {};
    if (Object.keys(fields).length === 0) continue;
    await op.steps.call(`VideoLibrary.Set${kind}Details ${row.id} ${JSON.stringify(fields)}`, () =>
      op.item.kind === 'movie'
        ? client.setMovieDetails(row.id, fields)
        : client.setEpisodeDetails(row.id, fields),
    );
    written.set(row.id, fields);
  }
  if (written.size === 0) return [];
  const reread = await rowsOf(op, op.kodiFile);
  for (const [id, fields] of written) {
    const lostFields = unkept(
      fields,
      reread.find((r) => r.id === id),
    );
    if (lostFields.length > 0) {
      throw new TransientError(
        `${describeKodi(op.member.player.endpoint)} did not keep ${lostFields.join(', ')} copied onto "${op.kodiFile}" (id ${id}); the old entry stays until the retry`,
      );
    }
  }
  return [...written.values()];
}

async function replaceOne(op: Operation, oldFile: string, copy: boolean): Promise<ReplacedEvidence> {
  const { client } = op.member;
  const oldRows = await rowsOf(op, oldFile);
  if (oldRows.length === 0) {
    op.steps.note('replace', `"${oldFile}" is not in Kodi: nothing to carry over or remove`);
    return { file: oldFile, kodiIds: [], restored: [], note: 'not in Kodi' };
  }
  await refuseIfPlaying(op, 'replacement of the old file', oldFile);
  const restored = copy ? await copyUserData(op, oldRows) : [];
  for (const row of oldRows) {
    await op.steps.call(
      `VideoLibrary.Remove${op.item.kind === 'movie' ? 'Movie' : 'Episode'} ${row.id}`,
      () => (op.item.kind === 'movie' ? client.removeMovie(row.id) : client.removeEpisode(row.id)),
    );
  }
  const left = await findByFile(client, op.steps, op.item.kind, oldFile);
  if (left.length > 0) {
    throw new TransientError(
      `${describeKodi(op.member.player.endpoint)} answered OK to the removal but still lists the replaced "${oldFile}" (ids ${left.map((r) => r.id).join(', ')})`,
    );
  }
  return { file: oldFile, kodiIds: oldRows.map((r) => r.id), restored };
}

/**
 * For each replaced file (Kodi form), in order: copy its user data onto the new file's rows (`copy`: the new file
 * is in Kodi), then remove it.
 */
export async function replaceOldFiles(
  op: Operation,
  oldFiles: readonly string[],
  copy: boolean,
): Promise<ReplacedEvidence[]> {
  const replaced: ReplacedEvidence[] = [];
  for (const file of oldFiles) replaced.push(await replaceOne(op, file, copy));
  return replaced;
}

/**
 * The replaced items had no job of their own (submit.ts): record for each that it is gone from this group's Kodi,
 * so its sync state agrees with its desired state "deleted". `managerPaths[i]` is `evidence.replaced[i]`'s file.
 */
export async function recordReplaced(
  store: SyncStore,
  groupId: number,
  managerPaths: readonly string[],
  evidence: SyncEvidence,
  verifiedAt: number,
): Promise<void> {
  for (const [i, replaced] of (evidence.replaced ?? []).entries()) {
    const path = managerPaths[i];
    if (path === undefined) continue;
    for (const item of await store.listItemsAtPath(path)) {
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
