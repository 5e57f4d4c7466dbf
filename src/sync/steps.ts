/**
 * Records every Kodi call a job makes as a step (call, short answer, duration) — the job's audit trail (DESIGN §6.7).
 * Step writes are not awaited one by one (they would add a database round trip to every Kodi call); `flush()`
 * waits for all of them before the job reports its result.
 */
import { maskCredentials } from '../paths/index.js';
import { errorMessage } from '../util/errors.js';

export type StepSink = (call: string, answer: string, durationMs: number) => unknown;

const MAX_TEXT = 300;

function short(text: string): string {
  const masked = maskCredentials(text);
  return masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT - 1)}…` : masked;
}

export class StepRecorder {
  private readonly pending: Promise<unknown>[] = [];
  /** Time spent waiting in Kodi calls, for the evidence's timings. */
  kodiMs = 0;

  constructor(
    private readonly sink: StepSink,
    private readonly onSinkError: (error: unknown) => void = () => undefined,
  ) {}

  /** Records a step that is not a call (a wait, a decision). */
  note(call: string, answer: string, durationMs = 0): void {
    try {
      this.pending.push(
        Promise.resolve(this.sink(short(call), short(answer), Math.round(durationMs))).catch(
          this.onSinkError,
        ),
      );
    } catch (error) {
      this.onSinkError(error);
    }
  }

  /** Runs one Kodi call and records it, failed or not. */
  async call<T>(
    label: string,
    run: () => Promise<T>,
    summarize: (result: T) => string = () => 'OK',
  ): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      const ms = performance.now() - started;
      this.kodiMs += ms;
      this.note(label, summarize(result), ms);
      return result;
    } catch (error) {
      const ms = performance.now() - started;
      this.kodiMs += ms;
      this.note(label, `error: ${errorMessage(error)}`, ms);
      throw error;
    }
  }

  async flush(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}
