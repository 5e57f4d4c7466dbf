/**
 * A drift report by itself when a Kodi answers again after being unreachable (its WebSocket came back): webhooks
 * sent while it was off were acted on elsewhere, or people changed its library by hand. Debounced per group: one
 * report `quietMs` after the last reconnect of the group, and at most one per `minIntervalMs`. The report is
 * recorded as activity (source 'library'); nothing is repaired on its own.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../util/errors.js';
import type { DriftReport } from './drift.js';

export interface ReconnectDriftOptions {
  drift: (groupId: number) => Promise<DriftReport>;
  record: (report: DriftReport) => Promise<unknown>;
  logger?: Logger;
  quietMs?: number;
  minIntervalMs?: number;
}

export class ReconnectDrift {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly lastRun = new Map<number, number>();

  constructor(private readonly options: ReconnectDriftOptions) {}

  /** A member of the group answers again. */
  kodiOnline(groupId: number): void {
    clearTimeout(this.timers.get(groupId));
    const timer = setTimeout(() => {
      this.timers.delete(groupId);
      void this.run(groupId);
    }, this.options.quietMs ?? 30_000);
    timer.unref();
    this.timers.set(groupId, timer);
  }

  private async run(groupId: number): Promise<void> {
    const last = this.lastRun.get(groupId) ?? 0;
    if (Date.now() - last < (this.options.minIntervalMs ?? 10 * 60_000)) return;
    this.lastRun.set(groupId, Date.now());
    try {
      const report = await this.options.drift(groupId);
      await this.options.record(report);
    } catch (error) {
      this.options.logger?.warn({ groupId, err: errorMessage(error) }, 'drift report after reconnect failed');
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** One line for the activity log and notifications. */
export function summarizeDrift(report: DriftReport): string {
  return (
    `Drift of ${report.group}: ${report.missing.length} missing in Kodi, ${report.deletedButPresent.length} ` +
    `deleted but still in Kodi, ${report.stale.length} not updated, ${report.unknown.length} unknown to Kodi Sync`
  );
}
