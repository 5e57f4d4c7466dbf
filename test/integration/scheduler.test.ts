/**
 * The scheduler's rules on a real database (SQLite and PostgreSQL): a run missed while no service was up runs once
 * at start (the newest occurrence only), an occurrence another process claimed is never run again, and a disabled
 * task never runs.
 */
import { describe, expect, it } from 'vitest';
import { newestOccurrence, TaskScheduler } from '../../src/library/scheduler.js';
import {
  createScheduledTask,
  listTaskOccurrences,
  updateScheduledTask,
  type ScheduledTask,
} from '../../src/store/index.js';
import { createSyncStore } from '../../src/sync/store-port.js';
import { DATABASE_KINDS, useTestDatabase } from '../fixtures/databases.js';

const DAY = 24 * 3_600_000;

for (const kind of DATABASE_KINDS) {
  describe(`the scheduler (${kind})`, () => {
    const t = useTestDatabase(kind);

    function scheduler(now: number, ran: ScheduledTask[], processId: string): TaskScheduler {
      return new TaskScheduler(
        {
          db: t.store.db,
          store: createSyncStore(t.store.db),
          clientFor: () => {
            throw new Error('no Kodi in this test');
          },
          queue: { enqueueBatch: () => Promise.reject(new Error('no queue in this test')) },
        },
        {
          processId,
          now: () => now,
          run: (task) => {
            ran.push(task);
            return Promise.resolve();
          },
        },
      );
    }

    it('a nightly run missed while the service was down runs once at start, and only once across processes', async () => {
      const task = await createScheduledTask(t.store.db, {
        name: `nightly ${kind}`,
        kind: 'drift-report',
        cron: '0 4 * * *',
        timezone: 'Europe/Berlin',
        enabled: true,
      });
      // The service comes back three days later: three 04:00 occurrences were missed.
      const now = task.updatedAt + 3 * DAY;
      const ran: ScheduledTask[] = [];
      await scheduler(now, ran, 'a').tick();
      expect(ran.map((r) => r.id)).toEqual([task.id]);
      const claims = await listTaskOccurrences(t.store.db, task.id);
      expect(claims).toEqual([{ occurrenceAt: newestOccurrence(task, 0, now), claimedBy: 'a' }]);
      // A second process starting at the same time finds the occurrence claimed.
      const other: ScheduledTask[] = [];
      await scheduler(now + 500, other, 'b').tick();
      expect(other).toEqual([]);
      // The same process looking again a second later: nothing new to run.
      const again = scheduler(now, ran, 'a');
      await again.tick();
      expect(ran).toHaveLength(1);
    });

    it('a disabled task never runs', async () => {
      const task = await createScheduledTask(t.store.db, {
        name: `disabled ${kind}`,
        kind: 'clean',
        cron: '* * * * * *',
        enabled: false,
      });
      const ran: ScheduledTask[] = [];
      await scheduler(task.updatedAt + 10_000, ran, 'a').tick();
      expect(ran.filter((r) => r.id === task.id)).toEqual([]);
      await updateScheduledTask(t.store.db, task.id, { enabled: true });
      await scheduler(Date.now() + 2_000, ran, 'a').tick();
      expect(ran.filter((r) => r.id === task.id)).toHaveLength(1);
    });
  });
}
