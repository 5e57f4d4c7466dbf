/**
 * Publish: make Kodi add an item that is not in its library, and prove it (DESIGN §6.4 "published, absent").
 * Each attempt: wait idle → prime (Files.GetDirectory of the parent: the only preparation that works for new movie
 * AND new show folders; real-kodi.md §4, §15) → Scan → await start and end → look up by file. Not found → escalate
 * one verified step at a time: re-prime + rescan the folder, scan the source root (new TV shows, xbmc#26169), a full
 * scan only when the group allows it; then a permanent failure that says what to check.
 */
import type { KodiClient } from '../kodi/client.js';
import { describeKodi, KodiRpcError } from '../kodi/errors.js';
import { kodiDirname, kodiFolder, maskCredentials, sameKodiPath } from '../paths/index.js';
import { errorMessage, PermanentError } from '../util/errors.js';
import { findByFile, findByIdsOrTitle, pickItemRow, type LibraryRow } from './lookup.js';
import { waitForLibraryIdle, type Operation } from './operation.js';
import { scanAndWait, type ScanOutcome } from './scan-wait.js';
import type { StepRecorder } from './steps.js';
import type { SyncEvidence } from './types.js';
import { KodiWatcher } from './watcher.js';

interface Attempt {
  label: string;
  /** Folder listed before the scan. */
  prime: string;
  /** Scan target; undefined = whole library. */
  directory: string | undefined;
}

function attempts(op: Operation): Attempt[] {
  const parent = op.scanFolder === op.sourceRoot ? op.sourceRoot : kodiDirname(op.scanFolder);
  // Cheapest preparation that works (DESIGN §6.8, real-kodi.md §15): a movie's own folder (3–5 ms) makes Kodi see it;
  // a new show folder is only seen after listing its parent (§4). The rescan falls back to the parent listing.
  const first = op.item.kind === 'movie' ? op.scanFolder : parent;
  const list: Attempt[] = [
    { label: 'scan folder', prime: first, directory: op.scanFolder },
    { label: 're-prime parent + rescan folder', prime: parent, directory: op.scanFolder },
  ];
  if (op.scanFolder !== op.sourceRoot)
    list.push({ label: 'scan source root', prime: op.sourceRoot, directory: op.sourceRoot });
  if (op.group.fullScanFallback)
    list.push({ label: 'full library scan', prime: op.sourceRoot, directory: undefined });
  return list;
}

interface Listing {
  ok: boolean;
  entries: string[];
  error?: string;
}

async function list(client: KodiClient, steps: StepRecorder, folder: string): Promise<Listing> {
  try {
    const files = await steps.call(
      `Files.GetDirectory "${folder}"`,
      () => client.getDirectory(folder),
      (r) => `${r.length} entries`,
    );
    return { ok: true, entries: files.map((f) => f.file) };
  } catch (error) {
    if (!(error instanceof KodiRpcError)) throw error;
    return { ok: false, entries: [], error: errorMessage(error) };
  }
}

/**
 * Waits until the library is idle and lists the folder to prime, both at once: a listing is harmless during a scan
 * and saves a round trip per job (IsScanningVideo alone costs Kodi a GUI frame, real-kodi.md §15). When Kodi was
 * busy the folder is listed again after the wait, so the listing Kodi caches is the newest one.
 */
async function idleAndPrimed(op: Operation, folder: string): Promise<Listing> {
  const [idle, listing] = await Promise.allSettled([
    waitForLibraryIdle(op),
    list(op.member.client, op.steps, folder),
  ]);
  if (idle.status === 'rejected') throw idle.reason;
  if (listing.status === 'rejected') throw listing.reason;
  return idle.value ? list(op.member.client, op.steps, folder) : listing.value;
}

function lists(listing: Listing, path: string, folder: boolean): boolean {
  const want = folder ? kodiFolder(path) : path;
  return listing.entries.some((e) => sameKodiPath(folder ? kodiFolder(e) : e, want));
}

function found(
  op: Operation,
  row: LibraryRow,
  rows: LibraryRow[],
  outcome: ScanOutcome,
  escalation: string[],
  matchedBy: NonNullable<SyncEvidence['matchedBy']>,
  started: number,
): SyncEvidence {
  return {
    outcome: 'published',
    member: op.member.player.name,
    kodiIds: rows.map((r) => r.id),
    file: row.file,
    matchedBy,
    title: row.title,
    ...(outcome.completion !== 'not observed' && { completion: outcome.completion }),
    ...(escalation.length > 0 && { escalation }),
    timings: {
      scanMs: Math.round(outcome.scanMs),
      waitMs: Math.round(outcome.waitMs * 100) / 100,
      ...(outcome.detectAfterFinishedMs !== undefined && {
        detectAfterFinishedMs: outcome.detectAfterFinishedMs,
      }),
      totalMs: Math.round(performance.now() - started),
    },
  };
}

