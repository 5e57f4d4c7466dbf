/**
 * The ordered list of migrations. Append only: a new schema change is a new numbered file added here.
 */
import type { Kysely } from 'kysely';
import { initial } from './0001_initial.js';
import { userDataSnapshot } from './0002_user_data_snapshot.js';
import { uiSessions } from './0003_ui_sessions.js';
import { jobCrashes } from './0004_job_crashes.js';
import { taskOccurrences } from './0006_task_occurrences.js';

export interface Migration {
  /** Sorts and identifies the migration: `NNNN_what`. */
  id: string;
  up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void>;
}

export const migrations: readonly Migration[] = [
  initial,
  userDataSnapshot,
  uiSessions,
  jobCrashes,
  taskOccurrences,
];
