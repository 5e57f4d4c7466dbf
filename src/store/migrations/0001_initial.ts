/**
 * Migration 0001: the whole data model of DESIGN.md §4, written once for SQLite and PostgreSQL.
 * Never edit a migration that has shipped: add the next numbered file instead.
 */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from './index.js';

/** Table builder with an auto-increment integer primary key `id` in the dialect's own form. */
function withId<T extends string>(
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
  table: T,
): CreateTableBuilder<T, 'id'> {
  return db.schema
    .createTable(table)
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    );
}

export const initial: Migration = {
  id: '0001_initial',
  async up(db, dialect) {
    await withId(db, dialect, 'libraries')
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('root_path', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db, dialect, 'player_groups')
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('skip_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('busy_policy', 'text', (c) => c.notNull().defaultTo('defer'))
      .addColumn('max_deferral_ms', 'bigint', (c) => c.notNull().defaultTo(6 * 3600_000))
      .addColumn('full_scan_fallback', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('shared_database', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('clean_guard', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('group_libraries')
      .addColumn('group_id', 'integer', (c) => c.notNull().references('player_groups.id').onDelete('cascade'))
      .addColumn('library_id', 'integer', (c) => c.notNull().references('libraries.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('group_libraries_pk', ['group_id', 'library_id'])
      .execute();

    await withId(db, dialect, 'players')
      .addColumn('group_id', 'integer', (c) => c.notNull().references('player_groups.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('http_port', 'integer', (c) => c.notNull())
      .addColumn('ws_port', 'integer')
      .addColumn('username', 'text')
      .addColumn('password', 'text')
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('players_group').on('players').column('group_id').execute();

    await withId(db, dialect, 'path_mappings')
      .addColumn('group_id', 'integer', (c) => c.notNull().references('player_groups.id').onDelete('cascade'))
      .addColumn('manager_prefix', 'text', (c) => c.notNull())
      .addColumn('kodi_prefix', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('path_mappings_group_prefix', ['group_id', 'manager_prefix'])
      .execute();

    await withId(db, dialect, 'items')
      .addColumn('library_id', 'integer', (c) => c.references('libraries.id').onDelete('set null'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('imdb', 'text')
      .addColumn('tmdb', 'text')
      .addColumn('tvdb', 'text')
      .addColumn('title', 'text')
      .addColumn('year', 'integer')
      .addColumn('season', 'integer')
      .addColumn('episode', 'integer')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // One item per file, except a multi-episode file: one row per episode of it. NULLs never collide in a
    // unique index, so movies (no season/episode) are keyed through coalesce.
    await db.schema
      .createIndex('items_identity')
      .on('items')
      .unique()
      .expression(sql`path, coalesce(season, -1), coalesce(episode, -1)`)
      .execute();

    await db.schema
      .createTable('item_sync')
      .addColumn('item_id', 'integer', (c) => c.notNull().references('items.id').onDelete('cascade'))
      .addColumn('group_id', 'integer', (c) => c.notNull().references('player_groups.id').onDelete('cascade'))
      .addColumn('kodi_id', 'integer')
      .addColumn('kodi_file', 'text')
      .addColumn('revision_applied', 'integer')
      .addColumn('verified_at', 'bigint')
      .addColumn('evidence', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('item_sync_pk', ['item_id', 'group_id'])
      .execute();

    await withId(db, dialect, 'batches')
      .addColumn('label', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db, dialect, 'jobs')
      .addColumn('lane', 'integer', (c) => c.notNull().references('player_groups.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('item_id', 'integer', (c) => c.references('items.id').onDelete('set null'))
      .addColumn('batch_id', 'integer', (c) => c.references('batches.id').onDelete('set null'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('last_error', 'text')
      .addColumn('error_class', 'text')
      .addColumn('run_after', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('first_deferred_at', 'bigint')
      .addColumn('first_failed_at', 'bigint')
      .addColumn('wake_on', 'text')
      .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // The queue's core rule, held by the database across processes: one running job per lane.
    await db.schema
      .createIndex('jobs_one_running_per_lane')
      .on('jobs')
      .column('lane')
      .unique()
      .where(sql.ref('state'), '=', 'running')
      .execute();
    // Coalescing: at most one waiting job per (item, lane); a newer event updates it.
    await db.schema
      .createIndex('jobs_one_waiting_per_item_lane')
      .on('jobs')
      .columns(['item_id', 'lane'])
      .unique()
      .where(sql<boolean>`state in ('queued', 'deferred') and item_id is not null`)
      .execute();
    await db.schema
      .createIndex('jobs_claimable')
      .on('jobs')
      .columns(['lane', 'priority desc', 'run_after', 'id'])
      .where(sql<boolean>`state in ('queued', 'deferred')`)
      .execute();
    await db.schema.createIndex('jobs_state_finished').on('jobs').columns(['state', 'finished_at']).execute();
    await db.schema.createIndex('jobs_batch').on('jobs').column('batch_id').execute();
    await db.schema.createIndex('jobs_item').on('jobs').column('item_id').execute();

    await withId(db, dialect, 'job_steps')
      .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('call', 'text', (c) => c.notNull())
      .addColumn('answer', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('job_steps_job').on('job_steps').column('job_id').execute();

    await withId(db, dialect, 'scheduled_tasks')
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('group_id', 'integer', (c) => c.references('player_groups.id').onDelete('cascade'))
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db, dialect, 'task_runs')
      .addColumn('task_id', 'integer', (c) =>
        c.notNull().references('scheduled_tasks.id').onDelete('cascade'),
      )
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('outcome', 'text')
      .addColumn('report', 'text')
      .execute();
    await db.schema
      .createIndex('task_runs_task')
      .on('task_runs')
      .columns(['task_id', 'started_at'])
      .execute();

    await withId(db, dialect, 'notification_channels')
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db, dialect, 'activity')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('payload', 'text')
      .addColumn('outcome', 'text')
      .execute();
    await db.schema.createIndex('activity_at').on('activity').column('at').execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
