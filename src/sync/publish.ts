/**
 * Publish: make Kodi add an item that is not in its library, and prove it (DESIGN §6.4 "published, absent").
 * Each attempt: wait idle → prime by listing the scan folder's PARENT (the preparation that works for new movie AND
 * new show folders on Kodi 20.1; listing the new folder itself does not, real-kodi.md §4, §16) → wait until the
 * folders Kodi hashes were last modified in a past second (folder-time.ts) → Scan → await start and end → look up
 * by file. Not found → escalate one verified step at a time: rescan the folder, scan the source root (new TV
 * shows, xbmc#26169), a full scan only when the group allows it; then a NotAddedError naming the cause it detected.
 */
import { describeKodi } from '../kodi/errors.js';
import { TransientError } from '../util/errors.js';
import type { KodiFileEntry } from '../kodi/types.js';
import { kodiDirname, kodiFolder, maskCredentials, withoutCredentials } from '../paths/index.js';
import { NotAddedError, type NotAddedCause } from './failures.js';
import { entriesSharingHash, resetFolderHash } from './folder-hash.js';
import { waitPastFolderTimes } from './folder-time.js';
import { LISTING_TRIES, listFolder, sleep, type Listing } from './listing.js';
import {
  describeLookalikes,
  findByIdsOrTitle,
  lookupFile,
  pickItemRow,
  sameStoredFile,
  storedBelow,
  type LibraryRow,
} from './lookup.js';
import { waitForLibraryIdle, type Operation } from './operation.js';
import { scanAndWait, type ScanOutcome } from './scan-wait.js';
import { commonFolder, type LaneMate, type SharedScanContext } from './shared-scan.js';
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
  const list: Attempt[] = [
    { label: 'scan folder', prime: parent, directory: op.scanFolder },
    { label: 're-prime parent + rescan folder', prime: parent, directory: op.scanFolder },
  ];
  if (op.scanFolder !== op.sourceRoot)
    list.push({ label: 'scan source root', prime: op.sourceRoot, directory: op.sourceRoot });
  if (op.group.fullScanFallback)
    list.push({ label: 'full library scan', prime: op.sourceRoot, directory: undefined });
  return list;
}

/** Longest wait for a folder's second to pass (new files keep arriving → give up waiting, scan, verify). */
const MAX_FOLDER_TIME_WAIT_MS = 5_000;

const list = (op: Operation, folder: string): Promise<Listing> =>
  listFolder(op.member.client, op.steps, folder, op.signal);

/**
 * Waits until the library is idle and lists the folder to prime, both at once: a listing is harmless during a scan
 * and saves a round trip per job. When Kodi was busy the folder is listed again after the wait, so the listing Kodi
 * caches is the newest one.
 */
async function idleAndPrimed(op: Operation, folder: string): Promise<Listing> {
  const [idle, listing] = await Promise.allSettled([waitForLibraryIdle(op), list(op, folder)]);
  if (idle.status === 'rejected') throw idle.reason;
  if (listing.status === 'rejected') throw listing.reason;
  return idle.value ? list(op, folder) : listing.value;
}

function entryOf(listing: Listing, path: string): KodiFileEntry | undefined {
  const want = kodiFolder(path);
  return listing.entries.find((e) => sameStoredFile(kodiFolder(e.file), want));
}

function listsFile(listing: Listing, file: string): boolean {
  return listing.entries.some((e) => sameStoredFile(e.file, file));
}

