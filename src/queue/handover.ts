/**
 * A running job that must wait again — a transient failure, a deferral, a release at shutdown, a reaped lease —
 * while a follow-up for the same (item, lane) already waits behind it (an event that arrived during the run).
 * The database holds at most one waiting job per pair (enqueue.ts), so the run cannot go back to the queue; and
 * it need not: the follow-up reconciles the same item with its newest desired state. The run hands over instead:
 * its payload folds into the follow-up with the kind's merge (an upgrade's old files are still removed), its crash
 * count too (a poison job stays one), and it ends `cancelled`, naming the job that carries on.
 */
import type { Selectable } from 'kysely';
import type { JobsTable } from '../store/schema.js';
import type { Tx } from '../store/transaction.js';
import { coalescedPayload, type JobKinds } from './enqueue.js';

type FollowUp = Pick<Selectable<JobsTable>, 'id' | 'kind' | 'payload' | 'crashes'>;

/** The job waiting behind `job` for the same (item, lane), if any. */
export async function waitingFollowUp(
  tx: Tx,
  job: Pick<Selectable<JobsTable>, 'id' | 'item_id' | 'lane'>,
): Promise<FollowUp | undefined> {
  if (job.item_id === null) return undefined;
  return tx
    .selectFrom('jobs')
    .select(['id', 'kind', 'payload', 'crashes'])
    .where('item_id', '=', job.item_id)
    .where('lane', '=', job.lane)
    .where('state', 'in', ['queued', 'deferred'])
    .where('id', '<>', job.id)
    .executeTakeFirst();
}

/**
 * Folds the running `job` into `followUp` and ends it `cancelled` with `why` and the follow-up's id; returns the
 * ended row, or undefined when the job was no longer running. The caller holds the write transaction.
 */
export async function handOver(
  tx: Tx,
  kinds: JobKinds,
  job: Pick<Selectable<JobsTable>, 'id' | 'kind' | 'payload' | 'crashes'>,
  followUp: FollowUp,
  change: { why: string; now: number; crashes?: number; errorClass?: string },
): Promise<Selectable<JobsTable> | undefined> {
  const crashes = change.crashes ?? job.crashes;
  const ended = await tx
    .updateTable('jobs')
    .set({
      state: 'cancelled',
      finished_at: change.now,
      updated_at: change.now,
      lease_owner: null,
      lease_expires_at: null,
      crashes,
      ...(change.errorClass !== undefined && { error_class: change.errorClass }),
      last_error: `${change.why}; handed over to job ${followUp.id}, queued behind it for the same item, which carries on its work`,
    })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .returningAll()
    .executeTakeFirst();
  if (!ended) return undefined;
  await tx
    .updateTable('jobs')
    .set({
      payload: coalescedPayload(kinds, followUp, job),
      crashes: Math.max(crashes, followUp.crashes),
      updated_at: change.now,
    })
    .where('id', '=', followUp.id)
    .execute();
  return ended;
}
