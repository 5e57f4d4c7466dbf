/**
 * Claiming: the best eligible jobs of lanes with nothing running — at most one per lane — in one statement.
 *
 * Per lane the top job is found through the index (lane, priority desc, run_after, id), so a claim stays
 * cheap with many thousands of jobs waiting; across lanes the best of those win (priority, then age), up to
 * `limit` of them: a worker with several free slots fills them with one statement instead of one per slot
 * (with 500 lanes most of a claim's cost is visiting the lanes, whatever the number of jobs it takes).
 * SQLite runs it inside BEGIN IMMEDIATE (writers are serialised). PostgreSQL locks the chosen rows with
 * FOR UPDATE SKIP LOCKED so concurrent claimers take different jobs (a lane whose top job another claimer
 * holds is skipped, not served with its second job); two claimers that pick different jobs of the same free
 * lane (their snapshots differ) are stopped by the unique index jobs(lane) WHERE state='running' — the loser
 * gets a unique violation and simply tries again, now seeing the lane busy.
 */
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { Store } from '../store/open.js';
import type { Database, JobsTable } from '../store/schema.js';
import { isUniqueViolation, writeTransaction, type Tx } from '../store/transaction.js';
import type { JobKinds } from './enqueue.js';
import { handOver, waitingFollowUp } from './handover.js';

export interface ClaimOptions {
  /** Only these lanes (player group ids); all lanes when absent. */
  lanes?: readonly number[] | undefined;
  leaseMs: number;
  /** At most this many jobs, each of another lane (default 1). */
  limit?: number | undefined;
}

const MAX_CONTENDED_TRIES = 5;

/** The ids of the jobs to claim. Both forms pick each free lane's top due job, then the best `limit` of those. */
function pickStatement(dialect: Store['dialect'], options: ClaimOptions, now: number, limit: number) {
  const laneFilter = options.lanes ? sql`and g.id in (${sql.join(options.lanes)})` : sql``;
  if (dialect === 'postgres') {
    // A lateral join visits each lane once, and `not in` hashes the running lanes once; the form below made
    // PostgreSQL look each lane's top job up three times and hash every waiting job (7.7 → 1.7 ms, 500 lanes).
    return sql`
      select j.id from player_groups g
      cross join lateral (
        select w.id, w.priority, w.run_after from jobs w
        where w.lane = g.id and w.state in ('queued', 'deferred') and w.run_after <= ${now}
        order by w.priority desc, w.run_after, w.id limit 1) top
      join jobs j on j.id = top.id
      where j.state in ('queued', 'deferred')
        and g.id not in (select r.lane from jobs r where r.state = 'running') ${laneFilter}
      order by top.priority desc, top.run_after, top.id
      limit ${limit} for update of j skip locked`;
  }
  // SQLite has no LATERAL; its planner runs the correlated subquery once per lane. The unary + keeps it from
  // reading every waiting job through the state index to match a handful of ids (0.53 → 0.06 ms with 10,000
  // jobs waiting): the ids are looked up by rowid.
  return sql`
    select j.id from jobs j
    where +j.state in ('queued', 'deferred') and j.id in (
      select (select w.id from jobs w
              where w.lane = g.id and w.state in ('queued', 'deferred') and w.run_after <= ${now}
              order by w.priority desc, w.run_after, w.id limit 1)
      from player_groups g
      where not exists (select 1 from jobs r where r.lane = g.id and r.state = 'running') ${laneFilter})
    order by j.priority desc, j.run_after, j.id
    limit ${limit}`;
}

function claimStatement(
  db: Tx,
  dialect: Store['dialect'],
  workerId: string,
  options: ClaimOptions,
  now: number,
) {
  const limit = Math.max(1, Math.floor(options.limit ?? 1));
  // On SQLite the + (as in pickStatement) has the picked ids looked up by rowid; PostgreSQL has no unary + on text.
  const waiting =
    dialect === 'sqlite' ? sql`+state in ('queued', 'deferred')` : sql`state in ('queued', 'deferred')`;
  return sql<Selectable<JobsTable>>`
    update jobs set state = 'running', lease_owner = ${workerId}, lease_expires_at = ${now + options.leaseMs},
      attempts = attempts + 1, started_at = ${now}, updated_at = ${now}
    where id in (${pickStatement(dialect, options, now, limit)}) and ${waiting}
    returning *`.execute(db);
}

/** Best first: the order the claim chose them in (RETURNING keeps no order). */
function byRank(a: Selectable<JobsTable>, b: Selectable<JobsTable>): number {
  return b.priority - a.priority || a.run_after - b.run_after || a.id - b.id;
}

/** Claims up to `options.limit` jobs (one per lane) for `workerId`, best first; empty when none is eligible. */
export async function claimJobs(
  store: Store,
  workerId: string,
  options: ClaimOptions,
): Promise<Selectable<JobsTable>[]> {
  if (options.lanes?.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    const now = Date.now();
    try {
      const result =
        store.dialect === 'sqlite'
          ? await writeTransaction(store.db, 'sqlite', (tx) =>
              claimStatement(tx, 'sqlite', workerId, options, now),
            )
          : await claimStatement(store.db, 'postgres', workerId, options, now);
      return result.rows.sort(byRank);
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
/** The lease owners of the running jobs (worker-id.ts decides which of them are gone). */
export async function runningOwners(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('jobs')
    .select('lease_owner')
    .distinct()
    .where('state', '=', 'running')
    .where('lease_owner', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.lease_owner === null ? [] : [row.lease_owner]));
}

export async function reapExpired(
  store: Store,
  maxCrashes: number,
  kinds: JobKinds,
  now = Date.now(),
  goneOwners: readonly string[] = [],
): Promise<{ requeued: Selectable<JobsTable>[]; failed: Selectable<JobsTable>[] }> {
  const lost = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    goneOwners.length === 0
      ? eb('lease_expires_at', '<', now)
      : eb.or([eb('lease_expires_at', '<', now), eb('lease_owner', 'in', goneOwners)]);
  return writeTransaction(store.db, store.dialect, async (tx) => {
    const expired = await tx
      .selectFrom('jobs')
      .selectAll()
      .where('state', '=', 'running')
      .where(lost)
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
            .where(lost)
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
          answer: `crash ${crashes}: ${(job.lease_expires_at ?? 0) < now ? 'the lease expired while the job ran (worker crashed, killed or hung)' : 'its worker process is gone (killed or crashed)'}${poisoned ? '; failed' : followUp ? `; handed over to job ${followUp.id}` : '; queued again'}`,
          duration_ms: 0,
        })
        .execute();
      (poisoned ? failed : requeued).push(row);
    }
    return { requeued, failed };
  });
}
