/**
 * Library-wide operations (issue 15) written once, run against the simulator (fast suite) and real headless Kodi
 * 20.1 (real-kodi suite): the clean's dry run, the guarded clean and its refusals, deferral under playback, and
 * the drift report with its repair. The engine is the product's: the sync rig's store and queue, with the
 * service's job handler (clean jobs + sync jobs) and a notifier sending to a real HTTP receiver.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { KodiClient } from '../../src/kodi/client.js';
import { CLEAN_JOB_KIND, cleanJobKind, type CleanReport } from '../../src/library/clean.js';
import { createJobHandler } from '../../src/library/jobs.js';
import { createLibraryOperations, type LibraryOperations } from '../../src/library/operations.js';
import { createNotifier, defaultAgents } from '../../src/notify/index.js';
import type { Job } from '../../src/queue/types.js';
import { Worker } from '../../src/queue/worker.js';
import { createItem, updateItem, upsertItemSync } from '../../src/store/index.js';
import type { WrittenMovie } from '../fixtures/kodi-under-test.js';
import { receiver, type Receiver } from './notify-receiver.js';
import { memberClient, must, startRig, type Rig } from './sync-rig.js';
import type { ScenarioKodi, ScenarioTarget } from './sync-scenarios.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not met in time`);
    await sleep(50);
  }
}

async function movieFiles(client: KodiClient): Promise<string[]> {
  const { movies } = await client.getMovies({ properties: ['file'] });
  return movies.map((m) => m.file ?? '').sort();
}

interface Bed {
  kodi: ScenarioKodi;
  rig: Rig;
  client: KodiClient;
  ops: LibraryOperations;
  inbox: Receiver;
  movies: WrittenMovie[];
  episodeFile: string;
  groupId: number;
}

/** Notifications the receiver got (Gotify's JSON body: title, message). */
function received(inbox: Receiver): { title: string; message: string }[] {
  return inbox.requests.map((r) => JSON.parse(r.body) as { title: string; message: string });
}

