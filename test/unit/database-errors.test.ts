/**
 * Which database failures are weather (DatabaseUnavailableError, retried) and which are verdicts (kept as they
 * are): the table the queue's retry class and the store's driver wrapper rely on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/api/errors.js';
import { jobRetryClass } from '../../src/queue/outcome.js';
import {
  asDatabaseError,
  DatabaseFullError,
  DatabaseUnavailableError,
  isTransientDatabaseError,
} from '../../src/store/errors.js';
import { PermanentError } from '../../src/util/errors.js';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('database errors', () => {
  it.each([
    [
      'admin shutdown (server restart)',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    [
      'crash shutdown',
      withCode('terminating connection because of crash of another server process', '57P02'),
    ],
    ['server starting up', withCode('the database system is starting up', '57P03')],
    ['connection failure', withCode('connection failure', '08006')],
    ['serialisation failure', withCode('could not serialize access', '40001')],
    ['deadlock', withCode('deadlock detected', '40P01')],
    ['refused socket', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['reset socket', withCode('read ECONNRESET', 'ECONNRESET')],
    ['pg client cut off', new Error('Connection terminated unexpectedly')],
    ['SQLite busy', withCode('database is locked', 'SQLITE_BUSY')],
    ['SQLite locked table', withCode('database table is locked', 'SQLITE_LOCKED')],
    [
      'refused on every address',
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed'),
    ],
  ])('%s is transient', (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
    const mapped = asDatabaseError(error);
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect((mapped as DatabaseUnavailableError).retry).toBe('transient');
    expect(jobRetryClass(error)).toBe('transient');
  });

  it.each([
    ['unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['foreign key violation', withCode('violates foreign key constraint', '23503')],
    ['syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['SQLite constraint', withCode('UNIQUE constraint failed: items.path', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['a bug', new TypeError('cannot read properties of undefined')],
  ])('%s keeps its identity and stays permanent', (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
    expect(asDatabaseError(error)).toBe(error);
    expect(jobRetryClass(error)).toBe('permanent');
  });

  it('treats a permanent error caused by a restart as transient', () => {
    const error = new PermanentError('saving the evidence failed', {
      cause: withCode('terminating connection due to administrator command', '57P01'),
    });
    expect(jobRetryClass(error)).toBe('transient');
  });

  it('classes a real SQLITE_BUSY from a second connection as transient', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ks-busy-')), 'busy.db');
    const holder = new Database(file);
    const other = new Database(file, { timeout: 0 });
    holder.exec('create table t (x integer)');
    holder.exec('begin immediate');
    try {
      let caught: unknown;
      try {
        other.exec('begin immediate');
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'SQLITE_BUSY' });
      expect(asDatabaseError(caught)).toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      holder.exec('rollback');
      holder.close();
      other.close();
    }
  });
});

describe('a full database disk', () => {
  it.each([
    ['SQLite full', withCode('database or disk is full', 'SQLITE_FULL')],
    ['PostgreSQL disk full', withCode('could not extend file: No space left on device', '53100')],
  ])('%s is a DatabaseFullError that says to free space, retried', (_, error) => {
    const mapped = asDatabaseError(error);
    expect(mapped).toBeInstanceOf(DatabaseFullError);
    expect((mapped as DatabaseFullError).message).toMatch(/database full .*free disk space/);
    expect(jobRetryClass(mapped)).toBe('transient');
  });

  it('classes a real SQLITE_FULL (a write past max_page_count) as DatabaseFullError', () => {
    const db = new Database(join(mkdtempSync(join(tmpdir(), 'ks-full-')), 'full.db'));
    try {
      db.exec('create table t (x text)');
      db.pragma(`max_page_count = ${String(db.pragma('page_count', { simple: true }))}`);
      let caught: unknown;
      try {
        db.prepare('insert into t values (?)').run('x'.repeat(100_000));
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'SQLITE_FULL' });
      expect(asDatabaseError(caught)).toBeInstanceOf(DatabaseFullError);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});

describe('the API while the database is away', () => {
  it('answers 503 with Retry-After and a message that says to send again', async () => {
    const app = Fastify();
    installErrorHandler(app);
    app.get('/items', () => {
      throw new DatabaseUnavailableError(withCode('the database system is starting up', '57P03'));
    });
    try {
      const answer = await app.inject({ method: 'GET', url: '/items' });
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.json()).toMatchObject({
        error: 'DatabaseUnavailable',
        message: /send the request again/,
      });
    } finally {
      await app.close();
    }
  });

  it('answers 503 saying the disk is full, nothing stored, free space and send again', async () => {
    const app = Fastify();
    installErrorHandler(app);
    app.post('/items', () => {
      throw new DatabaseFullError(withCode('database or disk is full', 'SQLITE_FULL'));
    });
    try {
      const answer = await app.inject({ method: 'POST', url: '/items' });
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({
        error: 'DatabaseFull',
        message:
          /disk is full. Nothing from this request was stored; free disk space .* send the request again/,
      });
    } finally {
      await app.close();
    }
  });
});
