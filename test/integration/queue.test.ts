import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobQueue, LeaseLostError, Worker, type Job, type QueueChange } from '../../src/queue/index.js';
import { createItem, createPlayerGroup } from '../../src/store/index.js';
import { newWorkerId } from '../../src/queue/worker-id.js';
import { StepRecorder } from '../../src/sync/steps.js';
import {
  BusyError,
  NotFoundError,
  PermanentError,
  TransientError,
  ValidationError,
} from '../../src/util/errors.js';
import { DATABASE_KINDS, useTestDatabase } from '../fixtures/databases.js';

const kinds = { sync: z.object({ path: z.string().min(1) }), clean: z.object({}) };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

describe.each(DATABASE_KINDS)('job queue on %s', (kind) => {
  const t = useTestDatabase(kind);
  let counter = 0;
  const queue = () => new JobQueue(t.store, { kinds });
  const newLane = async () => (await createPlayerGroup(t.store.db, { name: `group ${++counter}` })).id;
  const newItem = async () =>
    (await createItem(t.store.db, { kind: 'movie', path: `/m/${++counter}.mkv`, state: 'published' })).id;
  const countRows = async (table: 'jobs' | 'batches') =>
    Number(
      (
        await t.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const makeDue = (jobId: number) =>
    t.store.db
      .updateTable('jobs')
      .set({ run_after: Date.now() - 1 })
      .where('id', '=', jobId)
      .execute();

  it('claims by priority, then age, and never two running jobs in one lane', async () => {
    const q = queue();
    const [a, b] = [await newLane(), await newLane()];
    const low = await q.enqueue({ lane: a, kind: 'sync', payload: { path: '/low' } });
    const high = await q.enqueue({ lane: a, kind: 'sync', payload: { path: '/high' }, priority: 5 });
    const other = await q.enqueue({ lane: b, kind: 'sync', payload: { path: '/other' } });

    const first = await q.claim('w1', { lanes: [a], leaseMs: 10_000 });
    expect(first?.id).toBe(high.id);
    expect(await q.claim('w2', { lanes: [a], leaseMs: 10_000 })).toBeUndefined();
    expect((await q.claim('w2', { lanes: [a, b], leaseMs: 10_000 }))?.id).toBe(other.id);

    // The database itself refuses a second running job in the lane, whatever a process believes.
    await expect(
      t.store.db.updateTable('jobs').set({ state: 'running' }).where('id', '=', low.id).execute(),
    ).rejects.toThrow(/unique|duplicate/i);

    await q.succeed(high.id, 'w1', { ok: true });
    expect((await q.claim('w1', { lanes: [a], leaseMs: 10_000 }))?.id).toBe(low.id);
  });

  it('fills several slots in one claim: the best job of each free lane, best first, never two of one lane', async () => {
    const q = queue();
    const [a, b, c, busy] = [await newLane(), await newLane(), await newLane(), await newLane()];
    const lanes = [a, b, c, busy];
    const aOld = await q.enqueue({ lane: a, kind: 'sync', payload: { path: '/a1' } });
    await q.enqueue({ lane: a, kind: 'sync', payload: { path: '/a2' } });
    const bUrgent = await q.enqueue({ lane: b, kind: 'sync', payload: { path: '/b' }, priority: 5 });
    const cNext = await q.enqueue({ lane: c, kind: 'sync', payload: { path: '/c' } });
    const running = await q.enqueue({ lane: busy, kind: 'sync', payload: { path: '/busy1' } });
    await q.enqueue({ lane: busy, kind: 'sync', payload: { path: '/busy2' } });
    expect((await q.claim('w0', { lanes: [busy], leaseMs: 10_000 }))?.id).toBe(running.id);

    const claimed = await q.claimMany('w1', { lanes, leaseMs: 10_000, limit: 8 });
    expect(claimed.map((job) => job.id)).toEqual([bUrgent.id, aOld.id, cNext.id]);
    expect(claimed.every((job) => job.state === 'running' && job.attempts === 1)).toBe(true);
    // Every free lane is taken now; the busy lane's second job waits for its first.
    expect(await q.claimMany('w2', { lanes, leaseMs: 10_000, limit: 8 })).toEqual([]);

    await q.succeed(aOld.id, 'w1', null);
    await q.succeed(running.id, 'w0', null);
    const next = await q.claimMany('w2', { lanes, leaseMs: 10_000, limit: 1 });
    expect(next).toHaveLength(1);
    expect([a, busy]).toContain(next[0]?.lane);
  });

  it('coalesces a new job for the same item and lane into the waiting one, and queues behind a running one', async () => {
    const q = queue();
    const lane = await newLane();
    const item = await newItem();
    const before = await countRows('jobs');
    const first = await q.enqueue({ lane, kind: 'sync', itemId: item, payload: { path: '/v1' } });
    const second = await q.enqueue({
      lane,
      kind: 'sync',
      itemId: item,
      payload: { path: '/v2' },
      priority: 3,
    });
    expect(second).toMatchObject({ id: first.id, coalesced: true, priority: 3, payload: { path: '/v2' } });
    expect(await countRows('jobs')).toBe(before + 1);

    const running = await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    expect(running?.payload).toEqual({ path: '/v2' });
    const followUp = await q.enqueue({ lane, kind: 'sync', itemId: item, payload: { path: '/v3' } });
    expect(followUp.coalesced).toBe(false);
    expect((await q.getJob(first.id)).payload).toEqual({ path: '/v2' });
    expect(await q.claim('w', { lanes: [lane], leaseMs: 10_000 })).toBeUndefined();
    await q.succeed(first.id, 'w', null);
    expect((await q.claim('w', { lanes: [lane], leaseMs: 10_000 }))?.id).toBe(followUp.id);
  });

  describe('a run that must wait again while a follow-up for its item waits behind it', () => {
    const paths = z.object({ paths: z.array(z.string()) });
    const mergingQueue = () =>
      new JobQueue(t.store, {
        kinds: {
          tagged: {
            payload: paths,
            merge: (waiting, incoming) => ({
              paths: [
                ...(waiting as z.infer<typeof paths>).paths,
                ...(incoming as z.infer<typeof paths>).paths,
              ],
            }),
          },
        },
      });
    /** A running job of a fresh (lane, item) with a follow-up queued behind it. */
    const runningWithFollowUp = async (q: JobQueue, leaseMs = 10_000) => {
      const [lane, itemId] = [await newLane(), await newItem()];
      const run = await q.enqueue({ lane, itemId, kind: 'tagged', payload: { paths: ['/old'] } });
      await q.claim('w', { lanes: [lane], leaseMs });
      const followUp = await q.enqueue({ lane, itemId, kind: 'tagged', payload: { paths: ['/new'] } });
      expect(followUp.coalesced).toBe(false);
      return { lane, run, followUp };
    };
    const expectHandedOver = async (q: JobQueue, runId: number, followUpId: number, lane: number) => {
      const ended = await q.getJob(runId);
      expect(ended.state).toBe('cancelled');
      expect(ended.lastError).toContain(`handed over to job ${followUpId}`);
      expect((await q.getJob(followUpId)).payload).toEqual({ paths: ['/old', '/new'] });
      expect((await q.claim('w2', { lanes: [lane], leaseMs: 10_000 }))?.id).toBe(followUpId);
    };

    it('hands over to the follow-up on a transient failure, its payload merged, and the lane goes on', async () => {
      const q = mergingQueue();
      const { lane, run, followUp } = await runningWithFollowUp(q);
      const ended = await q.fail(run.id, 'w', new TransientError('Kodi unreachable'));
      expect(ended?.state).toBe('cancelled');
      await expectHandedOver(q, run.id, followUp.id, lane);
    });

    it('hands over to the follow-up when busy', async () => {
      const q = mergingQueue();
      const { lane, run, followUp } = await runningWithFollowUp(q);
      await q.fail(run.id, 'w', new BusyError('someone is watching', ['player-stopped']));
      await expectHandedOver(q, run.id, followUp.id, lane);
    });

    it('hands over to the follow-up when its lease expired, carrying the crash count', async () => {
      const q = mergingQueue();
      const { lane, run, followUp } = await runningWithFollowUp(q, 30);
      await sleep(50);
      expect(await q.reap()).toBeGreaterThanOrEqual(1);
      await expectHandedOver(q, run.id, followUp.id, lane);
      expect((await q.getJob(followUp.id)).crashes).toBe(1);
    });

    it('hands over to the follow-up when its worker releases it', async () => {
      const q = mergingQueue();
      const { lane, run, followUp } = await runningWithFollowUp(q);
      await q.release(run.id, 'w');
      await expectHandedOver(q, run.id, followUp.id, lane);
    });
  });

  it('a new event makes a job waiting out a transient backoff due now', async () => {
    const q = queue();
    const lane = await newLane();
    const item = await newItem();
    const job = await q.enqueue({ lane, kind: 'sync', itemId: item, payload: { path: '/a' } });
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    const failed = await q.fail(job.id, 'w', new TransientError('Kodi unreachable'));
    expect(failed?.runAfter).toBeGreaterThan(Date.now() + 1_000);
    const again = await q.enqueue({ lane, kind: 'sync', itemId: item, payload: { path: '/a' } });
    expect(again).toMatchObject({ id: job.id, coalesced: true, failures: 0 });
    expect(again.runAfter).toBeLessThanOrEqual(Date.now());
  });

  it('defers a busy job until a matching wake, keeping the start of the busy streak', async () => {
    const q = queue();
    const lane = await newLane();
    const job = await q.enqueue({ lane, kind: 'sync', payload: { path: '/playing' } });
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    const deferred = await q.fail(
      job.id,
      'w',
      new BusyError('movie is playing on tv-1', ['player-stopped'], 3_600_000),
    );
    expect(deferred).toMatchObject({ state: 'deferred', wakeOn: ['player-stopped'] });
    const firstDeferredAt = deferred?.firstDeferredAt;
    expect(firstDeferredAt).toBeTypeOf('number');
    expect(await q.claim('w', { lanes: [lane], leaseMs: 10_000 })).toBeUndefined();

    expect(await q.wake(lane, 'scan-finished')).toBe(0);
    expect(await q.wake(lane, 'player-stopped')).toBe(1);
    const again = await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    expect(again?.id).toBe(job.id);
    await sleep(5);
    const second = await q.fail(job.id, 'w', new BusyError('still playing', [], 60_000));
    expect(second?.firstDeferredAt).toBe(firstDeferredAt);
    // No wake reason given: the timer (retryAfterMs) brings it back — once its time has come.
    expect(second?.runAfter).toBeGreaterThan(Date.now() + 30_000);
    expect(await q.claim('w', { lanes: [lane], leaseMs: 10_000 })).toBeUndefined();
    await makeDue(job.id);
    expect((await q.claim('w', { lanes: [lane], leaseMs: 10_000 }))?.id).toBe(job.id);
    await q.succeed(job.id, 'w', null);
    // wake without a reason wakes every deferred job of the lane.
    const other = await q.enqueue({ lane, kind: 'sync', payload: { path: '/x' } });
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    await q.fail(other.id, 'w', new BusyError('scan running', ['scan-finished'], 3_600_000));
    expect(await q.wake(lane)).toBe(1);
  });

  it('backs off transient failures exponentially up to the cap, then gives up after the horizon with the last message', async () => {
    const q = new JobQueue(t.store, {
      kinds,
      backoff: { baseMs: 1_000, factor: 2, maxDelayMs: 4_000, giveUpAfterMs: 20_000, jitter: 0.2 },
      random: () => 0.5, // the middle of the jitter range: exactly the nominal delay
    });
    const lane = await newLane();
    const job = await q.enqueue({ lane, kind: 'sync', payload: { path: '/off' } });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await makeDue(job.id);
      await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
      const before = Date.now();
      const after = await q.fail(job.id, 'w', new TransientError(`Kodi tv-1 unreachable (try ${i + 1})`));
      expect(after?.state).toBe('queued');
      // To the nearest 500 ms: a loaded machine may take a while between `before` and the queue's own clock.
      delays.push(Math.round(((after?.runAfter ?? 0) - before) / 500) * 500);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 4_000]);

    // The streak began 19 s ago: the next try (4 s away) would land past the 20 s horizon.
    await t.store.db
      .updateTable('jobs')
      .set({ first_failed_at: Date.now() - 19_000 })
      .where('id', '=', job.id)
      .execute();
    await makeDue(job.id);
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    const final = await q.fail(job.id, 'w', new TransientError('Kodi tv-1 unreachable (try 5)'));
    expect(final?.state).toBe('failed');
    expect(final?.lastError).toMatch(/gave up after 5 tries.*try 5/);
  });

  it('fails a permanent error (and an unknown one) at once with its message', async () => {
    const q = queue();
    const lane = await newLane();
    const a = await q.enqueue({ lane, kind: 'sync', payload: { path: '/a' } });
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    const failed = await q.fail(
      a.id,
      'w',
      new PermanentError('Kodi tv-1 refused the password: fix it in the player settings'),
    );
    expect(failed).toMatchObject({
      state: 'failed',
      errorClass: 'permanent',
    });
    expect(failed?.lastError).toContain('refused');
    const b = await q.enqueue({ lane, kind: 'sync', payload: { path: '/b' } });
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    expect(await q.fail(b.id, 'w', new Error('bug'))).toMatchObject({ state: 'failed' });
    expect(await q.retry(a.id)).toMatchObject({ state: 'queued', failures: 0 });
  });

  it('rejects bad input naming the field and writes nothing', async () => {
    const q = queue();
    const lane = await newLane();
    const jobs = await countRows('jobs');
    const batches = await countRows('batches');
    await expect(q.enqueue({ lane: 987_654, kind: 'sync', payload: { path: '/a' } })).rejects.toThrow(
      /player group \(field "lane"\) 987654/,
    );
    await expect(q.enqueue({ lane: 987_654, kind: 'sync', payload: { path: '/a' } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(q.enqueue({ lane, kind: 'sync', itemId: 876_543, payload: { path: '/a' } })).rejects.toThrow(
      /itemId/,
    );
    await expect(q.enqueue({ lane, kind: 'frobnicate', payload: {} })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(q.enqueue({ lane, kind: 'frobnicate', payload: {} })).rejects.toMatchObject({
      field: 'kind',
    });
    await expect(q.enqueue({ lane, kind: 'sync', payload: { path: 42 } })).rejects.toMatchObject({
      field: 'payload.path',
    });
    await expect(
      q.enqueue({ lane: 'one' as unknown as number, kind: 'sync', payload: { path: '/a' } }),
    ).rejects.toMatchObject({
      field: 'lane',
    });
    await expect(
      q.enqueueBatch([
        { lane, kind: 'sync', payload: { path: '/ok' } },
        { lane, kind: 'sync', payload: {} },
      ]),
    ).rejects.toMatchObject({ field: 'jobs[1].payload.path' });
    await expect(
      q.enqueueBatch([
        { lane, kind: 'sync', payload: { path: '/ok' } },
        { lane: 987_654, kind: 'sync', payload: { path: '/ok' } },
      ]),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await countRows('jobs')).toBe(jobs);
    expect(await countRows('batches')).toBe(batches);
    await expect(q.cancel(999_999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(q.batchProgress(999_999)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports batch progress per group and cancels waiting and running jobs', async () => {
    const q = queue();
    const [a, b] = [await newLane(), await newLane()];
    const { batchId, jobs } = await q.enqueueBatch(
      [
        { lane: a, kind: 'sync', payload: { path: '/1' } },
        { lane: a, kind: 'sync', payload: { path: '/2' } },
        { lane: a, kind: 'sync', payload: { path: '/3' } },
        { lane: b, kind: 'sync', payload: { path: '/4' } },
        { lane: b, kind: 'sync', payload: { path: '/5' } },
      ],
      { label: 'publish 5' },
    );
    const [j1, j2, j3, j4, j5] = jobs.map((j) => j.id) as [number, number, number, number, number];
    await q.claim('w', { lanes: [a], leaseMs: 10_000 });
    await q.succeed(j1, 'w', null);
    await q.claim('w', { lanes: [a], leaseMs: 10_000 });
    await q.fail(j2, 'w', new PermanentError('nope'));
    await q.claim('w', { lanes: [b], leaseMs: 10_000 });
    await q.fail(j4, 'w', new BusyError('playing', ['player-stopped'], 60_000));
    await q.claim('w', { lanes: [b], leaseMs: 10_000 }); // j5 runs
    const progress = await q.batchProgress(batchId);
    expect(progress).toMatchObject({
      label: 'publish 5',
      total: 5,
      succeeded: 1,
      failed: 1,
      queued: 1,
      deferred: 1,
      running: 1,
    });
    expect(progress.lanes).toEqual([
      { lane: a, total: 3, succeeded: 1, failed: 1, queued: 1, running: 0, deferred: 0, cancelled: 0 },
      { lane: b, total: 2, succeeded: 0, failed: 0, queued: 0, running: 1, deferred: 1, cancelled: 0 },
    ]);

    expect(await q.cancelBatch(batchId)).toEqual({ cancelled: 2, requested: 1 });
    expect((await q.getJob(j3)).state).toBe('cancelled');
    expect((await q.getJob(j5)).cancelRequested).toBe(true);
    expect(await q.heartbeat(j5, 'w', 10_000)).toEqual({ held: true, cancelRequested: true });
    expect((await q.succeed(j5, 'w', null))?.state).toBe('cancelled');
    expect(await q.batchProgress(batchId)).toMatchObject({
      succeeded: 1,
      failed: 1,
      cancelled: 3,
      running: 0,
    });
    await expect(q.cancel(j1)).rejects.toMatchObject({ field: 'jobId' });
    expect(await q.retryBatch(batchId)).toEqual({ retried: 4, skipped: 0 });
  });

  it('cancelling a running job aborts its handler and the job ends cancelled', async () => {
    const q = queue();
    const lane = await newLane();
    let sawAbort = false;
    const worker = new Worker(
      q,
      async (_job, ctx) => {
        await new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            resolve();
          });
        });
        sawAbort = true;
        throw new TransientError('aborted');
      },
      { lanes: [lane], pollMs: 50, leaseMs: 5_000 },
    );
    worker.start();
    try {
      const job = await q.enqueue({ lane, kind: 'sync', payload: { path: '/long' } });
      await until(async () => (await q.getJob(job.id)).state === 'running');
      await q.cancel(job.id);
      await until(async () => (await q.getJob(job.id)).state === 'cancelled');
      expect(sawAbort).toBe(true);
    } finally {
      await worker.stop();
    }
  });

  it("merges 50 concurrent enqueues into the waiting job with the kind's merge, losing none", async () => {
    const tags = z.object({ tags: z.array(z.string()) });
    const q = new JobQueue(t.store, {
      kinds: {
        tagged: {
          payload: tags,
          merge: (waiting, incoming) => ({
            tags: [...(waiting as z.infer<typeof tags>).tags, ...(incoming as z.infer<typeof tags>).tags],
          }),
        },
      },
    });
    const [lane, itemId] = [await newLane(), await newItem()];
    const sent = Array.from({ length: 50 }, (_, i) => `tag-${i}`);
    await Promise.all(
      sent.map((tag) => q.enqueue({ lane, itemId, kind: 'tagged', payload: { tags: [tag] } })),
    );
    const waiting = await q.listJobs({ itemId, states: ['queued'] });
    expect(waiting).toHaveLength(1);
    expect([...(waiting[0]?.payload as { tags: string[] }).tags].sort()).toEqual([...sent].sort());
  });

  it('aborts the handler with LeaseLostError when another worker takes its job over', async () => {
    const q = queue();
    const lane = await newLane();
    let reason: unknown;
    const worker = new Worker(
      q,
      async (_job, ctx) => {
        await new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            resolve();
          });
        });
        reason = ctx.signal.reason;
        throw reason;
      },
      { lanes: [lane], pollMs: 50, leaseMs: 3_000, heartbeatMs: 50 },
    );
    worker.start();
    try {
      const job = await q.enqueue({ lane, kind: 'sync', payload: { path: '/stolen' } });
      await until(async () => (await q.getJob(job.id)).state === 'running');
      // A reaper elsewhere gave the stalled job to another worker.
      await t.store.db
        .updateTable('jobs')
        .set({ lease_owner: 'other-worker' })
        .where('id', '=', job.id)
        .execute();
      await until(() => reason !== undefined);
      expect(reason).toBeInstanceOf(LeaseLostError);
      // The lost run's outcome is dropped: the job is still the other worker's.
      await sleep(100);
      expect(await q.getJob(job.id)).toMatchObject({ state: 'running', leaseOwner: 'other-worker' });
    } finally {
      await worker.stop();
    }
  });

  it('runs several lanes at once, one job per lane, records steps, and publishes changes', async () => {
    const q = queue();
    const lanes = [await newLane(), await newLane(), await newLane()];
    const changes: QueueChange[] = [];
    const off = q.onChange((c) => {
      changes.push(c);
    });
    const active = new Map<number, number>();
    let maxTotal = 0;
    let overlap = false;
    const worker = new Worker(
      q,
      async (job: Job, ctx) => {
        active.set(job.lane, (active.get(job.lane) ?? 0) + 1);
        if ((active.get(job.lane) ?? 0) > 1) overlap = true;
        maxTotal = Math.max(
          maxTotal,
          [...active.values()].reduce((s, n) => s + n, 0),
        );
        await sleep(60);
        await ctx.step('VideoLibrary.Scan', { result: 'OK', pad: 'x'.repeat(5_000) }, 60);
        active.set(job.lane, (active.get(job.lane) ?? 1) - 1);
        return { done: job.id };
      },
      { lanes, concurrency: 3, pollMs: 1_000 },
    );
    worker.start();
    try {
      const { batchId } = await q.enqueueBatch(
        lanes.flatMap((lane) =>
          [1, 2].map((n) => ({ lane, kind: 'sync', payload: { path: `/${lane}/${n}` } })),
        ),
      );
      await until(async () => (await q.batchProgress(batchId)).succeeded === 6);
      expect(overlap).toBe(false);
      expect(maxTotal).toBe(3);
      const [job] = await q.listJobs({ batchId, limit: 1 });
      const detail = await q.getJob(job?.id ?? 0);
      expect(detail.result).toEqual({ done: detail.id });
      expect(detail.steps).toHaveLength(1);
      expect(detail.steps[0]?.call).toBe('VideoLibrary.Scan');
      expect(detail.steps[0]?.answer?.length).toBeLessThanOrEqual(2_001);
      expect(changes.map((c) => c.reason)).toEqual(
        expect.arrayContaining(['enqueued', 'claimed', 'succeeded']),
      );
    } finally {
      off();
      await worker.stop();
    }
  });

  it('writes several steps of a job at once, keeping their order, times and durations', async () => {
    const q = queue();
    const job = await q.enqueue({ lane: await newLane(), kind: 'sync', payload: { path: '/steps' } });
    // Times deliberately not ascending: each step keeps its own `at`, the order is the order given.
    const steps = [
      { call: 'JSONRPC.Ping', answer: 'pong', durationMs: 1.4, at: 1_700_000_000_300 },
      { call: 'VideoLibrary.Scan', answer: { result: 'OK' }, durationMs: 12, at: 1_700_000_000_100 },
      { call: 'wait for scan', durationMs: 250.6, at: 1_700_000_000_200 },
    ];
    await q.addSteps(job.id, steps);
    await q.addSteps(job.id, []);
    await q.addSteps(job.id, [{ call: 'VideoLibrary.GetMovies', answer: '1 movie', durationMs: 3, at: 1 }]);
    const written = (await q.getJob(job.id)).steps;
    expect(written.map((s) => [s.call, s.answer, s.durationMs, s.at])).toEqual([
      ['JSONRPC.Ping', 'pong', 1, 1_700_000_000_300],
      ['VideoLibrary.Scan', '{"result":"OK"}', 12, 1_700_000_000_100],
      ['wait for scan', null, 251, 1_700_000_000_200],
      ['VideoLibrary.GetMovies', '1 movie', 3, 1],
    ]);
  });

  it("shows a running job's buffered steps before it ends, and every step once it has", async () => {
    const q = queue();
    const lane = await newLane();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const worker = new Worker(
      q,
      async (_job: Job, ctx) => {
        const steps = new StepRecorder((batch) => ctx.addSteps(batch), undefined, 50);
        try {
          steps.note('JSONRPC.Ping', 'pong', 2);
          steps.note('VideoLibrary.Scan', 'OK', 5);
          await gate;
          steps.note('VideoLibrary.GetMovies', '1 movie', 7);
          return { ok: true };
        } finally {
          await steps.flush();
        }
      },
      { lanes: [lane], pollMs: 1_000 },
    );
    worker.start();
    try {
      const job = await q.enqueue({ lane, kind: 'sync', payload: { path: '/live' } });
      await until(async () => (await q.getJob(job.id)).steps.length === 2);
      const live = await q.getJob(job.id);
      expect(live.state).toBe('running');
      expect(live.steps.map((s) => s.call)).toEqual(['JSONRPC.Ping', 'VideoLibrary.Scan']);
      release();
      await until(async () => (await q.getJob(job.id)).state === 'succeeded');
      const done = await q.getJob(job.id);
      expect(done.steps.map((s) => [s.call, s.durationMs])).toEqual([
        ['JSONRPC.Ping', 2],
        ['VideoLibrary.Scan', 5],
        ['VideoLibrary.GetMovies', 7],
      ]);
      expect(done.steps.every((s, i) => i === 0 || s.at >= (done.steps[i - 1]?.at ?? 0))).toBe(true);
    } finally {
      release();
      await worker.stop();
    }
  });

  it('returns at once a job whose worker process on this machine is gone (SQLite), never one of a live process', async () => {
    const q = queue();
    const [deadLane, liveLane] = [await newLane(), await newLane()];
    const orphan = await q.enqueue({ lane: deadLane, kind: 'sync', payload: { path: '/orphan' } });
    const alive = await q.enqueue({ lane: liveLane, kind: 'sync', payload: { path: '/alive' } });
    const exited = spawnSync(process.execPath, ['-e', 'process.pid']);
    const deadWorker = `${hostname()}:${String(exited.pid)}:0123abcd`;
    await q.claim(deadWorker, { lanes: [deadLane], leaseMs: 3_600_000 });
    await q.claim(newWorkerId(), { lanes: [liveLane], leaseMs: 3_600_000 });

    const reaped = await q.reap();
    if (kind === 'sqlite') {
      expect(reaped).toBe(1);
      const returned = await q.getJob(orphan.id);
      expect(returned).toMatchObject({ state: 'queued', crashes: 1 });
      expect(returned.steps.map((step) => step.answer).join(' ')).toMatch(/worker process is gone/);
    } else {
      // Other machines may share the host name on PostgreSQL: only the lease's expiry counts there.
      expect(reaped).toBe(0);
      expect((await q.getJob(orphan.id)).state).toBe('running');
    }
    expect((await q.getJob(alive.id)).state).toBe('running');
  });

  it('returns a job whose lease expired, and drops the outcome of the worker that lost it', async () => {
    const q = queue();
    const lane = await newLane();
    const job = await q.enqueue({ lane, kind: 'sync', payload: { path: '/stall' } });
    await q.claim('stalled', { lanes: [lane], leaseMs: 30 });
    await sleep(50);
    expect(await q.reap()).toBeGreaterThanOrEqual(1);
    expect((await q.getJob(job.id)).state).toBe('queued');
    expect((await q.claim('fresh', { lanes: [lane], leaseMs: 10_000 }))?.id).toBe(job.id);
    expect(await q.succeed(job.id, 'stalled', 'late')).toBeUndefined();
    expect(await q.heartbeat(job.id, 'stalled', 10_000)).toEqual({ held: false, cancelRequested: false });
    expect((await q.succeed(job.id, 'fresh', 'mine'))?.result).toBe('mine');
  });

  it('stop() lets a short job finish and hands a stuck one back to the queue after the bound', async () => {
    const q = queue();
    const [quick, stuck] = [await newLane(), await newLane()];
    const worker = new Worker(
      q,
      async (job, ctx) => {
        if (job.lane === quick) return sleep(80);
        await new Promise((resolve) => {
          ctx.signal.addEventListener('abort', resolve);
        });
        throw new TransientError('stopped');
      },
      { lanes: [quick, stuck], pollMs: 50, stopTimeoutMs: 300 },
    );
    worker.start();
    const a = await q.enqueue({ lane: quick, kind: 'sync', payload: { path: '/q' } });
    const b = await q.enqueue({ lane: stuck, kind: 'sync', payload: { path: '/s' } });
    await until(
      async () =>
        (await q.listJobs({ states: ['running'] })).filter((j) => j.id === a.id || j.id === b.id).length ===
        2,
    );
    await worker.stop();
    expect((await q.getJob(a.id)).state).toBe('succeeded');
    expect(await q.getJob(b.id)).toMatchObject({ state: 'queued', leaseOwner: null, failures: 0 });
  });

  it('prunes finished jobs after the retention period, failed ones later', async () => {
    const q = new JobQueue(t.store, { kinds, retention: { finishedDays: 7, failedDays: 30 } });
    const lane = await newLane();
    const ok = await q.enqueue({ lane, kind: 'sync', payload: { path: '/ok' } });
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    await q.succeed(ok.id, 'w', null);
    const bad = await q.enqueue({ lane, kind: 'sync', payload: { path: '/bad' } });
    await q.claim('w', { lanes: [lane], leaseMs: 10_000 });
    await q.fail(bad.id, 'w', new PermanentError('bad'));
    const day = 24 * 3600_000;
    await q.prune(Date.now() + 8 * day);
    await expect(q.getJob(ok.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await q.getJob(bad.id)).state).toBe('failed');
    await q.prune(Date.now() + 31 * day);
    await expect(q.getJob(bad.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it.runIf(kind === 'postgres')('delivers changes to another process through LISTEN/NOTIFY', async () => {
    const otherStore = await t.database.open();
    const other = new JobQueue(otherStore, { kinds });
    await other.start();
    try {
      const seen: QueueChange[] = [];
      other.onChange((c) => {
        seen.push(c);
      });
      const lane = await newLane();
      const job = await queue().enqueue({ lane, kind: 'sync', payload: { path: '/n' } });
      await until(() => seen.some((c) => c.jobId === job.id && c.reason === 'enqueued'), 5_000);
      // The listener survives its connection being killed: it reconnects and says so.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where query like 'LISTEN%' and pid <> pg_backend_pid()`.execute(
        t.store.db,
      );
      await until(() => seen.some((c) => c.reason === 'resync'), 10_000);
      const next = await queue().enqueue({ lane, kind: 'sync', payload: { path: '/n2' } });
      await until(() => seen.some((c) => c.jobId === next.id), 5_000);
      // One claim of several jobs tells the other process about each of them.
      const lanes = [await newLane(), await newLane(), await newLane()];
      for (const [n, l] of lanes.entries())
        await queue().enqueue({ lane: l, kind: 'sync', payload: { path: `/many${n}` } });
      const claimed = await queue().claimMany('w', { lanes, leaseMs: 10_000, limit: 3 });
      expect(claimed).toHaveLength(3);
      await until(
        () => claimed.every((job) => seen.some((c) => c.jobId === job.id && c.reason === 'claimed')),
        5_000,
      );
    } finally {
      await other.close();
      await otherStore.close();
    }
  });
});
