/**
 * The bridge from events to notifications: queue changes and player state become notifications (job failed,
 * batch finished, Kodi offline / back), and each finished job's duration is reported to `onJobFinished` (the
 * metrics). Each change is a hint (queue/events.ts): the watcher re-reads the job or batch.
 */
import type { Logger } from 'pino';
import type { JobQueue } from '../queue/queue.js';
import type { Job, QueueChange } from '../queue/types.js';
import type { PlayerMonitor } from '../sync/player-monitor.js';
import { errorMessage } from '../util/errors.js';
import type { Notifier } from './notifier.js';

export interface WatcherDeps {
  queue: JobQueue;
  players: PlayerMonitor;
  notifier: Notifier;
  /** A job ended after running: for the job-duration metric. */
  onJobFinished?(job: Job, seconds: number): void;
  logger: Logger;
  groupName(groupId: number): string;
  scrub(text: string): string;
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

export function watchForNotifications(deps: WatcherDeps): () => void {
  const announced = new Set<number>();
  let pending = Promise.resolve();

  const onJobChange = async (change: QueueChange): Promise<void> => {
    if (!ENDED.has(change.reason) || change.jobId === undefined) return;
    const job = await deps.queue.getJob(change.jobId);
    if (job.startedAt !== null && job.finishedAt !== null) {
      deps.onJobFinished?.(job, (job.finishedAt - job.startedAt) / 1000);
    }
    const payload = job.payload as { itemId?: number } | null;
    if (job.state === 'failed') {
      await deps.notifier.notify({
        type: 'job-failed',
        title: `Kodi Sync: job ${job.id} failed`,
        message: deps.scrub(
          `Group "${deps.groupName(job.lane)}", item ${String(payload?.itemId ?? job.itemId ?? '?')}: ${job.lastError ?? 'no reason recorded'}`,
        ),
      });
    }
    if (job.batchId === null || announced.has(job.batchId)) return;
    const progress = await deps.queue.batchProgress(job.batchId);
    if (progress.queued + progress.running + progress.deferred > 0) return;
    announced.add(job.batchId);
    if (announced.size > 10_000) announced.clear();
    await deps.notifier.notify({
      type: 'batch-finished',
      title: `Kodi Sync: ${progress.label ?? `batch ${job.batchId}`} finished`,
      message: `${progress.succeeded}/${progress.total} synced and verified${progress.failed > 0 ? `, ${progress.failed} failed` : ''}${progress.cancelled > 0 ? `, ${progress.cancelled} cancelled` : ''}.`,
      ...(progress.failed > 0 && { level: 'warning' as const }),
    });
  };

  const offQueue = deps.queue.onChange((change) => {
    // One at a time, in order: a burst of changes must not pile up parallel reads.
    pending = pending
      .then(() => onJobChange(change))
      .catch((error: unknown) => {
        deps.logger.warn({ err: errorMessage(error), change }, 'notification for a job change failed');
      });
  });
  const offPlayers = deps.players.onChange((state, previous) => {
    if (previous?.connected === true && state.connected === false) {
      void deps.notifier.notify({
        type: 'kodi-offline',
        title: `Kodi "${state.name}" is offline`,
        message: deps.scrub(`${state.lastError ?? 'It stopped answering.'} Jobs for it wait and retry.`),
      });
    } else if (previous?.connected === false && state.connected === true) {
      void deps.notifier.notify({
        type: 'kodi-back',
        title: `Kodi "${state.name}" is back`,
        message: 'It answers again; waiting jobs continue.',
      });
    }
  });
  return () => {
    offQueue();
    offPlayers();
  };
}
