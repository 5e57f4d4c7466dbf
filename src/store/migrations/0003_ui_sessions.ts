/**
 * Migration 0003: web UI sign-in sessions. Only the SHA-256 of the session token is stored (a stolen
 * database does not sign anyone in); each session has its own CSRF token and an expiry.
 */
import type { Migration } from './index.js';

export const uiSessions: Migration = {
  id: '0003_ui_sessions',
  async up(db) {
    await db.schema
      .createTable('ui_sessions')
      .addColumn('token_sha256', 'text', (c) => c.primaryKey())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ui_sessions_expires_at').on('ui_sessions').column('expires_at').execute();
  },
};
