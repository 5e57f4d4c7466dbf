/**
 * Sending a Scan safely and knowing when it ended (DESIGN §2.4, §6.4):
 * - never while Kodi scans (a second Scan cancels the running one and adds nothing, yet answers OK; real-kodi.md §3);
 * - start = OnScanStarted or IsScanningVideo true; end = OnScanFinished (confirmed by IsScanningVideo false only
 *   when the WebSocket dropped since the watcher began: events in doubt) (§2);
 * - WebSocket down or dropped mid-scan → poll IsScanningVideo + the lookup, and never conclude "done" before the
 *   scan was seen to start or the item was seen to appear (a one-folder scan lasts 20–300 ms, so a poll alone cannot
 *   tell "not started yet" from "finished"; §2).
 * OnScanFinished also fires on cancel and when nothing was added: it ends the wait, it proves nothing (§5).
 */
import type { KodiClient } from '../kodi/client.js';
import { BusyError, TransientError } from '../util/errors.js';
import { describeKodi } from '../kodi/errors.js';
import { beginIdleCheck, cleaning, knownIdle, recordAnswer, scanRequested } from './idle-tracker.js';
import { assertMayChangeKodi } from './library-port.js';
import type { StepRecorder } from './steps.js';
import type { CompletionSignal } from './types.js';
import { KodiWatcher } from './watcher.js';

export interface ScanTiming {
  /** How long to wait for the scan to show it started (default 5 s). */
  startTimeoutMs: number;
  /** Upper bound for one scan (default 10 min): a scan that never ends is a transient failure. */
  finishTimeoutMs: number;
  /** Poll interval when events cannot be trusted (default 100 ms). */
  pollMs: number;
  /** Safety poll of IsScanningVideo while events are flowing (default 1 s; each poll costs Kodi a GUI frame, §15). */
  safetyPollMs: number;
  /** How long a job waits for someone else's scan before it defers (default 30 s). */
  idleWaitMs: number;
}

export const DEFAULT_SCAN_TIMING: ScanTiming = {
  startTimeoutMs: 5_000,
  finishTimeoutMs: 600_000,
  pollMs: 100,
  safetyPollMs: 1_000,
  idleWaitMs: 30_000,
};

export interface ScanOutcome {
  /** 'not observed': neither a start nor the item was seen; the caller's lookup decides (and escalates). */
  completion: CompletionSignal | 'not observed';
  scanMs: number;
  /** Of scanMs, the time spent only waiting (for an event or the next poll), not calling Kodi. */
  waitMs: number;
  /** Time from OnScanFinished to this function returning (event path only). */
  detectAfterFinishedMs?: number;
}

async function isScanning(client: KodiClient, steps: StepRecorder): Promise<boolean> {
  const generation = beginIdleCheck(client);
  const scanning = await steps.call(
    'XBMC.GetInfoBooleans Library.IsScanningVideo',
    () => client.isScanningVideo(),
    String,
  );
  recordAnswer(client, generation, scanning);
  return scanning;
}

/**
 * Waits (bounded) until the Kodi is not scanning; defers the job (woken by 'scan-finished') when it stays busy.
 * Resolves true when it had to wait (Kodi was scanning at first).
 */
export async function waitUntilIdle(
  client: KodiClient,
  steps: StepRecorder,
  timing: ScanTiming,
  signal?: AbortSignal,
): Promise<boolean> {
  if (knownIdle(client)) {
    steps.note('wait for idle', 'idle: IsScanningVideo was false just now and no scan started since');
    return false;
  }
  const busy = async (): Promise<boolean> => cleaning(client) || (await isScanning(client, steps));
  if (!(await busy())) return false;
  const watcher = new KodiWatcher(client);
  const started = performance.now();
  try {
    while (performance.now() - started < timing.idleWaitMs && !signal?.aborted) {
      await watcher.next(watcher.eventsReliable ? timing.safetyPollMs : timing.pollMs * 5, signal);
      if (
        watcher.scanFinished ||
        watcher.cleanFinished ||
        !watcher.eventsReliable ||
        performance.now() - started >= timing.idleWaitMs
      ) {
        watcher.resetScan();
        if (!(await busy())) {
          steps.note('wait for idle', 'Kodi finished its scan or clean', performance.now() - started);
          return true;
        }
      }
    }
  } finally {
    watcher.dispose();
  }
  throw new BusyError(
    `${describeKodi(client.endpoint)} is still scanning or cleaning after ${Math.round(timing.idleWaitMs / 1000)} s (started ` +
      `by someone else); a Scan now would cancel it and add nothing, and a refresh would wait behind it, so the job waits for it to finish`,
    ['scan-finished'],
    timing.idleWaitMs,
  );
}