/**
 * The folder times Kodi's hash of `directory` is made of: the folder's own (from its parent's listing) and, for a
 * show folder, its sub-folders' (from its own listing). Waits until the newest is in a past second; repeated while
 * new changes keep landing, up to MAX_FOLDER_TIME_WAIT_MS.
 *
 * Only where a skipped folder would cost something (`onlyWhenKnown`): when Kodi already holds entries under the
 * folder's hash. A folder Kodi holds nothing of (a new movie, a new show) is scanned at once. Measured on Kodi 20.1
 * (real-kodi.md §17, 2026-12-02, 3 rounds each): a new show's first scan stores no hash that hides a late episode;
 * a new movie folder's first scan does, so a second video landing in it later in the same second is skipped — but
 * that later item's own job finds it missing by lookup and resets the hash by removing an entry added seconds ago
 * (folder-hash.ts: nothing watched to lose, and its user data is restored anyway).
 * The wait cost every new movie ~0.8 s (W1 p50 811 ms against a floor of 339 ms) to spare that rare recovery.
 */
async function waitForFolderSecond(
  op: Operation,
  directory: string,
  parentListing: Listing,
  onlyWhenKnown: boolean,
): Promise<void> {
  const started = performance.now();
  let parent = parentListing;
  let known = !onlyWhenKnown;
  for (;;) {
    const times = [entryOf(parent, directory)?.lastmodified];
    if (op.item.kind === 'episode') {
      const show = await list(op, directory);
      times.push(...show.entries.filter((e) => e.filetype === 'directory').map((e) => e.lastmodified));
    }
    const verdict = waitPastFolderTimes(times, Date.now());
    if (verdict.clockSkew) {
      op.steps.note(
        'folder time',
        `a folder of "${directory}" is dated in the future: the file server's clock and Kodi Sync's disagree (use NTP)`,
      );
    }
    const waited = performance.now() - started;
    if (verdict.waitMs === 0 || op.signal?.aborted) return;
    if (!known) {
      known = (await entriesSharingHash(op)).length > 0;
      if (!known) {
        op.steps.note(
          'folder time',
          `"${directory}" changed within this second, but Kodi holds nothing under its hash yet: scanning now ` +
            `(a file landing later in this second is found missing by its own job, which resets the hash)`,
        );
        return;
      }
    }
    if (waited + verdict.waitMs > MAX_FOLDER_TIME_WAIT_MS) {
      op.steps.note('folder time', `still changing after ${Math.round(waited)} ms: scanning now`);
      return;
    }
    op.steps.note(
      'folder time',
      `"${directory}" changed within this second: waiting ${verdict.waitMs} ms so a later file changes Kodi's folder hash`,
      verdict.waitMs,
    );
    await sleep(verdict.waitMs, op.signal);
    parent = await list(op, kodiDirname(directory));
  }
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

interface AttemptState {
  watcher: KodiWatcher;
  escalation: string[];
  lookalikes: LibraryRow[];
  started: number;
}

/** A first attempt that scans for waiting lane-mates too (shared-scan.ts). */
interface SharedPlan {
  context: SharedScanContext;
  mates: LaneMate[];
  directory: string;
}

/**
 * What a scan costs Kodi per folder of the scanned directory that it skips by hash (a root scan with nothing new:
 * 363–747 ms for 300–1,040 folders, real-kodi.md §4), and what one more job's own scan costs (W1, folder written
 * before the publish: 175 ms p50, bench/results/real-kodi.md). A shared scan of the source root pays for every
 * folder in it: on a big library it is worth it only for several movies at once.
 */
const SKIPPED_FOLDER_MS = 0.7;
const OWN_SCAN_MS = 150;

/**
 * The lane-mates this publish can scan for — new items of the same library not covered by a recent shared scan:
 * movies when one scan of their common folder (listed in `primed` when it is the source root) costs less than
 * theirs; episodes of the same show, whose show folder this job scans anyway.
 */
async function sharedPlan(op: Operation, primed: Listing): Promise<SharedPlan | undefined> {
  const context = op.shared;
  // An upgrade or rename keeps its careful per-item flow (the old entry's hash and user data are at stake).
  if (!context || op.scanFolder === op.sourceRoot || op.replacements.length > 0) return undefined;
  const episodes = op.item.kind === 'episode';
  const mates = (await context.mates()).filter(
    (m) =>
      !sameStoredFile(m.kodiFile, op.kodiFile) &&
      m.scanFolder !== op.sourceRoot &&
      storedBelow(m.scanFolder, op.sourceRoot) &&
      (!episodes || m.scanFolder === op.scanFolder) &&
      !context.registry.covers(context.lane, m.kodiFile),
  );
  if (mates.length === 0) return undefined;
  const what = episodes ? 'episode(s) of this show' : 'movie(s)';
  const directory = episodes
    ? op.scanFolder
    : commonFolder([op.scanFolder, ...mates.map((m) => m.scanFolder)], op.sourceRoot);
  const folders = kodiFolder(kodiDirname(op.scanFolder)) === directory ? primed.entries.length : 0;
  if (mates.length * OWN_SCAN_MS < folders * SKIPPED_FOLDER_MS) {
    op.steps.note(
      'shared scan',
      `${mates.length} more new ${what} wait, but one scan of "${directory}" (${folders} folders) would cost more than theirs`,
    );
    return undefined;
  }
  if (!episodes) {
    const batch = [op.scanFolder, ...mates.map((m) => m.scanFolder)];
    const strangers = await unpublishedBelow(op, directory, folders > 0 ? primed : undefined, batch);
    if (strangers.length > 0) {
      op.steps.note(
        'shared scan',
        `not shared: a scan of "${directory}" would also add "${strangers[0] ?? ''}"${strangers.length > 1 ? ` and ${strangers.length - 1} more` : ''}, ` +
          `which nobody published (an import may still be copying): each job scans its own folder`,
      );
      return undefined;
    }
  }
  op.steps.note(
    'shared scan',
    `${mates.length} more new ${what} wait in this lane: one scan of "${directory}" for all, each verified by its own job`,
  );
  return { context, mates, directory };
}

const VIDEO_FILE = /\.(mkv|mp4|m4v|avi|mov|wmv|ts|m2ts|mpg|mpeg|iso|webm)$/i;

/**
 * What a scan of `directory` would add besides the batch: its sub-folders (and loose videos) that Kodi holds nothing
 * of and no job of the batch publishes — a folder an import is still copying into, or one nobody published.
 * A form that does not compare (another case, credentials) counts as unknown: the shared scan is skipped, never
 * widened.
 */
async function unpublishedBelow(
  op: Operation,
  directory: string,
  listing: Listing | undefined,
  batch: readonly string[],
): Promise<string[]> {
  const listed = listing ?? (await list(op, directory));
  if (!listed.ok) return [directory];
  const root = withoutCredentials(directory);
  const separator = root.slice(-1);
  const below = (stored: string): string | undefined => {
    const path = withoutCredentials(stored);
    const first = path.startsWith(root) ? path.slice(root.length).split(separator)[0] : '';
    return first ? `${root}${first}${separator}` : undefined;
  };
  const rows = await op.library.list(
    { field: 'path', operator: 'startswith', value: directory },
    [],
    `below "${directory}" (what a scan of it would add)`,
  );
  const accounted = new Set([...batch, ...rows.map((r) => r.file)].map((path) => below(path)));
  const files = new Set(rows.map((r) => withoutCredentials(r.file)));
  return listed.entries
    .filter((e) =>
      e.filetype === 'directory'
        ? !accounted.has(below(e.file))
        : VIDEO_FILE.test(e.file) && !files.has(withoutCredentials(e.file)),
    )
    .map((e) => e.file);
}

/**
 * Before a shared scan: every lane-mate's parent folder listed (most share the leader's, listed already), then the
 * folder-second rule over every folder the scan hashes — waiting only for folders Kodi already holds entries of.
 */
async function primeLaneMates(
  op: Operation,
  plan: SharedPlan,
  ownParent: string,
  primed: Listing,
): Promise<void> {
  const listings = new Map<string, Listing>([[ownParent, primed]]);
  const folders = [op.scanFolder, ...plan.mates.map((m) => m.scanFolder)];
  for (const folder of folders) {
    const parent = kodiDirname(folder);
    if (!listings.has(parent)) listings.set(parent, await list(op, parent));
  }
  if (plan.directory !== op.sourceRoot && !listings.has(kodiDirname(plan.directory)))
    await list(op, kodiDirname(plan.directory));
  const recent = folders.filter(
    (folder) =>
      waitPastFolderTimes(
        [entryOf(listings.get(kodiDirname(folder)) ?? primed, folder)?.lastmodified],
        Date.now(),
      ).waitMs > 0,
  );
  if (recent.length === 0) return;
  const held = await op.library.list(
    { or: recent.map((folder) => ({ field: 'path', operator: 'is', value: kodiFolder(folder) })) },
    [],
    `path of ${recent.length} folder(s) changed within this second`,
  );
  const known = recent.filter((folder) => held.some((row) => storedBelow(row.file, kodiFolder(folder))));
  const verdict = waitPastFolderTimes(
    known.map((folder) => entryOf(listings.get(kodiDirname(folder)) ?? primed, folder)?.lastmodified),
    Date.now(),
  );
  if (verdict.waitMs === 0) {
    op.steps.note(
      'folder time',
      `${recent.length} folder(s) changed within this second, none of which Kodi holds entries of: scanning now`,
    );
    return;
  }
  const waitMs = Math.min(verdict.waitMs, MAX_FOLDER_TIME_WAIT_MS);
  op.steps.note(
    'folder time',
    `${known.length} folder(s) Kodi holds entries of changed within this second: waiting ${waitMs} ms so a later file changes Kodi's folder hash`,
    waitMs,
  );
  await sleep(waitMs, op.signal);
}

/** One attempt: prime, wait for the folder's second, scan, await, look up. Evidence when the item is in Kodi. */
async function tryAttempt(
  op: Operation,
  attempt: Attempt,
  first: boolean,
  state: AttemptState,
): Promise<SyncEvidence | undefined> {
  const primed = await idleAndPrimed(op, attempt.prime);
  if (first && op.scanFolder !== op.sourceRoot && !(primed.ok && entryOf(primed, op.scanFolder))) {
    // Kodi cannot see the folder: no scan can add it (real-kodi.md §5). An unreachable or empty source root is a
    // share that is offline (a NAS asleep, a mount gone): that passes, so wait for it; otherwise say what to fix.
    const root = attempt.prime === op.sourceRoot ? primed : await list(op, op.sourceRoot);
    if ((!root.ok || root.entries.length === 0) && (await isKodiSource(op))) throw shareOffline(op, root);
    throw invisibleFolder(op, attempt.prime, primed);
  }
  const shared = first && primed.ok ? await sharedPlan(op, primed) : undefined;
  if (shared && shared.directory !== attempt.directory) {
    await primeLaneMates(op, shared, attempt.prime, primed);
  } else if (attempt.directory !== undefined && attempt.directory !== op.sourceRoot) {
    await waitForFolderSecond(op, attempt.directory, primed, true);
  }
  const isPresent = async (): Promise<boolean> =>
    pickItemRow(op.item, (await lookupFile(op.library, op.kodiFile)).rows) !== undefined;
  const outcome = await scanAndWait(
    op.member.client,
    op.steps,
    state.watcher,
    shared ? shared.directory : attempt.directory,
    isPresent,
    op.timing,
    op.signal,
  );
  if (shared) {
    shared.context.registry.record(
      shared.context.lane,
      shared.mates.map((m) => m.kodiFile),
      {
        jobId: shared.context.jobId,
        directory: shared.directory,
        items: shared.mates.length + 1,
        added: new Set(state.watcher.added.filter((a) => a.type === op.item.kind).map((a) => a.id)),
        completion: outcome.completion,
        at: Date.now(),
      },
    );
  }
  const lookup = await lookupFile(op.library, op.kodiFile);
  state.lookalikes = lookup.lookalikes;
  const row = pickItemRow(op.item, lookup.rows);
  if (row) {
    const matchedBy = lookup.storedForm ? 'stored form' : 'file';
    const evidence = found(op, row, lookup.rows, outcome, state.escalation, matchedBy, state.started);
    if (!shared) return evidence;
    return {
      ...evidence,
      sharedScan: {
        byJob: shared.context.jobId,
        directory: shared.directory,
        items: shared.mates.length + 1,
      },
      notes: [
        `scanned "${shared.directory}" once for this item and ${shared.mates.length} waiting in the same lane; each is verified by its own job`,
      ],
    };
  }
  const fallback = await findByIdsOrTitle(op.library, op.item, op.scanFolder);
  if (fallback && state.watcher.wasAdded(op.item.kind, fallback.row.id)) {
    // Added by our scan but stored under another file: Kodi has it; the mapping should be fixed (noted).
    const evidence = found(
      op,
      fallback.row,
      [fallback.row],
      outcome,
      state.escalation,
      fallback.matchedBy,
      state.started,
    );
    evidence.notes = [
      `Kodi stores "${fallback.row.file}", the mapping produced "${op.kodiFile}": check the path mapping`,
    ];
    return evidence;
  }
  return undefined;
}

/** One scan of the item's folder, primed like a publish (used to bring back an entry removed to reset a hash). */
export async function rescanFolder(op: Operation): Promise<void> {
  const watcher = new KodiWatcher(op.member.client);
  try {
    const attempt = attempts(op)[0];
    if (!attempt) return;
    const primed = await idleAndPrimed(op, attempt.prime);
    if (attempt.directory !== undefined) await waitForFolderSecond(op, attempt.directory, primed, false);
    await scanAndWait(
      op.member.client,
      op.steps,
      watcher,
      attempt.directory,
      () => Promise.resolve(false),
      op.timing,
      op.signal,
    );
  } finally {
    watcher.dispose();
  }
}

export async function publishItem(op: Operation): Promise<SyncEvidence> {
  const state: AttemptState = {
    watcher: new KodiWatcher(op.member.client),
    escalation: [],
    lookalikes: [],
    started: performance.now(),
  };
  try {
    for (const [index, attempt] of attempts(op).entries()) {
      if (index > 0) state.escalation.push(attempt.label);
      const evidence = await tryAttempt(op, attempt, index === 0, state);
      if (evidence) return evidence;
    }
    const sharing = await entriesSharingHash(op);
    const failure = await notAdded(op, state, sharing, false);
    if (failure.reason !== 'folder-unchanged') throw failure;
    // Kodi lists the file but keeps skipping its folder as unchanged: make it forget the folder's hash, scan again.
    state.escalation.push(await resetFolderHash(op, sharing));
    const retry = attempts(op)[0];
    const evidence = retry && (await tryAttempt(op, retry, false, state));
    if (evidence) return evidence;
    throw await notAdded(op, state, [], true);
  } finally {
    state.watcher.dispose();
  }
}

/** Whether the library's root is (inside) one of Kodi's own video sources: then a failing listing is the share. */
async function isKodiSource(op: Operation): Promise<boolean> {
  const sources = await op.steps.call(
    'Files.GetSources video',
    () => op.member.client.getSources('video'),
    (r) => `${r.length} source(s)`,
  );
  return sources.some((s) => storedBelow(op.sourceRoot, kodiFolder(s.file)));
}

function shareOffline(op: Operation, root: Listing): TransientError {
  return new TransientError(
    maskCredentials(
      `${describeKodi(op.member.player.endpoint)} ${root.ok ? 'sees an empty' : 'cannot list the'} source root "${op.sourceRoot}"` +
        `${root.error ? ` (${root.error})` : ''}: the share looks offline or unmounted; the publish of "${op.kodiFile}" waits for it`,
    ),
  );
}

function invisibleFolder(op: Operation, listed: string, listing: Listing): NotAddedError {
  const who = describeKodi(op.member.player.endpoint);
  const why = listing.ok
    ? `Files.GetDirectory("${listed}") lists ${listing.entries.length} entries but not "${op.scanFolder}"`
    : `Files.GetDirectory("${listed}") failed ${LISTING_TRIES} times (${listing.error ?? 'error'}): the folder is missing on Kodi's side or outside every video source`;
  return new NotAddedError(
    'invisible',
    maskCredentials(
      `${who} cannot see "${op.kodiFile}": ${why}. Check the path mapping of group "${op.group.name}" ` +
        `(manager "${op.item.path}" → Kodi "${op.kodiFile}") and that the share is mounted where Kodi looks.`,
    ),
  );
}

/**
 * The failure, with the cause detected: Kodi cannot list the file (`invisible`); Kodi lists it and holds other
 * entries under the same folder hash, so it skipped the folder (`folder-unchanged`) — unless the hash was reset
 * already; Kodi lists it, scanned it and added nothing (`not-identified`).
 */
async function notAdded(
  op: Operation,
  state: AttemptState,
  sharing: readonly LibraryRow[],
  hashReset: boolean,
): Promise<NotAddedError> {
  const { escalation } = state;
  const fileFolder = kodiDirname(op.kodiFile);
  const inFolder = await list(op, fileFolder);
  const sees = inFolder.ok && listsFile(inFolder, op.kodiFile);
  const cause: NotAddedCause = !sees
    ? 'invisible'
    : sharing.length > 0 && !hashReset
      ? 'folder-unchanged'
      : 'not-identified';
  const other = await findByIdsOrTitle(op.library, op.item, op.scanFolder);
  const tried = `after scanning "${op.scanFolder}"${escalation.length ? ` and ${escalation.join(', ')}` : ''}`;
  const who = describeKodi(op.member.player.endpoint);
  const hints: string[] = [];
  if (cause === 'invisible') {
    hints.push(
      `Kodi does not list the file in "${fileFolder}" (${inFolder.ok ? `${inFolder.entries.length} entries` : (inFolder.error ?? 'error')}): ` +
        `check the path mapping and that the share is mounted where Kodi looks`,
    );
  } else if (cause === 'folder-unchanged') {
    hints.push(
      `Kodi lists the file and already has ${sharing.length} other entr${sharing.length === 1 ? 'y' : 'ies'} under the same folder hash, ` +
        `so it skipped the folder as unchanged: its modification time, in whole seconds, is the one Kodi recorded at its last ` +
        `scan (a file added in the same second, or a move that kept the folder's time). Fix: change the folder's ` +
        `modification time (touch it) and retry the job; publishers should not preserve folder times`,
    );
  } else {
    hints.push(
      `Kodi lists the file, scanned, and added nothing`,
      `is "${op.sourceRoot}" a Kodi video source whose content type is set to ${op.item.kind === 'movie' ? 'movies' : 'TV shows'}?`,
      `does the ${op.item.kind === 'movie' ? 'movie' : 'show/episode'} NFO or the scraper match (Kodi skips what it cannot identify)?`,
    );
  }
  if (hashReset) hints.push("Kodi's folder hash was reset by a removal and the folder scanned again");
  const alike = describeLookalikes(state.lookalikes);
  if (alike) hints.push(alike);
  if (other) {
    hints.push(
      `Kodi already has "${other.row.title}" (matched by ${other.matchedBy}) at "${other.row.file}": a different path form than the mapping produces?`,
    );
  }
  if (!op.group.fullScanFallback && cause === 'not-identified') {
    hints.push('a full library scan was not tried (the group does not allow it)');
  }
  const what =
    cause === 'folder-unchanged'
      ? 'Kodi skipped its folder as unchanged'
      : cause === 'invisible'
        ? 'Kodi cannot see the file'
        : 'Kodi scanned it and identified nothing';
  return new NotAddedError(
    cause,
    maskCredentials(`${who} did not add "${op.kodiFile}" ${tried}: ${what}. Check: ${hints.join('; ')}.`),
  );
}
