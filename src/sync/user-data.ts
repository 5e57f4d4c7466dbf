/**
 * The user data people love and Kodi loses: playcount, last played, resume point, rating, date added. One place
 * for the fields, the snapshot taken durably before Kodi is changed, and the two restore rules:
 * - after a refresh, restore only what the refresh RESET (Kodi 20.1 resets playcount to 0, lastplayed to "",
 *   userrating to 0 and keeps resume and dateadded; real-kodi.md §7) — a value the new NFO set is never reverted;
 * - after a replacement (upgrade, rename), carry the old entry's data onto the new entry where the new one has less.
 * - after removing a sibling entry to make Kodi forget a folder's hash (publish.ts), put back exactly what it held.
 * The snapshot lives in the item's sync record (per item and group) until the job succeeds, so a retry after a crash,
 * a timeout or a lost socket restores from it instead of reading already-reset values as "before".
 */
import type { LibraryRow } from './library-port.js';

export const USER_FIELDS = ['playcount', 'lastplayed', 'resume', 'userrating', 'dateadded'] as const;
export type UserField = (typeof USER_FIELDS)[number];

export interface UserData {
  playcount?: number;
  lastplayed?: string;
  resume?: { position: number; total: number };
  userrating?: number;
  dateadded?: string;
}

/**
 * Whose data an entry holds: the item itself before its refresh; an old file the item replaces; or another entry
 * of the same folder/show removed so that Kodi scans the folder again.
 */
export type SnapshotRole = 'refreshed' | 'replaced' | 'sibling';

export interface SnapshotEntry {
  role: SnapshotRole;
  /** The file in Kodi's form, as Kodi stored it. */
  file: string;
  kodiId: number;
  season?: number;
  episode?: number;
  data: UserData;
}

export interface UserDataSnapshot {
  takenAt: number;
  entries: SnapshotEntry[];
}

/** The held entries of one role. */
export function heldEntries(snapshot: UserDataSnapshot | null, role: SnapshotRole): SnapshotEntry[] {
  return (snapshot?.entries ?? []).filter((e) => e.role === role);
}

/** `held` with `entries` added; an entry for the same role, file and episode replaces the older one. */
export function withEntries(
  held: UserDataSnapshot | null,
  entries: readonly SnapshotEntry[],
  now: number,
): UserDataSnapshot {
  const same = (a: SnapshotEntry, b: SnapshotEntry): boolean =>
    a.role === b.role && a.file === b.file && a.season === b.season && a.episode === b.episode;
  const kept = (held?.entries ?? []).filter((e) => !entries.some((n) => same(e, n)));
  return { takenAt: now, entries: [...kept, ...entries] };
}

export function userDataOf(row: LibraryRow): UserData {
  const data: UserData = {};
  if (row.playcount !== undefined) data.playcount = row.playcount;
  if (row.lastplayed !== undefined) data.lastplayed = row.lastplayed;
  if (row.resume !== undefined) data.resume = { position: row.resume.position, total: row.resume.total };
  if (row.userrating !== undefined) data.userrating = row.userrating;
  if (row.dateadded !== undefined) data.dateadded = row.dateadded;
  return data;
}

export function snapshotEntry(row: LibraryRow, role: SnapshotRole): SnapshotEntry {
  return {
    role,
    file: row.file,
    kodiId: row.id,
    ...(row.season !== undefined && { season: row.season }),
    ...(row.episode !== undefined && { episode: row.episode }),
    data: userDataOf(row),
  };
}

/** Anything worth keeping: watched, rated, part-watched (dateadded alone is not at stake on a refresh). */
export function hasWatchState(data: UserData): boolean {
  return (
    (data.playcount ?? 0) > 0 ||
    (data.lastplayed ?? '') !== '' ||
    (data.resume?.position ?? 0) > 0 ||
    (data.userrating ?? 0) > 0
  );
}

/** The value a refresh leaves in a field it resets (Kodi 20.1, real-kodi.md §7). */
function isResetValue(field: UserField, value: unknown): boolean {
  switch (field) {
    case 'playcount':
    case 'userrating':
      return value === undefined || value === 0;
    case 'lastplayed':
      return value === undefined || value === '';
    case 'resume':
      return value === undefined || (value as { position?: number }).position === 0;
    case 'dateadded':
      return false;
  }
}

/**
 * After a refresh: the fields to write back. A field is restored when the refresh left it at its reset value and it
 * held something before; a field that now holds another non-reset value came from the NFO and stays.
 * `dateadded` is never restored here (Kodi keeps it across a refresh; a change comes from the NFO).
 */
export function refreshRestore(before: UserData, after: UserData): UserData {
  const restore: UserData = {};
  for (const field of USER_FIELDS) {
    if (field === 'dateadded') continue;
    const was = before[field];
    if (was === undefined || isResetValue(field, was)) continue;
    if (isResetValue(field, after[field])) Object.assign(restore, { [field]: was });
  }
  return restore;
}

/** After a sibling was removed and re-added: every field that differs from what it held. */
export function exactRestore(held: UserData, current: UserData): UserData {
  const restore: Record<string, unknown> = {};
  for (const field of USER_FIELDS) {
    if (held[field] !== undefined && JSON.stringify(held[field]) !== JSON.stringify(current[field]))
      restore[field] = held[field];
  }
  return restore;
}

/**
 * After a replacement: what the new entry lacks of the old one's data. The OLD dateadded wins, so "recently added"
 * does not list an upgrade as new.
 */
export function replacementCopy(old: UserData, current: UserData): UserData {
  const fields: UserData = {};
  const { playcount, lastplayed, resume, dateadded, userrating } = old;
  if (playcount !== undefined && playcount > (current.playcount ?? 0)) fields.playcount = playcount;
  if (lastplayed && (!current.lastplayed || lastplayed > current.lastplayed)) fields.lastplayed = lastplayed;
  if (resume !== undefined && resume.position > 0 && (current.resume?.position ?? 0) === 0)
    fields.resume = resume;
  if (dateadded && dateadded !== current.dateadded) fields.dateadded = dateadded;
  if (userrating !== undefined && userrating > 0 && (current.userrating ?? 0) === 0)
    fields.userrating = userrating;
  return fields;
}

/** The fields of `wanted` that `row` does not hold (a restore or copy Kodi did not keep). */
export function unkeptFields(wanted: UserData, row: LibraryRow | undefined): UserField[] {
  const data = row ? userDataOf(row) : {};
  return (Object.keys(wanted) as UserField[]).filter(
    (field) => JSON.stringify(data[field]) !== JSON.stringify(wanted[field]),
  );
}

/** The snapshot entry whose data a row takes: the same episode of a multi-episode file, else the first. */
export function entryFor(row: LibraryRow, entries: readonly SnapshotEntry[]): SnapshotEntry | undefined {
  return (
    entries.find((e) => e.season !== undefined && e.season === row.season && e.episode === row.episode) ??
    entries[0]
  );
}
