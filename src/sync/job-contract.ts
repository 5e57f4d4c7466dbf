/**
 * The contract of a 'sync-item' job, in one place: its kind, its payload (the item, and the manager paths of the
 * old files it replaces), how the handler reads it, and how the queue folds a new payload into the waiting job
 * of the same (item, lane): the union of `replaces`, so an earlier upgrade's old file is still removed.
 */
import { z } from 'zod';
import type { EnqueueInput, JobKind } from '../queue/index.js';
import { PermanentError } from '../util/errors.js';

export const SYNC_JOB_KIND = 'sync-item';

/** Most replaced files one job carries (an upgrade replaces one; a merged rename chain a few). */
export const MAX_REPLACES = 100;

export const syncJobPayload = z
  .object({
    itemId: z.number().int().positive(),
    /** Manager paths of the files the item replaces (their Kodi entries are carried over, then removed). */
    replaces: z.array(z.string().min(1)).max(MAX_REPLACES).optional(),
  })
  .strict();

export type SyncJobPayload = z.infer<typeof syncJobPayload>;

/** The payload of a job for `itemId`, `replaces` left out when empty. */
export function syncPayload(itemId: number, replaces: readonly string[] = []): SyncJobPayload {
  const unique = [...new Set(replaces)];
  return { itemId, ...(unique.length > 0 && { replaces: unique }) };
}

/** What the queue needs to enqueue the job of one item on one lane (player group). */
export function syncJobInput(
  lane: number,
  itemId: number,
  replaces: readonly string[] = [],
): Omit<EnqueueInput, 'batchId'> {
  return { lane, kind: SYNC_JOB_KIND, itemId, payload: syncPayload(itemId, replaces) };
}

/** Waiting and new payload of one (item, lane): the new one, with every replaced path of both. */
export function mergeSyncPayloads(waiting: unknown, incoming: unknown): SyncJobPayload {
  const before = waiting as SyncJobPayload;
  const after = incoming as SyncJobPayload;
  return syncPayload(after.itemId, [...(before.replaces ?? []), ...(after.replaces ?? [])]);
}

/** The kind as the queue registers it. */
export const syncJobKind: JobKind = { payload: syncJobPayload, merge: mergeSyncPayloads };

/** The parts of a queue job the contract reads. */
interface SyncJobLike {
  id: number;
  itemId: number | null;
  payload: unknown;
}

/** The item a job reconciles: payload.itemId, else the job's item column. */
export function itemIdOf(job: SyncJobLike): number {
  const parsed = syncJobPayload.partial().safeParse(job.payload);
  const id = parsed.success && parsed.data.itemId !== undefined ? parsed.data.itemId : job.itemId;
  if (id === null) throw new PermanentError(`job ${job.id} names no item (payload.itemId missing)`);
  return id;
}

/** Manager paths of the old files this item replaces. */
export function replacesOf(job: SyncJobLike): string[] {
  const parsed = syncJobPayload.partial().safeParse(job.payload);
  return parsed.success ? (parsed.data.replaces ?? []) : [];
}
