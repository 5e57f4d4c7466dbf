/**
 * Intake (src/sync/submit.ts) on both databases: desired state, batch and jobs commit together, and the queue
 * merges the `replaces` of concurrent publishes of one item inside the enqueue transaction — none is lost, in one
 * process or across two.
 */
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/queue/index.js';
import { createLibrary, createPlayerGroup, setGroupLibraries, type Store } from '../../src/store/index.js';
import { SYNC_JOB_KIND, syncJobKind } from '../../src/sync/job-contract.js';
import { submitItemEvents } from '../../src/sync/submit.js';
import { DATABASE_KINDS, useTestDatabase, type TestDatabase } from '../fixtures/databases.js';

async function setUp(store: Store): Promise<void> {
  const movies = await createLibrary(store.db, { name: 'Movies', kind: 'movies', rootPath: '/media/movies' });
  const group = await createPlayerGroup(store.db, { name: 'Living room' });
  await setGroupLibraries(store.db, group.id, [movies.id]);
}

function publishReplacing(path: string, old: string) {
  return [{ action: 'publish', kind: 'movie', path, replaces: [old] }];
}

async function waitingPayloads(
  store: Store,
  path: string,
): Promise<{ itemId: number; replaces?: string[] }[]> {
  const rows = await store.db
    .selectFrom('jobs')
    .innerJoin('items', 'items.id', 'jobs.item_id')
    .select('jobs.payload')
    .where('items.path', '=', path)
    .where('jobs.state', 'in', ['queued', 'deferred'])
    .execute();
  return rows.map((row) => JSON.parse(row.payload) as { itemId: number; replaces?: string[] });
}

/** Runs test/fixtures/submit-burst.ts; resolves when it printed "done" and exited 0. */
function burstProcess(database: TestDatabase, path: string, prefix: string, count: number): Promise<void> {
  const args = ['--import', 'tsx', 'test/fixtures/submit-burst.ts', '--data-dir', database.dataDir];
  if (database.databaseUrl) args.push('--database-url', database.databaseUrl);
  args.push('--path', path, '--prefix', prefix, '--count', String(count));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0 && output.includes('done')) resolve();
      else reject(new Error(`submit-burst exited ${String(code)}: ${output}`));
    });
  });
}

describe.each(DATABASE_KINDS)('intake on %s', (kind) => {
  const t = useTestDatabase(kind);
  const queue = () => new JobQueue(t.store, { kinds: { [SYNC_JOB_KIND]: syncJobKind } });
  const deps = () => ({ db: t.store.db, dialect: t.store.dialect, queue: queue() });
  beforeAll(async () => {
    await setUp(t.store);
  });

  it('keeps every replaced path when 50 publishes of one movie, each replacing another file, arrive at once', async () => {
    const path = '/media/movies/Race (2001)/Race (2001).mkv';
    const old = Array.from({ length: 50 }, (_, i) => `/media/movies/Race (2001)/old-${i}.mkv`);
    await Promise.all(old.map((o) => submitItemEvents(deps(), publishReplacing(path, o))));

    const waiting = await waitingPayloads(t.store, path);
    expect(waiting).toHaveLength(1);
    expect([...(waiting[0]?.replaces ?? [])].sort()).toEqual([...old].sort());
  });

  it('keeps every replaced path when two processes each submit 25 publishes of one movie at once', async () => {
    const path = '/media/movies/Two (2002)/Two (2002).mkv';
    await Promise.all([
      burstProcess(t.database, path, '/media/movies/Two (2002)/a', 25),
      burstProcess(t.database, path, '/media/movies/Two (2002)/b', 25),
    ]);

    const waiting = await waitingPayloads(t.store, path);
    expect(waiting).toHaveLength(1);
    const expected = ['a', 'b'].flatMap((p) =>
      Array.from({ length: 25 }, (_, i) => `/media/movies/Two (2002)/${p}-${i}.mkv`),
    );
    expect([...(waiting[0]?.replaces ?? [])].sort()).toEqual(expected.sort());
  }, 60_000);

  it('accepts 40 concurrent batches naming the same movies in opposite orders without deadlocking', async () => {
    const paths = [
      '/media/movies/Left (2004)/Left (2004).mkv',
      '/media/movies/Right (2004)/Right (2004).mkv',
    ];
    const events = (order: string[]) => order.map((path) => ({ action: 'publish', kind: 'movie', path }));
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        submitItemEvents(deps(), events(i % 2 === 0 ? paths : [...paths].reverse())),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const path of paths) expect(await waitingPayloads(t.store, path)).toHaveLength(1);
  });

  it('writes no item when its job cannot be enqueued: desired state and jobs are one transaction', async () => {
    const path = '/media/movies/Orphan (2003)/Orphan (2003).mkv';
    // A queue that does not know the sync kind refuses the job after the item was written in the transaction.
    const refusing = new JobQueue(t.store, { kinds: {} });
    await expect(
      submitItemEvents({ db: t.store.db, dialect: t.store.dialect, queue: refusing }, [
        { action: 'publish', kind: 'movie', path },
      ]),
    ).rejects.toThrow(/unknown job kind "sync-item"/);

    const items = await t.store.db.selectFrom('items').select('id').where('path', '=', path).execute();
    expect(items).toEqual([]);
  });
});