export function defineLibraryScenarios(target: ScenarioTarget): void {
  describe(`library-wide operations (${target.label})`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      const failures: unknown[] = [];
      for (const step of cleanup.splice(0).reverse())
        await step().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    });

    /** A Kodi with `count` movies scanned in (and one episode, so the TV root is not empty), the engine running. */
    async function setUp(count = 20): Promise<Bed> {
      const kodi = await target.start({ name: 'den' });
      cleanup.push(() => kodi.stop());
      const rig = await startRig({
        moviesRoot: kodi.moviesRoot,
        tvRoot: kodi.tvRoot,
        groups: [{ name: 'Den', members: [{ ...kodi.endpoint, name: 'den' }] }],
      });
      cleanup.push(() => rig.close());
      const inbox = await receiver((res) => res.writeHead(200).end('{"id":1}'));
      const notifier = createNotifier({
        logger: pino({ level: 'silent' }),
        agents: defaultAgents(),
        listChannels: () => [
          {
            id: 1,
            name: 'inbox',
            type: 'gotify',
            enabled: true,
            events: ['clean-report', 'clean-refused'],
            settings: { serverUrl: inbox.url, token: 'library-test' },
          },
        ],
      });
      // The service's handler: clean jobs here, every other kind to the rig's sync handler.
      await rig.worker.stop();
      rig.queue.defineKind(CLEAN_JOB_KIND, cleanJobKind);
      const clientFor = rig.pool.acquire.bind(rig.pool);
      const worker = new Worker(
        rig.queue,
        createJobHandler(
          { db: rig.store.db, store: rig.syncStore, clientFor, notify: (e) => notifier.notify(e) },
          rig.handler,
        ),
        { concurrency: 4, pollMs: 50, leaseMs: 30_000 },
      );
      worker.start();
      cleanup.push(() => worker.stop());
      const ops = createLibraryOperations({
        db: rig.store.db,
        store: rig.syncStore,
        clientFor,
        queue: rig.queue,
      });
      const client = await memberClient(rig);
      const movies: WrittenMovie[] = [];
      for (let i = 1; i <= count; i++)
        movies.push(
          await kodi.writeMovie({ title: `Clean Test ${String(i).padStart(2, '0')}`, year: 2000 + i }),
        );
      const episode = await kodi.writeEpisode({ show: 'Keeper', season: 1, episode: 1 });
      await client.scan(kodi.moviesRoot);
      await waitFor(
        async () => (await movieFiles(client)).length === count,
        target.timeoutMs,
        'movies scanned',
      );
      await client.scan(kodi.tvRoot);
      await waitFor(
        async () => (await client.getEpisodes({ properties: ['file'] })).episodes.length === 1,
        target.timeoutMs,
        'episode scanned',
      );
      return {
        kodi,
        rig,
        client,
        ops,
        inbox,
        movies,
        episodeFile: episode.file,
        groupId: must(rig.groupIds[0], 'a group'),
      };
    }

    /** Three movies Kodi can no longer reach: two files deleted (folders kept), one folder deleted. */
    async function removeThree(bed: Bed): Promise<string[]> {
      const a = must(bed.movies[2], 'a movie');
      const b = must(bed.movies[9], 'a movie');
      const c = must(bed.movies[16], 'a movie');
      await rm(a.file);
      await rm(b.file);
      await rm(c.folder, { recursive: true });
      return [a.file, b.file, c.file].sort();
    }

    async function clean(
      bed: Bed,
      settings: Record<string, unknown>,
      done = (j: Job) => j.state === 'succeeded',
    ) {
      const { batchId } = await bed.ops.enqueueClean([bed.groupId], settings);
      const [job] = await bed.rig.waitForBatch(batchId, done, target.timeoutMs * 2);
      return must(job, 'the clean job');
    }

    const report = (job: Job): CleanReport => job.result as CleanReport;

    it(
      "three of twenty movies' files removed: the dry run lists exactly those three and changes nothing",
      { timeout: target.timeoutMs * 3 },
      async () => {
        const bed = await setUp();
        const gone = await removeThree(bed);
        const before = await movieFiles(bed.client);
        const preview = await bed.ops.previewClean(bed.groupId, { maxPercent: 20 });
        const [member] = preview.members;
        expect(
          must(member, 'a member')
            .dryRun.unreachable.map((e) => e.file)
            .sort(),
        ).toEqual(gone);
        expect(member?.dryRun.libraryCount).toBe(21);
        expect(preview.wouldRun).toBe(true);
        expect(await movieFiles(bed.client)).toEqual(before);
        expect(before).toHaveLength(20);
      },
    );

    it(
      'the clean removes exactly those three, each verified, and the notification carries the count',
      { timeout: target.timeoutMs * 3 },
      async () => {
        const bed = await setUp();
        const gone = await removeThree(bed);
        const job = await clean(bed, { maxPercent: 20 });
        expect(report(job)).toMatchObject({ outcome: 'cleaned', dryRunCount: 3, removedCount: 3 });
        const left = await movieFiles(bed.client);
        expect(left).toHaveLength(17);
        expect(left.filter((f) => gone.includes(f))).toEqual([]);
        await waitFor(async () => Promise.resolve(bed.inbox.requests.length > 0), 5_000, 'notification');
        expect(received(bed.inbox)).toEqual([
          expect.objectContaining({ title: 'Library clean of Den: 3 removed' }),
        ]);
      },
    );

    it(
      "Kodi's own clean as the method: run without dialogs, exactly those three removed, reported against the dry run",
      { timeout: target.timeoutMs * 3 },
      async () => {
        const bed = await setUp();
        const gone = await removeThree(bed);
        const job = await clean(bed, { maxPercent: 20, method: 'kodi-clean' });
        expect(report(job)).toMatchObject({ outcome: 'cleaned', dryRunCount: 3, removedCount: 3 });
        expect(
          report(job)
            .members[0]?.removed.map((e) => e.file)
            .sort(),
        ).toEqual(gone);
        expect(await movieFiles(bed.client)).toHaveLength(17);
      },
    );

    it(
      'the movies source root emptied (files moved away, folder kept): refused, nothing removed, the refusal notified with the report',
      { timeout: target.timeoutMs * 3 },
      async () => {
        const bed = await setUp();
        const away = `${bed.kodi.moviesRoot.replace(/\/$/, '')}.offline`;
        await mkdir(away, { recursive: true });
        cleanup.push(() => rm(away, { recursive: true, force: true }));
        for (const m of bed.movies) {
          const name = m.folder.replace(/\/$/, '').split('/').at(-1) ?? '';
          await rename(m.folder, join(away, name));
        }
        const job = await clean(bed, { maxItems: 1000, maxPercent: 100 });
        expect(report(job)).toMatchObject({ outcome: 'refused', removedCount: 0 });
        expect(report(job).members[0]?.refusals.map((r) => r.code)).toEqual(['root-empty']);
        expect(await movieFiles(bed.client)).toHaveLength(20);
        await waitFor(async () => Promise.resolve(bed.inbox.requests.length > 0), 5_000, 'notification');
        const [note] = received(bed.inbox);
        expect(note?.title).toBe('Library clean refused for Den');
        expect(note?.message).toMatch(/Nothing was removed\..*is empty from Kodi's side/s);
      },
    );

    it('the anchor file missing: refused, nothing removed', { timeout: target.timeoutMs * 3 }, async () => {
      const bed = await setUp();
      await removeThree(bed);
      await writeFile(join(bed.kodi.tvRoot, 'kodi-sync-anchor.txt'), '');
      const job = await clean(bed, { maxPercent: 20, anchorFile: 'kodi-sync-anchor.txt' });
      expect(report(job)).toMatchObject({ outcome: 'refused', removedCount: 0, dryRunCount: 3 });
      expect(report(job).members[0]?.refusals).toEqual([
        expect.objectContaining({
          code: 'anchor-missing',
          message: expect.stringContaining(bed.kodi.moviesRoot) as unknown,
        }),
      ]);
      expect(await movieFiles(bed.client)).toHaveLength(20);
    });

    it(
      'more unreachable entries than the limit: refused, nothing removed',
      { timeout: target.timeoutMs * 3 },
      async () => {
        const bed = await setUp();
        await removeThree(bed);
        const job = await clean(bed, { maxItems: 2, maxPercent: 50 });
        expect(report(job)).toMatchObject({ outcome: 'refused', removedCount: 0, dryRunCount: 3 });
        expect(report(job).members[0]?.refusals.map((r) => r.code)).toEqual(['over-item-limit']);
        expect(await movieFiles(bed.client)).toHaveLength(20);
      },
    );

    it(
      'a movie playing: the clean is deferred and runs after Player.Stop',
      { timeout: target.timeoutMs * 4 },
      async () => {
        const bed = await setUp();
        const gone = await removeThree(bed);
        await bed.kodi.play(must(bed.movies[0], 'a movie').file);
        const { batchId } = await bed.ops.enqueueClean([bed.groupId], { maxPercent: 20 });
        const [deferred] = await bed.rig.waitForBatch(
          batchId,
          (j) => j.state === 'deferred',
          target.timeoutMs,
        );
        expect(deferred?.lastError).toMatch(/playing on .*waiting for playback to stop/);
        expect(await movieFiles(bed.client)).toHaveLength(20);
        await bed.kodi.stopPlayback();
        const [job] = await bed.rig.waitForBatch(
          batchId,
          (j) => j.state === 'succeeded',
          target.timeoutMs * 2,
        );
        expect(report(must(job, 'the clean job'))).toMatchObject({ outcome: 'cleaned', removedCount: 3 });
        expect((await movieFiles(bed.client)).filter((f) => gone.includes(f))).toEqual([]);
      },
    );

    /**
     * Desired state for the movies as if each had been published and verified (item + item_sync), then five
     * changes recorded while no job ran: two new files published, two deleted (files gone from disk), one replaced
     * in place (a new revision). One movie stays unknown to Kodi Sync.
     */
    async function driftBed() {
      const bed = await setUp(8);
      const { db } = bed.rig.store;
      const known = bed.movies.slice(0, 7);
      const items = [];
      for (const m of known) {
        const item = await createItem(db, {
          libraryId: bed.rig.moviesLibraryId,
          kind: 'movie',
          path: m.file,
          state: 'published',
        });
        await upsertItemSync(db, { itemId: item.id, groupId: bed.groupId, revisionApplied: item.revision });
        items.push(item);
      }
      const unknown = must(bed.movies[7], 'the unknown movie');
      const added = [
        await bed.kodi.writeMovie({ title: 'Drift New A', year: 2031 }),
        await bed.kodi.writeMovie({ title: 'Drift New B', year: 2032 }),
      ];
      for (const m of added)
        await createItem(db, {
          libraryId: bed.rig.moviesLibraryId,
          kind: 'movie',
          path: m.file,
          state: 'published',
        });
      const deleted = [must(known[1], 'm'), must(known[2], 'm')];
      for (const [i, m] of deleted.entries()) {
        await rm(m.folder, { recursive: true });
        await updateItem(db, must(items[i + 1], 'item').id, { state: 'deleted', revision: 2 });
      }
      const replaced = must(known[4], 'm');
      await writeFile(replaced.file, 'a better copy');
      await updateItem(db, must(items[4], 'item').id, { revision: 2 });
      return { bed, added, deleted, replaced, unknown };
    }

    it(
      'drift after five changes made while the service was stopped: reported exactly, and the repair makes Kodi match',
      { timeout: target.timeoutMs * 4 },
      async () => {
        const { bed, added, deleted, replaced } = await driftBed();
        const drift = await bed.ops.drift(bed.groupId);
        expect(drift.missing.map((d) => d.path).sort()).toEqual(added.map((m) => m.file).sort());
        expect(drift.deletedButPresent.map((d) => d.path).sort()).toEqual(deleted.map((m) => m.file).sort());
        expect(drift.stale.map((d) => d.path)).toEqual([replaced.file]);
        const { batch } = await bed.ops.repair(bed.groupId);
        const jobs = await bed.rig.waitForBatch(
          must(batch, 'a repair batch').batchId,
          undefined,
          target.timeoutMs * 3,
        );
        expect(jobs.map((j) => `${j.state} ${j.lastError ?? ''}`)).toEqual(jobs.map(() => 'succeeded '));
        const after = await bed.ops.drift(bed.groupId);
        expect({ missing: after.missing, deleted: after.deletedButPresent, stale: after.stale }).toEqual({
          missing: [],
          deleted: [],
          stale: [],
        });
        const files = await movieFiles(bed.client);
        for (const m of added) expect(files).toContain(m.file);
        for (const m of deleted) expect(files).not.toContain(m.file);
      },
    );

    it(
      'an entry unknown to Kodi Sync is reported and left alone',
      { timeout: target.timeoutMs * 4 },
      async () => {
        const { bed, unknown } = await driftBed();
        const drift = await bed.ops.drift(bed.groupId);
        // The episode scanned in beside the movies is unknown too: no item describes it.
        expect(drift.unknown.map((e) => e.file)).toEqual([unknown.file, bed.episodeFile]);
        const { batch } = await bed.ops.repair(bed.groupId);
        await bed.rig.waitForBatch(must(batch, 'a repair batch').batchId, undefined, target.timeoutMs * 3);
        expect(await movieFiles(bed.client)).toContain(unknown.file);
        expect((await bed.ops.drift(bed.groupId)).unknown.map((e) => e.file)).toEqual([
          unknown.file,
          bed.episodeFile,
        ]);
      },
    );
  });
}
