/**
 * Migration 0002: `item_sync.user_data_snapshot` — the watched state (playcount, last played, resume, rating, date
 * added) read from Kodi before a refresh or a replacement changes it, kept until the job that took it succeeds, so a
 * retry after a crash restores from it (src/sync/user-data.ts).
 */
import type { Migration } from './index.js';

export const userDataSnapshot: Migration = {
  id: '0002_user_data_snapshot',
  async up(db) {
    await db.schema.alterTable('item_sync').addColumn('user_data_snapshot', 'text').execute();
  },
};
