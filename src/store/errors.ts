/**
 * Database errors that go away by themselves: the server restarting or unreachable (PostgreSQL 57P01
 * admin shutdown, 57P02 crash shutdown, 57P03 starting up / shutting down, class 08 connection exceptions,
 * a refused or reset socket, pg's "Connection terminated"), a serialisation failure or deadlock (40001,
 * 40P01), too many connections (53300), and SQLite's BUSY/LOCKED (another process held the write lock past
 * busy_timeout). They become a `DatabaseUnavailableError`, a TransientError: a job that meets one while
 * loading or saving is retried with backoff, never failed for good. Every other database error (constraint
 * violations, syntax, a missing table) keeps its own identity — the unique-violation retries read its `code`.
 * A full disk (SQLITE_FULL, PostgreSQL 53100) is a `DatabaseFullError`: transient too — nothing was written, and
 * it passes once someone frees space — with a message that says so.
 */
import { TransientError } from '../util/errors.js';

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  '57P01',
  '57P02',
  '57P03',
  '40001',
  '40P01',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** pg reports a lost or unusable client without a code; these are its messages. */
const TRANSIENT_MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect/i;

export class DatabaseUnavailableError extends TransientError {
  /** The driver's code (e.g. 57P01, ECONNREFUSED, SQLITE_BUSY), when it gave one. */
  readonly code: string | undefined;

  constructor(cause: unknown, message?: string) {
    const code = codeOf(cause);
    super(
      message ??
        `database unavailable${code === undefined ? '' : ` (${code})`}: ${messageOf(cause)}; retrying`,
      {
        cause,
      },
    );
    this.code = code;
  }
}

/** The database refused a write because its disk (or SQLite's size limit) is full; the write did not happen. */
export class DatabaseFullError extends DatabaseUnavailableError {
  constructor(cause: unknown) {
    super(
      cause,
      `database full (${codeOf(cause) ?? 'disk full'}: ${messageOf(cause)}): nothing was written; free disk space ` +
        `where the database is kept (the data directory, or the PostgreSQL server's disk), then it retries`,
    );
  }
}

const FULL_CODES: ReadonlySet<string> = new Set(['SQLITE_FULL', '53100']);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function isTransientItself(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) {
    if (TRANSIENT_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || /^SQLITE_(BUSY|LOCKED)/.test(code))
      return true;
  }
  return error instanceof Error && TRANSIENT_MESSAGES.test(error.message);
}

/** True when `error`, its cause chain or (AggregateError) one of its errors is a passing database condition. */
export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (isTransientItself(error)) return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (cause !== undefined && isTransientDatabaseError(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((e) => isTransientDatabaseError(e, depth + 1));
}

/**
 * The error to throw for a failed database call: a DatabaseFullError for a full disk, a DatabaseUnavailableError
 * when it will pass, else itself.
 */
export function asDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError) return error;
  const code = codeOf(error);
  if (code !== undefined && FULL_CODES.has(code)) return new DatabaseFullError(error);
  return isTransientDatabaseError(error) ? new DatabaseUnavailableError(error) : error;
}
