/**
 * Jobs and batches: lists with filters (state, lane, batch), a job's detail with its steps, batch progress,
 * cancel and retry. Error texts and step answers pass the secret scrubber on their way out.
 */
import { z } from 'zod';
import { listRecentBatchIds } from '../../queue/index.js';
import type { Job, JobWithSteps } from '../../queue/types.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { errors, Id, IdParams, Limit } from './common.js';

const STATES = ['queued', 'running', 'deferred', 'succeeded', 'failed', 'cancelled'] as const;

const StateList = z
  .string()
  .max(200)
  .transform((value) => value.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(STATES, { error: `must be a comma-separated list of ${STATES.join(', ')}` })));

const JobQuery = z.object({
  state: StateList.optional(),
  lane: Id.optional().describe('Player group id'),
  batch: Id.optional(),
  batchId: Id.optional().describe('Same as batch'),
  item: Id.optional(),
  limit: Limit(1000).optional(),
  before: Id.optional().describe('Page: jobs with a smaller id'),
});

export const JobOut = z
  .object({
    id: z.number().int(),
    lane: z.number().int(),
    kind: z.string(),
    itemId: z.number().int().nullable(),
    batchId: z.number().int().nullable(),
    state: z.enum(STATES),
    priority: z.number(),
    attempts: z.number(),
    crashes: z
      .number()
      .describe('Times its worker stopped without finishing it; at 3 the job fails (poison job)'),
    payload: z.unknown(),
    result: z.unknown(),
    lastError: z.string().nullable(),
    errorClass: z.string().nullable(),
    runAfter: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    wakeOn: z.array(z.string()),
    cancelRequested: z.boolean(),
  })
  .meta({ id: 'Job' });

const Step = z.object({
  at: z.number(),
  call: z.string(),
  answer: z.string().nullable(),
  durationMs: z.number(),
});
const JobDetail = JobOut.extend({ steps: z.array(Step) }).meta({ id: 'JobDetail' });

const Counts = {
  total: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  deferred: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
};
export const BatchOut = z
  .object({
    batchId: z.number().int(),
    id: z.number().int(),
    label: z.string().nullable(),
    createdAt: z.number(),
    ...Counts,
    lanes: z.array(z.object({ lane: z.number().int(), ...Counts })),
  })
  .meta({ id: 'Batch' });

export function registerJobRoutes(app: ApiApp, deps: ApiDeps): void {
  const queue = deps.queue;
  const tags = ['jobs'];
  const scrubJob = (job: Job): Job => ({
    ...job,
    lastError: job.lastError === null ? null : deps.secrets.scrub(job.lastError),
  });
  const scrubDetail = (job: JobWithSteps) => ({
    ...scrubJob(job),
    steps: job.steps.map((s) => ({
      at: s.at,
      call: deps.secrets.scrub(s.call),
      answer: s.answer === null ? null : deps.secrets.scrub(s.answer),
      durationMs: s.durationMs,
    })),
  });

  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags,
        summary: 'Jobs, newest first',
        querystring: JobQuery,
        response: { 200: z.array(JobOut), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const batchId = q.batch ?? q.batchId;
      const jobs = await queue.listJobs({
        ...(q.state !== undefined && { states: q.state }),
        ...(q.lane !== undefined && { lane: q.lane }),
        ...(batchId !== undefined && { batchId }),
        ...(q.item !== undefined && { itemId: q.item }),
        ...(q.limit !== undefined && { limit: q.limit }),
        ...(q.before !== undefined && { beforeId: q.before }),
      });
      return jobs.map(scrubJob);
    },
  );
  app.get(
    '/api/v1/jobs/:id',
    { schema: { tags, params: IdParams, response: { 200: JobDetail, ...errors } } },
    async (request) => scrubDetail(await queue.getJob(request.params.id)),
  );
  app.post(
    '/api/v1/jobs/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a waiting job, or ask a running one to stop',
        params: IdParams,
        response: { 200: JobOut, ...errors },
      },
    },
    async (request) => scrubJob(await queue.cancel(request.params.id)),
  );
  app.post(
    '/api/v1/jobs/:id/retry',
    {
      schema: {
        tags,
        summary: 'Queue a failed or cancelled job again',
        params: IdParams,
        response: { 200: JobOut, ...errors },
      },
    },
    async (request) => scrubJob(await queue.retry(request.params.id)),
  );

  const btags = ['batches'];
  app.get(
    '/api/v1/batches',
    {
      schema: {
        tags: btags,
        summary: 'Recent batches with their progress',
        querystring: z.object({ limit: Limit(200).optional() }),
        response: { 200: z.array(BatchOut), ...errors },
      },
    },
    async (request) => {
      const ids = await listRecentBatchIds(deps.store, request.query.limit ?? 20);
      return Promise.all(ids.map(async (id) => ({ id, ...(await queue.batchProgress(id)) })));
    },
  );
  app.get(
    '/api/v1/batches/:id',
    { schema: { tags: btags, params: IdParams, response: { 200: BatchOut, ...errors } } },
    async (request) => ({
      id: request.params.id,
      ...(await queue.batchProgress(request.params.id)),
    }),
  );
  const Counted = z.object({
    cancelled: z.number().int().optional(),
    requested: z.number().int().optional(),
    retried: z.number().int().optional(),
    skipped: z.number().int().optional(),
  });
  app.post(
    '/api/v1/batches/:id/cancel',
    { schema: { tags: btags, params: IdParams, response: { 200: Counted, ...errors } } },
    async (request) => {
      await queue.batchProgress(request.params.id);
      return queue.cancelBatch(request.params.id);
    },
  );
  app.post(
    '/api/v1/batches/:id/retry',
    { schema: { tags: btags, params: IdParams, response: { 200: Counted, ...errors } } },
    async (request) => {
      await queue.batchProgress(request.params.id);
      return queue.retryBatch(request.params.id);
    },
  );
}
