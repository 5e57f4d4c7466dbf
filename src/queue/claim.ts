/**
 * Claiming: the best eligible job of a lane with nothing running, in one statement.
 *
 * Per lane the top job is found through the index (lane, priority desc, run_after, id), so a claim stays
 * cheap with many thousands of jobs waiting; across lanes the best of those wins (priority, then age).
 * SQLite runs it inside BEGIN IMMEDIATE (writers are serialised). PostgreSQL locks the chosen row with
 * FOR UPDATE SKIP LOCKED so concurrent claimers take different jobs; two claimers that pick different
 * jobs of the same free lane are stopped by the unique index jobs(lane) WHERE state='running' — the loser
 * gets a unique violation and simply tries again, now seeing the lane busy.
 */
import { sql, type Selectable } from 'kysely';
import type { Store } from '../store/open.js';
import type { JobsTable } from '../store/schema.js';
import { isUniqueViolation, writeTransaction, type Tx } from '../store/transaction.js';
import type { JobKinds } from './enqueue.js';
import { handOver, waitingFollowUp } from './handover.js';

export interface ClaimOptions {
  /** Only these lanes (player group ids); all lanes when absent. */
  lanes?: readonly number[] | undefined;
  leaseMs: number;
}

const MAX_CONTENDED_TRIES = 5;

function claimStatement(
  db: Tx,
  dialect: Store['dialect'],
  workerId: string,
  options: ClaimOptions,
  now: number,
) {
  const laneFilter = options.lanes ? sql`and g.id in (${sql.join(options.lanes)})` : sql``;
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const pick = sql`
    select j.id from jobs j
    where j.state in ('queued', 'deferred') and j.id in (
      select (select w.id from jobs w
              where w.lane = g.id and w.state in ('queued', 'deferred') and w.run_after <= ${now}
              order by w.priority desc, w.run_after, w.id limit 1)
      from player_groups g
      where not exists (select 1 from jobs r where r.lane = g.id and r.state = 'running') ${laneFilter})
    order by j.priority desc, j.run_after, j.id
    limit 1 ${lock}`;
  return sql<Selectable<JobsTable>>`
    update jobs set state = 'running', lease_owner = ${workerId}, lease_expires_at = ${now + options.leaseMs},
      attempts = attempts + 1, started_at = ${now}, updated_at = ${now}
    where state in ('queued', 'deferred') and id = (${pick})
    returning *`.execute(db);
}

/** Claims one job for `workerId`, or returns undefined when no lane has an eligible job. */
export async function claimJob(
  store: Store,
  workerId: string,
  options: ClaimOptions,
): Promise<Selectable<JobsTable> | undefined> {
  if (options.lanes?.length === 0) return undefined;
  for (let attempt = 1; ; attempt++) {
    const now = Date.now();
    try {
      const result =
        store.dialect === 'sqlite'
          ? await writeTransaction(store.db, 'sqlite', (tx) =>
              claimStatement(tx, 'sqlite', workerId, options, now),
            )
          : await claimStatement(store.db, 'postgres', workerId, options, now);
      return result.rows[0];
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= MAX_CONTENDED_TRIES) throw error;
    }
  }
}

/** The error a job gets when its worker stopped without finishing it `crashes` times. */
export function poisonMessage(crashes: number, now: number): string {
  return (
    `its worker stopped without finishing it ${crashes} times (a crash, a kill or a hang; the last lease expired at ` +
    `${new Date(now).toISOString()}), so it is not run again: it could take the service down each time. Look in the ` +
    `log around those times for the cause, then retry the job`
  );
}

/**
 * Running jobs whose lease expired (their worker died or hung): each counts a crash, recorded as a step; below
 * `maxCrashes` it goes back to the queue — or hands over to the follow-up waiting for its item (handover.ts) —, at
 * the limit it fails (a poison job). Returns the rows as written (a handed-over job as requeued, ended cancelled).
 */
export async function reapExpired(
  store: Store,
  maxCrashes: number,
  kinds: JobKinds,
  now = Date.now(),
): Promise<{ requeued: Selectable<JobsTable>[]; failed: Selectable<JobsTable>[] }> {
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const expired = await tx
      .selectFrom('jobs')
      .selectAll()
      .where('state', '=', 'running')
      .where('lease_expires_at', '<', now)
      .execute();
    const requeued: Selectable<JobsTable>[] = [];
    const failed: Selectable<JobsTable>[] = [];
    for (const job of expired) {
      const crashes = job.crashes + 1;
      const poisoned = crashes >= maxCrashes;
      const followUp = poisoned ? undefined : await waitingFollowUp(tx, job);
      const row = followUp
        ? await handOver(tx, kinds, job, followUp, {
            why: `its worker stopped without finishing it (crash ${crashes})`,
            now,
            crashes,
          })
        : await tx
            .updateTable('jobs')
            .set({
              crashes,
              lease_owner: null,
              lease_expires_at: null,
              updated_at: now,
              ...(poisoned
                ? {
                    state: 'failed',
                    finished_at: now,
                    error_class: 'permanent',
                    last_error: poisonMessage(crashes, now),
                  }
                : { state: 'queued', run_after: now }),
            })
            .where('id', '=', job.id)
            .where('state', '=', 'running')
            .where('lease_expires_at', '<', now)
            .returningAll()
            .executeTakeFirst();
      if (!row) continue;
      // In the same transaction: the process that reaps may claim the job next and die at once (a poison job).
      await tx
        .insertInto('job_steps')
        .values({
          job_id: row.id,
          at: now,
          call: 'worker lost',
          answer: `crash ${crashes}: the lease expired while the job ran (worker crashed, killed or hung)${poisoned ? '; failed' : followUp ? `; handed over to job ${followUp.id}` : '; queued again'}`,
          duration_ms: 0,
        })
        .execute();
      (poisoned ? failed : requeued).push(row);
    }
    return { requeued, failed };
  });
}
