/**
 * The simulated video player (research/real-kodi.md §10): OnPlay + OnAVStart when playback starts, OnUpdate
 * + OnStop {end:false} on Stop. The notification item is resolved once, at start, so a Stop after the item
 * was removed still names the old id (as Kodi does); Player.GetItem resolves the file again at call time
 * and answers type "unknown" once the file is no longer in the library. Kodi does not protect the playing
 * item: Refresh/Remove of it succeed and playback continues.
 */
import { basename, extname } from 'node:path';
import { delay, type SimContext } from './context.js';
import { kodiDateTime } from './disk.js';

type ItemRef = { id: number; type: string } | { type: 'unknown'; title: string };

interface Playing {
  file: string;
  ref: ItemRef;
  /** The label Kodi gave the item when playback started; kept after the item leaves the library. */
  label: string;
  speed: number;
}

function stem(file: string): string {
  const name = basename(file);
  return name.slice(0, name.length - extname(name).length);
}

export class SimPlayer {
  private playing: Playing | undefined;

  constructor(private readonly ctx: () => SimContext) {}

  get file(): string | undefined {
    return this.playing?.file;
  }

  get active(): boolean {
    return this.playing !== undefined;
  }

  get paused(): boolean {
    return this.playing?.speed === 0;
  }

  /** Starts playing `file`; resolves after OnAVStart, when Kodi reports it playing. */
  async play(file: string): Promise<void> {
    if (this.playing) await this.stop();
    const library = this.ctx().library.itemForFile(file);
    const ref: ItemRef = library
      ? { id: library.id, type: library.type }
      : { type: 'unknown', title: stem(file) };
    const playing: Playing = { file, ref, label: library?.title ?? stem(file), speed: 1 };
    this.playing = playing;
    await delay(5);
    if (this.playing !== playing) return;
    this.ctx().notify('Player.OnPlay', { item: ref, player: { playerid: 1, speed: 1 } });
    await delay(5);
    if (this.playing !== playing) return;
    this.ctx().notify('Player.OnAVStart', { item: ref, player: { playerid: 1, speed: 1 } });
  }

  /** Stops at once (GetActivePlayers is empty right away); the notifications follow the answer (§10). */
  async stop(): Promise<void> {
    const playing = this.playing;
    if (!playing) return;
    this.playing = undefined;
    await delay(1);
    this.announceStop(playing);
  }

  private announceStop(playing: Playing): void {
    const ctx = this.ctx();
    if ('id' in playing.ref) {
      // Stopping writes lastplayed (§10) and Kodi announces an OnUpdate for the item before OnStop.
      const now = kodiDateTime(new Date());
      const movie = playing.ref.type === 'movie' ? ctx.library.movies.get(playing.ref.id) : undefined;
      const episode = playing.ref.type === 'episode' ? ctx.library.episodes.get(playing.ref.id) : undefined;
      if (movie) movie.lastplayed = now;
      if (episode) episode.lastplayed = now;
      ctx.notify('VideoLibrary.OnUpdate', { item: playing.ref });
    }
    ctx.notify('Player.OnStop', { end: false, item: playing.ref });
  }

  /** Player.PlayPause: toggles and returns the new speed. */
  togglePause(): number {
    const playing = this.playing;
    if (!playing) return 0;
    playing.speed = playing.speed === 0 ? 1 : 0;
    const method = playing.speed === 0 ? 'Player.OnPause' : 'Player.OnResume';
    this.ctx().notify(method, { item: playing.ref, player: { playerid: 1, speed: playing.speed } });
    return playing.speed;
  }

  /** Player.GetItem's item: resolved by path now, like CVideoLibrary::FillFileItem. */
  currentItem(properties: string[]): Record<string, unknown> | undefined {
    const playing = this.playing;
    if (!playing) return undefined;
    const library = this.ctx().library.itemForFile(playing.file);
    const item: Record<string, unknown> = library
      ? { id: library.id, label: library.title, type: library.type }
      : { label: playing.label, type: 'unknown' };
    if (properties.includes('file')) item.file = playing.file;
    if (properties.includes('title')) item.title = library?.title ?? '';
    return item;
  }
}
