/**
 * Adding jobs: validation (nothing is written when anything is wrong) and coalescing per (item, lane).
 *
 * Coalescing: at most one *waiting* job (queued or deferred) exists per (item, lane) — the database holds
 * this with a partial unique index. A new job for the same pair updates that job (kind, payload, priority,
 * batch) instead of adding one. Its payload becomes the kind's `merge(waiting, new)` when the kind has one
 * (else the new payload), computed inside the enqueue transaction with the waiting row locked, so two
 * concurrent enqueues cannot lose each other's part. A queued job keeps its place when it is already due; one that was waiting
 * out a transient backoff is due now (the new event is a reason to try again) with its failure streak
 * reset. A deferred job stays deferred (whoever is watching is still watching; the wake-up still comes).
 * A running job is never touched: the new job is queued behind it in the same lane.
 */
import type { Selectable } from 'kysely';
import type { Store } from '../store/open.js';
import { requireInt, requireJson, requireText } from '../store/rows.js';
import type { JobsTable } from '../store/schema.js';
import { writeTransactionWithRetry, type Dialect, type Tx } from '../store/transaction.js';
import { NotFoundError, ValidationError } from '../util/errors.js';
import type { EnqueueInput } from './types.js';

/** What the queue needs from a payload schema (a zod schema fits). */
export interface PayloadSchema {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: unknown }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * A job kind: the schema its payload must match, and how a new payload folds into the waiting job of the
 * same (item, lane). `merge` receives both payloads already checked against `payload`; its result is
 * checked again. Without `merge` the new payload replaces the waiting one.
 */
export interface JobKind {
  payload: PayloadSchema;
  merge?: (waiting: unknown, incoming: unknown) => unknown;
}

export type JobKinds = ReadonlyMap<string, JobKind>;

/** A bare schema registers a kind without a merge. */
export function toJobKind(definition: PayloadSchema | JobKind): JobKind {
  return 'safeParse' in definition ? { payload: definition } : definition;
}

export const MAX_PAYLOAD_CHARS = 64_000;

export interface CheckedInput {
  lane: number;
  kind: string;
  itemId: number | null;
  payload: string;
  priority: number;
  batchId: number | null;
}

/** The payload checked against its kind's schema, as stored; throws a ValidationError naming the field. */
function checkedPayload(kind: string, definition: JobKind, value: unknown): string {
  const parsed = definition.payload.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['payload', ...(issue?.path ?? []).map(String)].join('.');
    throw new ValidationError(field, `${field}: ${issue?.message ?? 'invalid'} (job kind "${kind}")`);
  }
  const payload = requireJson('payload', parsed.data);
  if (payload.length > MAX_PAYLOAD_CHARS) {
    throw new ValidationError(
      'payload',
      `payload is ${payload.length} characters; the limit is ${MAX_PAYLOAD_CHARS}`,
    );
  }
  return payload;
}

function kindOf(kinds: JobKinds, kind: string): JobKind {
  const definition = kinds.get(kind);
  if (!definition) {
    throw new ValidationError(
      'kind',
      `unknown job kind "${kind}"; known kinds: ${[...kinds.keys()].join(', ')}`,
    );
  }
  return definition;
}

/** Validates one input against the known kinds; throws a ValidationError naming the field. */
export function checkInput(input: EnqueueInput, kinds: JobKinds): CheckedInput {
  const kind = requireText('kind', input.kind);
  const payload = checkedPayload(kind, kindOf(kinds, kind), input.payload);
  return {
    lane: requireInt('lane', input.lane, 1),
    kind,
    itemId: input.itemId == null ? null : requireInt('itemId', input.itemId, 1),
    payload,
    priority: input.priority === undefined ? 0 : requireInt('priority', input.priority, -1000, 1000),
    batchId: input.batchId == null ? null : requireInt('batchId', input.batchId, 1),
  };
}

