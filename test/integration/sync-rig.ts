/**
 * A Kodi Sync engine wired for tests: a real store (SQLite in a temp dir), a movies and a TV library, one player
 * group per Kodi list (members in priority order), path mappings, the KodiPool and the sync job handler.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KodiSimulator } from '../../src/kodi-sim/index.js';
import type { KodiClient } from '../../src/kodi/client.js';
import type { KodiEndpoint } from '../../src/kodi/types.js';
import {
  createLibrary,
  createPathMapping,
  createPlayer,
  createPlayerGroup,
  openStore,
  setGroupLibraries,
  type PlayerGroupInput,
  type Store,
} from '../../src/store/index.js';
import { JobQueue } from '../../src/queue/queue.js';
import type { Job } from '../../src/queue/types.js';
import { Worker } from '../../src/queue/worker.js';
import type { ItemEvent } from '../../src/sync/events.js';
import { submitFolderRemovals } from '../../src/sync/folder-removal.js';
import { createSyncJobHandler, syncJobKinds, type SyncJob } from '../../src/sync/handler.js';
import { SYNC_JOB_KIND } from '../../src/sync/job-contract.js';
import { MAX_LANE_MATES } from '../../src/sync/shared-scan.js';
import { submitItemEvents } from '../../src/sync/submit.js';
import { KodiPool } from '../../src/sync/kodi-pool.js';
import type { ScanTiming } from '../../src/sync/scan-wait.js';
import { createSyncStore } from '../../src/sync/store-port.js';
import type { SyncStore } from '../../src/sync/types.js';

export interface RigGroup {
  name: string;
  members: KodiEndpoint[];
  options?: Omit<PlayerGroupInput, 'name'>;
  mappings?: { managerPrefix: string; kodiPrefix: string }[];
}

export interface Rig {
  store: Store;
  syncStore: SyncStore;
  pool: KodiPool;
  handler: ReturnType<typeof createSyncJobHandler>;
  groupIds: number[];
  moviesLibraryId: number;
  tvLibraryId: number;
  wakes: { groupId: number; reason: string }[];
  queue: JobQueue;
  worker: Worker;
  /** Submits events as the API would; returns the batch. */
  submit(events: ItemEvent[]): Promise<{ batchId: number; jobIds: number[] }>;
  /** A movie or series deleted with its files, as the Radarr/Sonarr webhook submits it (undefined: no library). */
  submitFolderDelete(
    kind: 'movie' | 'episode',
    folder: string,
  ): Promise<{ batchId: number; jobIds: number[] } | undefined>;
  /** Waits until every job of the batch satisfies `done` (default: finished), then returns them. */
  waitForBatch(batchId: number, done?: (job: Job) => boolean, timeoutMs?: number): Promise<Job[]>;
  close(): Promise<void>;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export async function startRig(options: {
  moviesRoot: string;
  tvRoot: string;
  groups: RigGroup[];
  timing?: Partial<ScanTiming>;
  backoff?: { baseMs?: number; maxDelayMs?: number; giveUpAfterMs?: number };
}): Promise<Rig> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sync-rig-'));
  const store = await openStore({ dataDir });
  const movies = await createLibrary(store.db, {
    name: 'Movies',
    kind: 'movies',
    rootPath: options.moviesRoot,
  });
  const tv = await createLibrary(store.db, { name: 'TV', kind: 'tvshows', rootPath: options.tvRoot });
  const groupIds: number[] = [];
  for (const g of options.groups) {
    const group = await createPlayerGroup(store.db, { name: g.name, ...g.options });
    groupIds.push(group.id);
    await setGroupLibraries(store.db, group.id, [movies.id, tv.id]);
    for (const [i, member] of g.members.entries()) {
      await createPlayer(store.db, {
        groupId: group.id,
        name: member.name,
        host: member.host,
        httpPort: member.httpPort,
        wsPort: member.wsPort ?? null,
        username: member.username ?? null,
        password: member.password ?? null,
        priority: 100 - i,
      });
    }
    for (const m of g.mappings ?? []) await createPathMapping(store.db, { groupId: group.id, ...m });
  }
  const wakes: { groupId: number; reason: string }[] = [];
  const queue = new JobQueue(store, {
    kinds: syncJobKinds,
    backoff: { baseMs: 200, factor: 2, maxDelayMs: 1_000, jitter: 0, ...options.backoff },
  });
  await queue.start();
  const pool = new KodiPool({
    clientOptions: { reconnectMinMs: 50, reconnectMaxMs: 500, callTimeoutMs: 5_000 },
    onWake: (groupId, reason) => {
      wakes.push({ groupId, reason });
      queue.wake(groupId, reason).catch(() => undefined);
    },
  });
  const syncStore = createSyncStore(store.db);
  const handler = createSyncJobHandler({
    store: syncStore,
    clientFor: (player) => pool.acquire(player),
    laneMates: (lane) =>
      queue.listJobs({ lane, states: ['queued'], kind: SYNC_JOB_KIND, limit: MAX_LANE_MATES }),
    timing: { startTimeoutMs: 2_000, idleWaitMs: 5_000, ...options.timing },
  });
  const worker = new Worker(queue, (job, ctx) => handler(job, ctx), {
    concurrency: 8,
    pollMs: 50,
    leaseMs: 30_000,
  });
  worker.start();
  const waitForBatch = async (
    batchId: number,
    done = (job: Job) => FINISHED.has(job.state),
    timeoutMs = 20_000,
  ): Promise<Job[]> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const jobs = await queue.listJobs({ batchId });
      if (jobs.length > 0 && jobs.every(done)) return jobs;
      if (Date.now() > until)
        throw new Error(
          `batch ${batchId} not done: ${jobs.map((j) => `${j.id} ${j.state} ${j.lastError ?? ''}`).join('; ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    queue,
    worker,
    submit: (events) => submitItemEvents({ db: store.db, dialect: store.dialect, queue }, events),
    submitFolderDelete: (kind, folder) =>
      submitFolderRemovals(
        { db: store.db, dialect: store.dialect, queue },
        [{ kind, folder }],
        'folder delete',
      ),
    waitForBatch,
    store,
    syncStore,
    pool,
    handler,
    groupIds,
    moviesLibraryId: movies.id,
    tvLibraryId: tv.id,
    wakes,
    close: async () => {
      await worker.stop();
      await queue.close();
      await pool.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the handler once as the queue would, collecting steps. */
export async function runOnce(
  rig: Rig,
  job: SyncJob,
): Promise<{ result?: Awaited<ReturnType<Rig['handler']>>; error?: Error; steps: string[] }> {
  const steps: string[] = [];
  const ctx = {
    signal: new AbortController().signal,
    step: (call: string, answer: string) => steps.push(`${call} → ${answer}`),
  };
  try {
    return { result: await rig.handler(job, ctx), steps };
  } catch (error) {
    return { error: error as Error, steps };
  }
}

/**
 * Fails when a VideoLibrary.Scan reached this simulator while it, or a simulator sharing its library, was scanning:
 * such a Scan cancels the running scan and adds nothing (real-kodi.md §3, §13). The simulator records both on every
 * call it receives.
 */
export function assertNoScanWhileScanning(kodi: { sim: KodiSimulator }): void {
  const violations = kodi.sim
    .calls('VideoLibrary.Scan')
    .filter((call) => call.scanning || call.scanningShared)
    .map((call) => {
      const directory = (call.params as { directory?: unknown } | undefined)?.directory;
      const where = call.scanning ? 'this Kodi' : 'a Kodi sharing its library';
      return `${typeof directory === 'string' ? directory : '(all)'} (while ${where} scanned)`;
    });
  if (violations.length > 0) throw new Error(`Scan sent while scanning: ${violations.join(', ')}`);
}

/** The value, or a test failure saying what was missing (instead of a non-null assertion). */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

/** The started client of a group's first member, for arranging state in Kodi (playcount, a foreign scan…). */
export async function memberClient(rig: Rig, groupIndex = 0, memberIndex = 0): Promise<KodiClient> {
  const players = await rig.syncStore.listPlayers(must(rig.groupIds[groupIndex], 'a group'));
  return rig.pool.acquire(must(players[memberIndex], 'a member'));
}
