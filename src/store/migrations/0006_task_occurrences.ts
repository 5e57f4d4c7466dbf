/**
 * Migration 0006: the scheduler's claim per occurrence (`task_occurrences`, primary key task + occurrence time):
 * with several service processes on one PostgreSQL database, the one whose insert wins runs the occurrence, the
 * others skip it — a lease in the database, not a timer per process. `task_runs.group_id` records which player
 * group a run served (a clean or drift task for all groups runs once per group).
 */
import type { Migration } from './index.js';

export const taskOccurrences: Migration = {
  id: '0006_task_occurrences',
  async up(db) {
    await db.schema
      .createTable('task_occurrences')
      .addColumn('task_id', 'integer', (c) =>
        c.notNull().references('scheduled_tasks.id').onDelete('cascade'),
      )
      .addColumn('occurrence_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_by', 'text', (c) => c.notNull())
      .addColumn('claimed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('task_occurrences_pk', ['task_id', 'occurrence_at'])
      .execute();
    await db.schema
      .alterTable('task_runs')
      .addColumn('group_id', 'integer', (c) => c.references('player_groups.id').onDelete('set null'))
      .execute();
  },
};
