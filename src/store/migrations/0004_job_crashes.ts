/**
 * Migration 0004: `jobs.crashes` — how many times a job's worker stopped without finishing it (its lease expired
 * while it ran: a crash, a kill, a hang). The reaper fails a job at the queue's limit instead of running it again
 * (a poison job must not take the service down forever).
 */
import type { Migration } from './index.js';

export const jobCrashes: Migration = {
  id: '0004_job_crashes',
  async up(db) {
    await db.schema
      .alterTable('jobs')
      .addColumn('crashes', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
