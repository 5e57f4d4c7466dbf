/** The store's public surface: open the database, and one repository module per table group. */
export { openStore, SQLITE_FILE_NAME, type Store, type StoreOptions } from './open.js';
export {
  writeTransaction,
  writeTransactionWithRetry,
  isUniqueViolation,
  type Dialect,
  type Tx,
} from './transaction.js';
export type * from './schema.js';
export {
  DatabaseFullError,
  DatabaseUnavailableError,
  isTransientDatabaseError,
  asDatabaseError,
} from './errors.js';
export * from './libraries.js';
export * from './groups.js';
export * from './players.js';
export * from './group-rules.js';
export * from './path-mappings.js';
export * from './items.js';
export * from './item-sync.js';
export * from './desired-state.js';
export * from './activity.js';
export * from './notification-channels.js';
export * from './scheduled-tasks.js';
export * from './task-occurrences.js';
export * from './settings.js';
export * from './ui-sessions.js';
export * from './health.js';