/**
 * Sends `VideoLibrary.Scan` (of `directory`, or the whole library when undefined) through `watcher` (created by the
 * caller before anything else) and waits for it to end. `isPresent` is the item lookup used by the polling fallback.
 */
export async function scanAndWait(
  client: KodiClient,
  steps: StepRecorder,
  watcher: KodiWatcher,
  directory: string | undefined,
  isPresent: () => Promise<boolean>,
  timing: ScanTiming,
  signal?: AbortSignal,
): Promise<ScanOutcome> {
  watcher.resetScan();
  let waitMs = 0;
  const wait = async (ms: number): Promise<void> => {
    const t = performance.now();
    await watcher.next(ms, signal);
    waitMs += performance.now() - t;
  };
  assertMayChangeKodi(signal, 'VideoLibrary.Scan');
  const sent = performance.now();
  scanRequested(client);
  await steps.call(
    `VideoLibrary.Scan ${directory === undefined ? '(whole library)' : `"${directory}"`}`,
    () => client.scan(directory),
  );
  let polled = false;
  // Phase 1: see it start (or see its result).
  for (;;) {
    if (signal?.aborted) throw new TransientError('job cancelled while waiting for the scan to start');
    if (watcher.scanStarted || watcher.scanFinished) break;
    const elapsed = performance.now() - sent;
    if (elapsed >= timing.startTimeoutMs) {
      steps.note('wait for scan start', `no start seen within ${timing.startTimeoutMs} ms`, elapsed);
      return { completion: 'not observed', scanMs: elapsed, waitMs };
    }
    if (!watcher.eventsReliable) {
      polled = true;
      if ((await isScanning(client, steps)) || (await isPresent())) break;
    }
    await wait(watcher.eventsReliable ? timing.safetyPollMs : timing.pollMs);
  }
  // Phase 2: see it end.
  let lastPoll = performance.now();
  for (;;) {
    if (signal?.aborted) throw new TransientError('job cancelled while waiting for the scan to finish');
    const elapsed = performance.now() - sent;
    if (watcher.scanFinished) {
      watcher.resetScan();
      // Events in doubt (the WebSocket dropped since the watcher began): confirm with IsScanningVideo. Otherwise
      // OnScanFinished is the end — the check cost Kodi a GUI frame (~30 ms) per job and told nothing more.
      const trusted = watcher.eventsReliable;
      if (trusted || !(await isScanning(client, steps))) {
        const detectAfterFinishedMs = performance.now() - watcher.scanFinishedAt;
        steps.note(
          'wait for scan end',
          trusted ? 'OnScanFinished' : 'OnScanFinished, IsScanningVideo false',
          elapsed,
        );
        return {
          completion: polled ? 'polling' : 'OnScanFinished event',
          scanMs: elapsed,
          waitMs,
          detectAfterFinishedMs,
        };
      }
    } else if (!watcher.eventsReliable || performance.now() - lastPoll >= timing.safetyPollMs) {
      lastPoll = performance.now();
      if (!(await isScanning(client, steps))) {
        steps.note('wait for scan end', 'IsScanningVideo false (polled)', elapsed);
        return { completion: 'polling', scanMs: elapsed, waitMs };
      }
      polled = polled || !watcher.eventsReliable;
    }
    if (elapsed >= timing.finishTimeoutMs) {
      throw new TransientError(
        `${describeKodi(client.endpoint)} did not finish the scan of ${directory ?? 'the library'} within ` +
          `${Math.round(timing.finishTimeoutMs / 1000)} s; will look again later`,
      );
    }
    await wait(watcher.eventsReliable ? timing.safetyPollMs : timing.pollMs);
  }
}
