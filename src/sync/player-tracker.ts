/**
 * What the engine knows, per Kodi client, about "nothing is playing on this Kodi": a `Player.GetActivePlayers`
 * answer without a video player, still valid while the WebSocket stayed up, no Player.OnPlay / OnAVStart /
 * OnResume arrived since, and at most KNOWN_IDLE_MS ago (the idle tracker's bound). Kodi announces every start of
 * playback to every WebSocket client, so the next check within that time would only sample the same state: a job
 * choosing its member and then checking the file it refreshes or removes asks Kodi once, not twice.
 */
import type { KodiClient } from '../kodi/client.js';
import { KNOWN_IDLE_MS } from './idle-tracker.js';

interface ClientState {
  generation: number;
  notPlayingAt: number | undefined;
  notPlayingGeneration: number;
}

const states = new WeakMap<KodiClient, ClientState>();

function invalidate(state: ClientState): void {
  state.generation += 1;
  state.notPlayingAt = undefined;
}

function stateOf(client: KodiClient): ClientState {
  const known = states.get(client);
  if (known) return known;
  const state: ClientState = { generation: 0, notPlayingAt: undefined, notPlayingGeneration: -1 };
  // Subscribed for the client's lifetime (the pool keeps one client per Kodi); both end with the client.
  client.onNotification((n) => {
    if (n.method === 'Player.OnPlay' || n.method === 'Player.OnAVStart' || n.method === 'Player.OnResume')
      invalidate(state);
  });
  client.onConnectionChange(() => {
    invalidate(state);
  });
  states.set(client, state);
  return state;
}

/** Call before sending GetActivePlayers; pass the result to `recordPlayers`. */
export function beginPlayerCheck(client: KodiClient): number {
  return stateOf(client).generation;
}

/** A GetActivePlayers answer: "no video" counts only if no playback started while it was asked. */
export function recordPlayers(client: KodiClient, generation: number, videoPlaying: boolean): void {
  const state = stateOf(client);
  if (videoPlaying || generation !== state.generation || !client.webSocketUp) {
    state.notPlayingAt = undefined;
    return;
  }
  state.notPlayingAt = performance.now();
  state.notPlayingGeneration = generation;
}

/** True when an earlier answer still proves that no video plays on this Kodi (see the module comment). */
export function knownNotPlaying(client: KodiClient): boolean {
  const state = states.get(client);
  return (
    state?.notPlayingAt !== undefined &&
    state.notPlayingGeneration === state.generation &&
    client.webSocketUp &&
    performance.now() - state.notPlayingAt <= KNOWN_IDLE_MS
  );
}
