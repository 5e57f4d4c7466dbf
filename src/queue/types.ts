/** The queue's public shapes: jobs as callers see them, inputs, progress and change events. */
import type { Selectable } from 'kysely';
import type { JobState, JobsTable } from '../store/schema.js';
import type { RetryClass, WakeReason } from '../util/errors.js';

export type { JobState } from '../store/schema.js';

export interface Job {
  id: number;
  /** The player group id: one job at a time runs per lane. */
  lane: number;
  kind: string;
  itemId: number | null;
  batchId: number | null;
  state: JobState;
  priority: number;
  /** Times a handler was started on it. */
  attempts: number;
  /** Times its worker stopped without finishing it (crash, kill, hang): at the queue's limit it fails. */
  crashes: number;
  /** Consecutive transient failures (the backoff exponent). */
  failures: number;
  payload: unknown;
  result: unknown;
  lastError: string | null;
  errorClass: RetryClass | null;
  runAfter: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** When the current busy streak began: the engine compares it with the group's maximum deferral. */
  firstDeferredAt: number | null;
  /** When the current transient streak began: the give-up horizon counts from here. */
  firstFailedAt: number | null;
  wakeOn: WakeReason[];
  cancelRequested: boolean;
}

export interface JobStep {
  id: number;
  jobId: number;
  at: number;
  call: string;
  answer: string | null;
  durationMs: number;
}

export interface JobWithSteps extends Job {
  steps: JobStep[];
}

export interface EnqueueInput {
  lane: number;
  kind: string;
  itemId?: number | null;
  payload: unknown;
  /** Higher runs first; default 0. */
  priority?: number;
  batchId?: number | null;
}

/** An enqueued job; `coalesced` when it updated a job that was already waiting for the same (item, lane). */
export interface EnqueuedJob extends Job {
  coalesced: boolean;
}

export interface StateCounts {
  total: number;
  queued: number;
  running: number;
  deferred: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface BatchProgress extends StateCounts {
  batchId: number;
  label: string | null;
  createdAt: number;
  /** The same counts per lane (player group). */
  lanes: (StateCounts & { lane: number })[];
}

export interface JobFilter {
  lane?: number;
  states?: JobState[];
  batchId?: number;
  itemId?: number;
  kind?: string;
  /** Newest first; page with `beforeId`. Default 100. */
  limit?: number;
  beforeId?: number;
}

export type ChangeReason =
  | 'enqueued'
  | 'claimed'
  | 'succeeded'
  | 'failed'
  | 'retrying'
  | 'deferred'
  | 'woken'
  | 'cancelled'
  | 'cancel-requested'
  | 'retried'
  | 'reaped'
  | 'released'
  | 'pruned'
  /** The cross-process feed reconnected: events may have been missed, re-read what you show. */
  | 'resync';

export interface QueueChange {
  reason: ChangeReason;
  jobId?: number;
  lane?: number;
  batchId?: number | null;
  /** How many jobs one change touched (batch enqueue, wake, cancel of a batch…). */
  count?: number;
}

export type ChangeListener = (change: QueueChange) => void;

export function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    lane: row.lane,
    kind: row.kind,
    itemId: row.item_id,
    batchId: row.batch_id,
    state: row.state,
    priority: row.priority,
    attempts: row.attempts,
    crashes: row.crashes,
    failures: row.failures,
    payload: JSON.parse(row.payload) as unknown,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    lastError: row.last_error,
    errorClass: row.error_class as RetryClass | null,
    runAfter: row.run_after,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at === null ? null : row.started_at,
    finishedAt: row.finished_at === null ? null : row.finished_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : row.lease_expires_at,
    firstDeferredAt: row.first_deferred_at === null ? null : row.first_deferred_at,
    firstFailedAt: row.first_failed_at === null ? null : row.first_failed_at,
    wakeOn: row.wake_on === null ? [] : (JSON.parse(row.wake_on) as WakeReason[]),
    cancelRequested: row.cancel_requested !== 0,
  };
}
