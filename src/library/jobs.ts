/**
 * The queue's job kinds and one handler for all of them: library jobs (the clean) run here, every other kind goes
 * to the sync engine's handler. Steps are recorded as the sync handler records them (the job's audit trail).
 */
import type { Logger } from 'pino';
import type { JobKind } from '../queue/index.js';
import { syncJobKinds, type SyncJob, type SyncJobContext } from '../sync/handler.js';
import { StepRecorder } from '../sync/steps.js';
import { CLEAN_JOB_KIND, cleanJobKind, runCleanJob, type CleanDeps } from './clean.js';

export const allJobKinds: Record<string, JobKind> = { ...syncJobKinds, [CLEAN_JOB_KIND]: cleanJobKind };

export type JobHandlerFn = (job: SyncJob, ctx: SyncJobContext) => Promise<unknown>;

export function createJobHandler(
  deps: CleanDeps & { logger?: Logger },
  syncHandler: JobHandlerFn,
): JobHandlerFn {
  return async (job, ctx) => {
    if (job.kind !== CLEAN_JOB_KIND) return syncHandler(job, ctx);
    const steps = new StepRecorder(
      (batch) =>
        ctx.addSteps
          ? ctx.addSteps(batch)
          : Promise.all(batch.map((s) => ctx.step(s.call, s.answer, s.durationMs))),
      (error) => deps.logger?.warn({ err: error, job: job.id }, 'recording a step failed'),
    );
    try {
      return await runCleanJob(deps, job, steps, ctx.signal);
    } finally {
      await steps.flush();
    }
  };
}