export async function publishItem(op: Operation): Promise<SyncEvidence> {
  const { client } = op.member;
  const started = performance.now();
  const watcher = new KodiWatcher(client);
  const escalation: string[] = [];
  let folderListing: Listing | undefined;
  try {
    for (const [index, attempt] of attempts(op).entries()) {
      if (index > 0) escalation.push(attempt.label);
      const primed = await idleAndPrimed(op, attempt.prime);
      folderListing ??= primed;
      if (index === 0 && op.scanFolder !== op.sourceRoot) {
        // Kodi cannot see the folder (or the file in it): no scan can add it (real-kodi.md §5). Say so now.
        const visible =
          primed.ok &&
          (attempt.prime === op.scanFolder
            ? lists(primed, op.kodiFile, false)
            : lists(primed, op.scanFolder, true));
        if (!visible) throw invisibleFolder(op, attempt.prime, primed);
      }
      const isPresent = async (): Promise<boolean> =>
        (await findByFile(client, op.steps, op.item.kind, op.kodiFile)).length > 0;
      const outcome = await scanAndWait(
        client,
        op.steps,
        watcher,
        attempt.directory,
        isPresent,
        op.timing,
        op.signal,
      );
      const rows = await findByFile(client, op.steps, op.item.kind, op.kodiFile);
      const row = pickItemRow(op.item, rows);
      if (row) return found(op, row, rows, outcome, escalation, 'file', started);
      const fallback = await findByIdsOrTitle(client, op.steps, op.item);
      if (fallback && watcher.wasAdded(op.item.kind, fallback.row.id)) {
        // Added by our scan but stored under another file: Kodi has it; the mapping should be fixed (noted).
        const evidence = found(
          op,
          fallback.row,
          [fallback.row],
          outcome,
          escalation,
          fallback.matchedBy,
          started,
        );
        evidence.notes = [
          `Kodi stores "${fallback.row.file}", the mapping produced "${op.kodiFile}": check the path mapping`,
        ];
        return evidence;
      }
    }
  } finally {
    watcher.dispose();
  }
  throw await notAdded(op, escalation, folderListing);
}

function invisibleFolder(op: Operation, listed: string, listing: Listing): PermanentError {
  const who = describeKodi(op.member.player.endpoint);
  const why = listing.ok
    ? `Files.GetDirectory("${listed}") lists ${listing.entries.length} entries but not "${listed === op.scanFolder ? op.kodiFile : op.scanFolder}"`
    : `Files.GetDirectory("${listed}") failed (${listing.error ?? 'error'}): the folder is missing on Kodi's side or outside every video source`;
  return new PermanentError(
    maskCredentials(
      `${who} cannot see "${op.kodiFile}": ${why}. Check the path mapping of group "${op.group.name}" ` +
        `(manager "${op.item.path}" → Kodi "${op.kodiFile}") and that the share is mounted where Kodi looks.`,
    ),
  );
}

async function notAdded(
  op: Operation,
  escalation: string[],
  folderListing: Listing | undefined,
): Promise<PermanentError> {
  const { client } = op.member;
  const fileFolder = kodiDirname(op.kodiFile);
  const inFolder = await list(client, op.steps, fileFolder);
  const sees = inFolder.ok && lists(inFolder, op.kodiFile, false);
  const other = await findByIdsOrTitle(client, op.steps, op.item);
  const hints = [
    sees
      ? `Kodi lists the file itself (Files.GetDirectory "${fileFolder}" has it)`
      : `Kodi does not list the file in "${fileFolder}" (${inFolder.ok ? `${inFolder.entries.length} entries` : (inFolder.error ?? 'error')})`,
    `is "${op.sourceRoot}" a Kodi video source whose content type is set to ${op.item.kind === 'movie' ? 'movies' : 'TV shows'}?`,
    `does the ${op.item.kind === 'movie' ? 'movie' : 'show/episode'} NFO or the scraper match (Kodi skips what it cannot identify)?`,
    ...(folderListing && !folderListing.ok
      ? [`the folder listed before the scan could not be listed: ${folderListing.error ?? ''}`]
      : []),
    ...(other
      ? [
          `Kodi already has "${other.row.title}" (matched by ${other.matchedBy}) at "${other.row.file}": a different path form than the mapping produces?`,
        ]
      : []),
    ...(op.group.fullScanFallback ? [] : ['a full library scan was not tried (the group does not allow it)']),
  ];
  return new PermanentError(
    maskCredentials(
      `${describeKodi(op.member.player.endpoint)} did not add "${op.kodiFile}" after scanning "${op.scanFolder}"` +
        (escalation.length ? ` and ${escalation.join(', ')}` : '') +
        `. Check: ${hints.join('; ')}.`,
    ),
  );
}
