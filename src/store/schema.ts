/**
 * Row types of every table, as Kysely sees them (snake_case columns, DESIGN.md §4).
 *
 * Portable representation, identical on SQLite and PostgreSQL:
 * - times are UTC epoch milliseconds (`bigint` on PostgreSQL, read back as numbers by store/open.ts);
 * - booleans are integers 0/1 (SQLite has no boolean type);
 * - JSON documents are text, parsed and written by the repositories.
 */
import type { ColumnType, Generated } from 'kysely';

/** An auto-increment id: never written on insert, always read back. */
type Id = Generated<number>;
/** A column with a database default. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type LibraryKind = 'movies' | 'tvshows';
export type BusyPolicy = 'defer' | 'run';
export type ItemKind = 'movie' | 'episode';
export type ItemState = 'published' | 'deleted';
export type JobState = 'queued' | 'running' | 'deferred' | 'succeeded' | 'failed' | 'cancelled';

export interface LibrariesTable {
  id: Id;
  name: string;
  kind: LibraryKind;
  root_path: string;
  created_at: number;
  updated_at: number;
}

export interface PlayerGroupsTable {
  id: Id;
  name: string;
  skip_active: Defaulted<number>;
  busy_policy: Defaulted<BusyPolicy>;
  max_deferral_ms: Defaulted<number>;
  full_scan_fallback: Defaulted<number>;
  shared_database: Defaulted<number>;
  clean_guard: Defaulted<string>;
  created_at: number;
  updated_at: number;
}

export interface GroupLibrariesTable {
  group_id: number;
  library_id: number;
}

export interface PlayersTable {
  id: Id;
  group_id: number;
  name: string;
  host: string;
  http_port: number;
  ws_port: number | null;
  username: string | null;
  password: string | null;
  priority: Defaulted<number>;
  enabled: Defaulted<number>;
  created_at: number;
  updated_at: number;
}

export interface PathMappingsTable {
  id: Id;
  group_id: number;
  manager_prefix: string;
  kodi_prefix: string;
  created_at: number;
}

export interface ItemsTable {
  id: Id;
  library_id: number | null;
  kind: ItemKind;
  path: string;
  imdb: string | null;
  tmdb: string | null;
  tvdb: string | null;
  title: string | null;
  year: number | null;
  season: number | null;
  episode: number | null;
  state: ItemState;
  revision: Defaulted<number>;
  created_at: number;
  updated_at: number;
}

export interface ItemSyncTable {
  item_id: number;
  group_id: number;
  kodi_id: number | null;
  kodi_file: string | null;
  revision_applied: number | null;
  verified_at: number | null;
  evidence: string | null;
  /** JSON: user data read before Kodi was changed, until the job succeeds (migration 0002). */
  user_data_snapshot: string | null;
  updated_at: number;
}

export interface BatchesTable {
  id: Id;
  label: string | null;
  created_at: number;
}

export interface JobsTable {
  id: Id;
  lane: number;
  kind: string;
  item_id: number | null;
  batch_id: number | null;
  state: JobState;
  priority: Defaulted<number>;
  /** Times a handler started on this job (claims). */
  attempts: Defaulted<number>;
  /** Consecutive transient failures: the exponent of the backoff. */
  failures: Defaulted<number>;
  payload: string;
  result: string | null;
  last_error: string | null;
  error_class: string | null;
  run_after: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  first_deferred_at: number | null;
  first_failed_at: number | null;
  wake_on: string | null;
  cancel_requested: Defaulted<number>;
  /** Times the job's worker stopped without finishing it (lease expired while running; migration 0004). */
  crashes: Defaulted<number>;
}

export interface JobStepsTable {
  id: Id;
  job_id: number;
  at: number;
  call: string;
  answer: string | null;
  duration_ms: number;
}

export interface ScheduledTasksTable {
  id: Id;
  name: string;
  kind: string;
  group_id: number | null;
  cron: string;
  timezone: string;
  enabled: Defaulted<number>;
  settings: Defaulted<string>;
  created_at: number;
  updated_at: number;
}

export interface TaskRunsTable {
  id: Id;
  task_id: number;
  started_at: number;
  finished_at: number | null;
  outcome: string | null;
  report: string | null;
  group_id: number | null;
}

export interface TaskOccurrencesTable {
  task_id: number;
  occurrence_at: number;
  claimed_by: string;
  claimed_at: number;
}

export interface NotificationChannelsTable {
  id: Id;
  name: string;
  type: string;
  settings: string;
  events: string;
  enabled: Defaulted<number>;
  created_at: number;
  updated_at: number;
}

export interface ActivityTable {
  id: Id;
  at: number;
  source: string;
  kind: string;
  summary: string;
  payload: string | null;
  outcome: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface UiSessionsTable {
  token_sha256: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface Database {
  libraries: LibrariesTable;
  player_groups: PlayerGroupsTable;
  group_libraries: GroupLibrariesTable;
  players: PlayersTable;
  path_mappings: PathMappingsTable;
  items: ItemsTable;
  item_sync: ItemSyncTable;
  batches: BatchesTable;
  jobs: JobsTable;
  job_steps: JobStepsTable;
  scheduled_tasks: ScheduledTasksTable;
  task_runs: TaskRunsTable;
  task_occurrences: TaskOccurrencesTable;
  notification_channels: NotificationChannelsTable;
  activity: ActivityTable;
  settings: SettingsTable;
  ui_sessions: UiSessionsTable;
}
