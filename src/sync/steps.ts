/**
 * Records every Kodi call a job makes as a step (call, short answer, duration) — the job's audit trail (DESIGN §6.7).
 * Steps are buffered and written in batches (one multi-row INSERT each): a step write per Kodi call was most of the
 * engine's database work per job. A batch goes out at most FLUSH_EVERY_MS after its first step, so a running job's
 * steps still show live, and `flush()` writes the rest before the job reports its result — a job that completes
 * never loses a step. A crash mid-job may lose the last unflushed steps; the job runs again anyway (its lease expires).
 */
import { maskCredentials } from '../paths/index.js';
import { errorMessage } from '../util/errors.js';

export interface RecordedStep {
  call: string;
  answer: string;
  durationMs: number;
  /** When the step was recorded (epoch ms), not when it was written. */
  at: number;
}

/** Writes a batch of steps, in order. */
export type StepSink = (steps: RecordedStep[]) => unknown;

const FLUSH_EVERY_MS = 250;

const MAX_TEXT = 300;

function short(text: string): string {
  const masked = maskCredentials(text);
  return masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT - 1)}…` : masked;
}

export class StepRecorder {
  private readonly buffer: RecordedStep[] = [];
  /** The batches' writes, chained so they land in order. */
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Time spent waiting in Kodi calls so far (closed periods), see kodiMs. */
  private waitedMs = 0;
  /** Kodi calls in flight, and since when at least one was. */
  private inFlight = 0;
  private busySince = 0;

  constructor(
    private readonly sink: StepSink,
    private readonly onSinkError: (error: unknown) => void = () => undefined,
    private readonly flushEveryMs = FLUSH_EVERY_MS,
  ) {}

  /** Records a step that is not a call (a wait, a decision). */
  note(call: string, answer: string, durationMs = 0): void {
    this.buffer.push({
      call: short(call),
      answer: short(answer),
      durationMs: Math.round(durationMs),
      at: Date.now(),
    });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.flushEveryMs);
  }

  /** Runs one Kodi call and records it, failed or not. */
  async call<T>(
    label: string,
    run: () => Promise<T>,
    summarize: (result: T) => string = () => 'OK',
  ): Promise<T> {
    const started = performance.now();
    if (this.inFlight++ === 0) this.busySince = started;
    try {
      const result = await run();
      this.note(label, summarize(result), this.settled(started));
      return result;
    } catch (error) {
      this.note(label, `error: ${errorMessage(error)}`, this.settled(started));
      throw error;
    }
  }

  /**
   * Wall-clock time during which at least one Kodi call was in flight, for the evidence's timings. Calls made at
   * the same time (waiting for idle while listing a folder) count once, so this never exceeds the job's own time.
   */
  get kodiMs(): number {
    return this.waitedMs + (this.inFlight > 0 ? performance.now() - this.busySince : 0);
  }

  private settled(started: number): number {
    const now = performance.now();
    if (--this.inFlight === 0) this.waitedMs += now - this.busySince;
    return now - started;
  }

  /** Writes the buffered steps and waits for every write so far. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  private write(): Promise<void> {
    const batch = this.buffer.splice(0);
    if (batch.length > 0) {
      this.writing = this.writing.then(async () => {
        try {
          await this.sink(batch);
        } catch (error) {
          this.onSinkError(error);
        }
      });
    }
    return this.writing;
  }
}
