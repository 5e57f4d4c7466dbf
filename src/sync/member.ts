/**
 * Choosing the group member (player) a job acts through (DESIGN §6.1): enabled members in priority order that
 * answer; with skip_active, those not playing. Everyone playing → busy (deferred until Player.OnStop) up to the
 * group's max deferral, then the busy policy; nobody answering → transient (the queue backs off).
 */
import type { KodiClient } from '../kodi/client.js';
import type { KodiActivePlayer } from '../kodi/types.js';
import { describeKodi } from '../kodi/errors.js';
import { maskCredentials } from '../paths/index.js';
import { BusyError, errorMessage, PermanentError, retryClassOf, TransientError } from '../util/errors.js';
import { beginPlayerCheck, knownNotPlaying, recordPlayers } from './player-tracker.js';
import type { StepRecorder } from './steps.js';
import type { SyncGroup, SyncPlayer } from './types.js';

export interface Member {
  player: SyncPlayer;
  client: KodiClient;
  /** Something plays on it (only checked with skip_active). */
  playing: boolean;
}

export interface MemberChoice {
  /** Members to try in order (failover on transient errors). */
  usable: Member[];
  /** Every member that answered, playing or not (for shared-database confirmation and playing-file checks). */
  answering: Member[];
  /** The busy policy let the job run on a playing Kodi (scans are harmless to playback; real-kodi.md §10). */
  ranDespitePlayback: boolean;
}

const BUSY_RETRY_MS = 5 * 60_000;

async function probe(client: KodiClient, steps: StepRecorder, skipActive: boolean): Promise<boolean> {
  // A live WebSocket proves it answers; otherwise one cheap ping over HTTP.
  if (!client.webSocketUp) {
    await steps.call(`JSONRPC.Ping ${client.endpoint.name}`, () => client.ping(), String);
  }
  if (!skipActive) return false;
  return (await activePlayers(client, steps)).some((p) => p.type === 'video');
}

/** GetActivePlayers, recorded; none when an answer just before still holds (player-tracker.ts). */
async function activePlayers(client: KodiClient, steps: StepRecorder): Promise<KodiActivePlayer[]> {
  if (knownNotPlaying(client)) {
    steps.note(`Player.GetActivePlayers ${client.endpoint.name}`, 'none (known: no playback started since)');
    return [];
  }
  const generation = beginPlayerCheck(client);
  const players = await steps.call(
    `Player.GetActivePlayers ${client.endpoint.name}`,
    () => client.getActivePlayers(),
    (r) => (r.length ? r.map((p) => p.type).join(',') : 'none'),
  );
  recordPlayers(
    client,
    generation,
    players.some((p) => p.type === 'video'),
  );
  return players;
}

export async function chooseMembers(
  group: SyncGroup,
  players: readonly SyncPlayer[],
  clientFor: (player: SyncPlayer) => KodiClient | Promise<KodiClient>,
  steps: StepRecorder,
  deferredForMs: number,
): Promise<MemberChoice> {
  const enabled = players.filter((p) => p.enabled).sort((a, b) => b.priority - a.priority || a.id - b.id);
  if (enabled.length === 0) {
    throw new PermanentError(`Group "${group.name}" has no enabled player: add a Kodi to it or enable one`);
  }
  const answering: Member[] = [];
  const failures: string[] = [];
  for (const player of enabled) {
    try {
      const client = await clientFor(player);
      answering.push({ player, client, playing: await probe(client, steps, group.skipActive) });
    } catch (error) {
      if (retryClassOf(error) !== 'transient') throw error;
      failures.push(maskCredentials(errorMessage(error)));
    }
  }
  if (answering.length === 0) {
    throw new TransientError(`No player of group "${group.name}" answers: ${failures.join('; ')}`);
  }
  const idle = answering.filter((m) => !m.playing);
  if (idle.length > 0) return { usable: idle, answering, ranDespitePlayback: false };
  const who = answering.map((m) => describeKodi(m.player.endpoint)).join(', ');
  if (deferredForMs < group.maxDeferralMs) {
    throw new BusyError(
      `Something is playing on every answering player of group "${group.name}" (${who}); waiting for playback to stop`,
      ['player-stopped'],
      Math.min(BUSY_RETRY_MS, Math.max(1_000, group.maxDeferralMs - deferredForMs)),
    );
  }
  if (group.busyPolicy === 'run') {
    steps.note(
      'busy policy',
      `deferred ${Math.round(deferredForMs / 1000)} s ≥ max; running despite playback`,
    );
    return { usable: answering, answering, ranDespitePlayback: true };
  }
  throw new PermanentError(
    `Playback on group "${group.name}" (${who}) lasted longer than the maximum deferral of ` +
      `${Math.round(group.maxDeferralMs / 60_000)} min and the busy policy is "defer": retry the job when nobody is ` +
      `watching, or set the group's busy policy to "run" (scans never interrupt playback)`,
  );
}

/** The playing file on a member, if any (compare files, not ids: ids change on refresh; real-kodi.md §10). */
export async function playingFiles(member: Member, steps: StepRecorder): Promise<string[]> {
  const players = await activePlayers(member.client, steps);
  const files: string[] = [];
  for (const p of players.filter((x) => x.type === 'video')) {
    const item = await steps.call(
      `Player.GetItem ${member.player.name}`,
      () => member.client.getPlayerItem(p.playerid, ['file']),
      (r) => r.file ?? '(no file)',
    );
    if (item.file) files.push(item.file);
  }
  return files;
}
