/**
 * A job's evidence says how long it waited on Kodi (`kodiMs`) and how long it took (`totalMs`). Kodi calls made at
 * the same time (waiting for an idle library while listing a folder) count once, so Kodi's share can never be
 * larger than the job's own time — which it was when the durations of parallel calls were summed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { StepRecorder, type RecordedStep } from '../../src/sync/steps.js';

describe('time spent in Kodi calls', () => {
  it('counts calls in flight together once, never more than the time that passed', async () => {
    const steps = new StepRecorder(() => undefined);
    const started = performance.now();
    await Promise.all([
      steps.call('VideoLibrary.Scan', () => sleep(60)),
      steps.call('Files.GetDirectory', () => sleep(60)),
      steps.call('XBMC.GetInfoBooleans', () => sleep(60)),
    ]);
    const elapsed = performance.now() - started;
    expect(steps.kodiMs).toBeGreaterThanOrEqual(55);
    expect(steps.kodiMs).toBeLessThanOrEqual(elapsed);
  });

  it('adds calls made one after the other, failed ones included, and not the time between them', async () => {
    const recorded: RecordedStep[] = [];
    const steps = new StepRecorder((batch) => recorded.push(...batch));
    const started = performance.now();
    await steps.call('JSONRPC.Ping', () => sleep(30));
    const gapStarted = performance.now();
    await sleep(80);
    const gap = performance.now() - gapStarted;
    await expect(
      steps.call('VideoLibrary.GetMovies', async () => {
        await sleep(30);
        throw new Error('connection reset');
      }),
    ).rejects.toThrow('connection reset');
    const elapsed = performance.now() - started;
    await steps.flush();
    const sum = recorded.reduce((total, step) => total + step.durationMs, 0);
    // Step durations are rounded to whole milliseconds.
    expect(Math.abs(steps.kodiMs - sum)).toBeLessThanOrEqual(1);
    expect(steps.kodiMs).toBeLessThanOrEqual(elapsed - gap);
  });
});
