/**
 * Error classes every layer uses to tell its caller what to do next.
 *
 * The queue decides a job's fate from `retry` alone:
 * - `transient`: the thing may work later (unreachable, reset, timeout, 5xx) → retry with backoff;
 * - `permanent`: it will not work until a person changes something (wrong password, path outside every
 *   source, item never appears) → failed, with a message that says what to fix;
 * - `busy`: someone is using the Kodi (playback, another scan) → deferred until woken or a timer fires.
 */
export type RetryClass = 'transient' | 'permanent' | 'busy';

export abstract class KodiSyncError extends Error {
  abstract readonly retry: RetryClass;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class TransientError extends KodiSyncError {
  readonly retry = 'transient' as const;
}

export class PermanentError extends KodiSyncError {
  readonly retry = 'permanent' as const;
}

/** What can end a deferral early besides its timer. */
export type WakeReason = 'player-stopped' | 'scan-finished' | 'kodi-online';

export class BusyError extends KodiSyncError {
  readonly retry = 'busy' as const;

  constructor(
    message: string,
    readonly wakeOn: WakeReason[] = [],
    /** Suggested time until the next look, when no wake event comes. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Bad input from a user or a caller: names the field and the fix; nothing was changed. */
export class ValidationError extends PermanentError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A referenced record (group, player, job…) does not exist. */
export class NotFoundError extends PermanentError {
  constructor(
    readonly entity: string,
    readonly id: string | number,
  ) {
    super(`${entity} ${String(id)} does not exist`);
  }
}

/** Unknown errors are bugs, not weather: fail them at once so they are seen instead of retried for hours. */
export function retryClassOf(error: unknown): RetryClass {
  return error instanceof KodiSyncError ? error.retry : 'permanent';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
