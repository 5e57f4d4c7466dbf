/**
 * The scheduler across real service processes on one PostgreSQL database: two `kodi-sync serve` processes, one
 * per-second task — every occurrence runs exactly once (one claim, one recorded run) and none is skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createScheduledTask, listTaskOccurrences, listTaskRuns } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../fixtures/databases.js';

function serve(database: TestDatabase, dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--data-dir',
      dataDir,
      '--database-url',
      database.databaseUrl ?? '',
      '--port',
      '0',
      '--bind-address',
      '127.0.0.1',
      '--api-key',
      'scheduler-test-key-0123456789abcdef',
      '--workers',
      '0',
      '--demo',
      'off',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] as const },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      reject(new Error(`serve did not start: ${output}`));
    }, 60_000);
    child.once('exit', (code) => {
      reject(new Error(`serve exited with ${String(code)}: ${output}`));
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Kodi Sync is listening')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

describe('the scheduler with two service processes on PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await Promise.all(children.map(stopped));
    await database?.drop();
  });

  it('a per-second schedule fires exactly once per occurrence', { timeout: 120_000 }, async () => {
    database = await createTestDatabase('postgres');
    const store = await database.open();
    try {
      const task = await createScheduledTask(store.db, {
        name: 'every second',
        kind: 'drift-report',
        cron: '* * * * * *',
        timezone: 'UTC',
        enabled: true,
      });
      children.push(
        await serve(database, `${database.dataDir}/a`),
        await serve(database, `${database.dataDir}/b`),
      );
      const from = Date.now() + 1_000;
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      const until = Date.now() - 1_500;
      const claims = (await listTaskOccurrences(store.db, task.id, from)).filter(
        (c) => c.occurrenceAt <= until,
      );
      const seconds: number[] = [];
      for (let t = Math.ceil(from / 1000) * 1000; t <= until; t += 1000) seconds.push(t);
      // Every second claimed once (the primary key makes a second claim impossible; none may be missing).
      expect(claims.map((c) => c.occurrenceAt)).toEqual(seconds);
      // And run once: one recorded run per claimed occurrence.
      const first = seconds[0] ?? 0;
      const last = seconds.at(-1) ?? 0;
      const runs = (await listTaskRuns(store.db, task.id, 1000)).filter(
        (r) => r.startedAt >= first && r.startedAt < last + 1000,
      );
      expect(runs.map((r) => r.outcome)).toEqual(seconds.map(() => 'skipped'));
      expect(runs.length).toBe(seconds.length);
    } finally {
      await store.close();
    }
  });
});
