/**
 * What the engine knows, per Kodi client, about "this Kodi is not scanning": an IsScanningVideo answer of false (or an
 * OnScanFinished), still valid while the WebSocket stayed up, no OnScanStarted / OnCleanStarted arrived since, and at most
 * KNOWN_IDLE_MS ago. The next job's pre-scan idle check can then skip its own IsScanningVideo call — each costs
 * Kodi a GUI frame, 20–30 ms (research/real-kodi.md §15) — without knowing less: a scan started by anyone is
 * announced to every WebSocket client, and the call would only sample the same state a moment later.
 */
import type { KodiClient } from '../kodi/client.js';

/** Upper bound for trusting an earlier answer (events are the real invalidation; this bounds the unexpected). */
export const KNOWN_IDLE_MS = 1_000;

interface ClientState {
  /** Bumped by every event that may mean a scan started or events were lost. */
  generation: number;
  /** Between OnCleanStarted and OnCleanFinished (a clean blocks Kodi's library queue like a scan). */
  cleaning: boolean;
  idleAt: number | undefined;
  idleGeneration: number;
}

const states = new WeakMap<KodiClient, ClientState>();

function invalidate(state: ClientState): void {
  state.generation += 1;
  state.idleAt = undefined;
}

/** OnScanFinished over a WebSocket that stayed up: idle now, as an IsScanningVideo false would say. */
function finished(state: ClientState, client: KodiClient): void {
  if (!client.webSocketUp || state.cleaning) return;
  state.idleAt = performance.now();
  state.idleGeneration = state.generation;
}

function stateOf(client: KodiClient): ClientState {
  const known = states.get(client);
  if (known) return known;
  const state: ClientState = { generation: 0, cleaning: false, idleAt: undefined, idleGeneration: -1 };
  // Subscribed for the client's lifetime (the pool keeps one client per Kodi); both end with the client.
  client.onNotification((n) => {
    if (n.method === 'VideoLibrary.OnScanStarted') invalidate(state);
    else if (n.method === 'VideoLibrary.OnScanFinished') finished(state, client);
    else if (n.method === 'VideoLibrary.OnCleanStarted') {
      state.cleaning = true;
      invalidate(state);
    } else if (n.method === 'VideoLibrary.OnCleanFinished') state.cleaning = false;
  });
  client.onConnectionChange(() => {
    // A clean that ended while the socket was down would leave `cleaning` stuck: forget it (the scan check remains).
    state.cleaning = false;
    invalidate(state);
  });
  states.set(client, state);
  return state;
}

/** We are about to send a Scan (or anything else that makes Kodi scan): forget "idle" now, not 2 ms later. */
export function scanRequested(client: KodiClient): void {
  invalidate(stateOf(client));
}

/** Call before sending IsScanningVideo; pass the result to `recordAnswer`. */
export function beginIdleCheck(client: KodiClient): number {
  return stateOf(client).generation;
}

/** An IsScanningVideo answer: false (idle) counts only if nothing invalidating happened while it was asked. */
export function recordAnswer(client: KodiClient, generation: number, scanning: boolean): void {
  const state = stateOf(client);
  if (scanning || generation !== state.generation || !client.webSocketUp) {
    state.idleAt = undefined;
    return;
  }
  state.idleAt = performance.now();
  state.idleGeneration = generation;
}

/** A library clean announced by OnCleanStarted has not finished yet (Kodi would queue a refresh behind it). */
export function cleaning(client: KodiClient): boolean {
  return stateOf(client).cleaning;
}

/** True when an earlier answer still proves the Kodi idle (see the module comment). */
export function knownIdle(client: KodiClient): boolean {
  const state = states.get(client);
  return (
    state?.idleAt !== undefined &&
    !state.cleaning &&
    state.idleGeneration === state.generation &&
    client.webSocketUp &&
    performance.now() - state.idleAt <= KNOWN_IDLE_MS
  );
}