/** Throws a NotFoundError naming the field when a referenced lane, item or batch does not exist. */
export async function checkReferences(tx: Tx, inputs: readonly CheckedInput[]): Promise<void> {
  const lanes = [...new Set(inputs.map((i) => i.lane))];
  const foundLanes = await tx.selectFrom('player_groups').select('id').where('id', 'in', lanes).execute();
  const missingLane = lanes.find((lane) => !foundLanes.some((row) => row.id === lane));
  if (missingLane !== undefined) throw new NotFoundError('player group (field "lane")', missingLane);

  const items = [...new Set(inputs.flatMap((i) => (i.itemId === null ? [] : [i.itemId])))];
  if (items.length > 0) {
    const found = await tx.selectFrom('items').select('id').where('id', 'in', items).execute();
    const missing = items.find((id) => !found.some((row) => row.id === id));
    if (missing !== undefined) throw new NotFoundError('item (field "itemId")', missing);
  }
  const batches = [...new Set(inputs.flatMap((i) => (i.batchId === null ? [] : [i.batchId])))];
  if (batches.length > 0) {
    const found = await tx.selectFrom('batches').select('id').where('id', 'in', batches).execute();
    const missing = batches.find((id) => !found.some((row) => row.id === id));
    if (missing !== undefined) throw new NotFoundError('batch (field "batchId")', missing);
  }
}

/**
 * The payload a coalesced job ends with: the kind's merge of the waiting and the new payload (both of this
 * kind), else the new one. A waiting payload of another kind, or one that no longer matches the schema,
 * is not merged.
 */
export function coalescedPayload(
  kinds: JobKinds,
  input: Pick<CheckedInput, 'kind' | 'payload'>,
  waiting: { kind: string; payload: string },
): string {
  const definition = kindOf(kinds, input.kind);
  if (!definition.merge || waiting.kind !== input.kind) return input.payload;
  const before = definition.payload.safeParse(JSON.parse(waiting.payload));
  if (!before.success) return input.payload;
  const merged = definition.merge(before.data, JSON.parse(input.payload));
  return checkedPayload(input.kind, definition, merged);
}

/** Inserts one checked job, or updates the waiting job of the same (item, lane). */
export async function insertOrCoalesce(
  tx: Tx,
  dialect: Dialect,
  kinds: JobKinds,
  input: CheckedInput,
  now: number,
): Promise<{ row: Selectable<JobsTable>; coalesced: boolean }> {
  if (input.itemId !== null) {
    let query = tx
      .selectFrom('jobs')
      .select(['id', 'kind', 'state', 'run_after', 'batch_id', 'payload'])
      .where('item_id', '=', input.itemId)
      .where('lane', '=', input.lane)
      .where('state', 'in', ['queued', 'deferred']);
    // PostgreSQL: lock the waiting row so a concurrent enqueue merges into this one's result, not into the
    // payload both read (READ COMMITTED re-reads the row after the lock). SQLite: BEGIN IMMEDIATE already
    // serialises writers.
    if (dialect === 'postgres') query = query.forUpdate();
    const waiting = await query.executeTakeFirst();
    if (waiting) {
      const backingOff = waiting.state === 'queued' && waiting.run_after > now;
      const row = await tx
        .updateTable('jobs')
        .set({
          kind: input.kind,
          payload: coalescedPayload(kinds, input, waiting),
          priority: input.priority,
          batch_id: input.batchId ?? waiting.batch_id,
          updated_at: now,
          ...(backingOff && { run_after: now, failures: 0, first_failed_at: null }),
        })
        .where('id', '=', waiting.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { row, coalesced: true };
    }
  }
  const row = await tx
    .insertInto('jobs')
    .values({
      lane: input.lane,
      kind: input.kind,
      item_id: input.itemId,
      batch_id: input.batchId,
      state: 'queued',
      priority: input.priority,
      payload: input.payload,
      result: null,
      last_error: null,
      error_class: null,
      run_after: now,
      created_at: now,
      updated_at: now,
      started_at: null,
      finished_at: null,
      lease_owner: null,
      lease_expires_at: null,
      first_deferred_at: null,
      first_failed_at: null,
      wake_on: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, coalesced: false };
}

/** Runs `body` in a write transaction, again when a concurrent enqueue of the same new (item, lane) won. */
export function withCoalescingRetry<T>(store: Store, body: (tx: Tx) => Promise<T>): Promise<T> {
  return writeTransactionWithRetry(store.db, store.dialect, body);
}
