/**
 * Listens to one Kodi's notifications for the duration of one operation. Created BEFORE the call that causes
 * them (a one-folder scan's OnScanStarted arrives 2 ms after the answer; real-kodi.md §2), so nothing is missed.
 * `next()` wakes a waiting loop on any event or connection change.
 */
import type { KodiClient } from '../kodi/client.js';
import type { KodiNotification } from '../kodi/types.js';

export class KodiWatcher {
  scanStarted = false;
  scanFinished = false;
  cleanFinished = false;
  /** performance.now() of the last OnScanFinished. */
  scanFinishedAt = 0;
  /** The WebSocket went down at some point while watching: events may have been lost. */
  wsDropped = false;
  readonly added: { id: number; type: string }[] = [];
  readonly removed: { id: number; type: string }[] = [];
  private wake: (() => void) | undefined;
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly client: KodiClient) {
    this.unsubscribe = [
      client.onNotification((n) => {
        this.onNotification(n);
      }),
      client.onConnectionChange((up) => {
        if (!up) this.wsDropped = true;
        this.poke();
      }),
    ];
  }

  /** Events can be trusted only while the WebSocket is up and has stayed up. */
  get eventsReliable(): boolean {
    return this.client.webSocketUp && !this.wsDropped;
  }

  /** Forget scan start/finish (before sending the next scan through the same watcher). */
  resetScan(): void {
    this.scanStarted = false;
    this.scanFinished = false;
    this.cleanFinished = false;
  }

  private onNotification(n: KodiNotification): void {
    switch (n.method) {
      case 'VideoLibrary.OnScanStarted':
        this.scanStarted = true;
        break;
      case 'VideoLibrary.OnScanFinished':
        this.scanFinished = true;
        this.scanFinishedAt = performance.now();
        break;
      case 'VideoLibrary.OnCleanFinished':
        this.cleanFinished = true;
        break;
      case 'VideoLibrary.OnUpdate':
        if (n.added) this.added.push(n.item);
        break;
      case 'VideoLibrary.OnRemove':
        this.removed.push(n.item);
        break;
      default:
        return;
    }
    this.poke();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves on the next event or connection change, after `timeoutMs`, or when `signal` aborts. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      const previous = this.wake;
      this.wake = previous
        ? () => {
            previous();
            done();
          }
        : done;
    });
  }

  wasAdded(type: string, id: number): boolean {
    return this.added.some((a) => a.type === type && a.id === id);
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.poke();
  }
}
