/**
 * Follows a batch until every job ended, with a progress bar (cli-progress; `noTTYOutput` so pipes and CI see
 * it too — research/stack.md pitfall 9) or nothing at all in --json mode.
 */
import { SingleBar } from 'cli-progress';
import type { StateCounts } from '../queue/types.js';
import type { ApiClient } from './api-client.js';

export type BatchCounts = StateCounts;

export async function followBatch(
  api: ApiClient,
  batchId: number,
  options: { quiet: boolean; timeoutMs: number; signal?: AbortSignal },
): Promise<BatchCounts> {
  const bar = options.quiet
    ? undefined
    : new SingleBar({
        format:
          'batch {batch} [{bar}] {value}/{total} done · {succeeded} verified · {failed} failed · {waiting} waiting',
        noTTYOutput: true,
        notTTYSchedule: 1000,
        stream: process.stderr,
        hideCursor: true,
      });
  const until = Date.now() + options.timeoutMs;
  let counts = await api.get<BatchCounts>(`/api/v1/batches/${batchId}`);
  bar?.start(counts.total, 0, { batch: batchId, succeeded: 0, failed: 0, waiting: counts.total });
  try {
    for (;;) {
      const waiting = counts.queued + counts.running + counts.deferred;
      bar?.update(counts.total - waiting, { succeeded: counts.succeeded, failed: counts.failed, waiting });
      if (waiting === 0 || Date.now() > until || options.signal?.aborted === true) return counts;
      await new Promise((resolve) => setTimeout(resolve, 400));
      counts = await api.get<BatchCounts>(`/api/v1/batches/${batchId}`);
    }
  } finally {
    bar?.stop();
  }
}
