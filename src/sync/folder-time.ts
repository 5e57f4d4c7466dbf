/**
 * Kodi's folder hash counts modification times in whole seconds: a movie folder's own mtime, a show folder's sum of
 * its own and its sub-folders' mtimes (VideoInfoScanner GetFastHash / GetRecursiveFastHash; real-kodi.md §16). A scan
 * that reads a folder in the same second as its last change stores that second; a file landing later in the same
 * second leaves the hash unchanged, and Kodi skips the folder on every later scan. The rule that makes this
 * harmless: never scan a folder whose newest modification is in the current second — wait for the next one, so any
 * later write changes the hash.
 *
 * `Files.GetDirectory` answers `lastmodified` as "YYYY-MM-DD HH:MM:SS" in Kodi's local time, seconds truncated
 * (measured on 20.1). The comparison with our clock ignores the time zone: every zone's offset is a multiple of
 * 15 minutes, so the difference is taken modulo 15 minutes. It assumes the file server's clock and ours agree
 * within MARGIN_MS (NTP); a larger skew is reported, and the failure message names the cause if Kodi still skips.
 * The modulo makes a folder changed a whole number of quarter hours ago (± 1 s) look recent: a needless wait of at
 * most ~1.25 s for about 0.3 % of folders, the price of not knowing Kodi's time zone.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
/** Clock disagreement tolerated between the file server and us. */
export const MARGIN_MS = 250;
/** A folder "modified" further in the future than this means the clocks disagree: waiting would not help. */
const FUTURE_LIMIT_MS = 3_000;
/** Beyond this, a "future" time is rather an old time in another zone offset: not recent, not skew. */
const SKEW_LIMIT_MS = 60_000;

const KODI_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Kodi's `lastmodified` read as if it were UTC (ms), or undefined when absent or in another form. */
export function parseKodiTime(text: string | undefined): number | undefined {
  const m = text === undefined ? null : KODI_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** `modified − now` with the time-zone offset removed: in (−7.5 min, +7.5 min]. */
function zoneFreeDelta(modifiedAsUtcMs: number, nowMs: number): number {
  let delta = (modifiedAsUtcMs - nowMs) % QUARTER_HOUR_MS;
  if (delta <= -QUARTER_HOUR_MS / 2) delta += QUARTER_HOUR_MS;
  if (delta > QUARTER_HOUR_MS / 2) delta -= QUARTER_HOUR_MS;
  return delta;
}

export interface FolderTimeVerdict {
  /** How long to wait before scanning (0: the newest change is in a past second). */
  waitMs: number;
  /** A folder time lies in the future beyond the margin: the clocks disagree. */
  clockSkew: boolean;
}

/**
 * Given the `lastmodified` of every folder a scan hashes, how long to wait until the newest of them is in a past
 * second (plus the margin). Unknown forms are ignored (nothing to wait for).
 */
export function waitPastFolderTimes(
  lastModified: readonly (string | undefined)[],
  nowMs: number,
): FolderTimeVerdict {
  let waitMs = 0;
  let clockSkew = false;
  for (const text of lastModified) {
    const modified = parseKodiTime(text);
    if (modified === undefined) continue;
    const delta = zoneFreeDelta(modified, nowMs);
    if (delta > FUTURE_LIMIT_MS) {
      clockSkew ||= delta <= SKEW_LIMIT_MS;
      continue;
    }
    // The second [modified, modified + 1 s) must be over, by our clock, with the margin.
    waitMs = Math.max(waitMs, delta + 1_000 + MARGIN_MS);
  }
  return { waitMs: Math.max(0, Math.round(waitMs)), clockSkew };
}
