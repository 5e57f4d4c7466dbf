/**
 * The four ways of telling Kodi about a new movie that the real-Kodi bench compares. Each `publish` resolves when
 * the approach reports the item done (`done: true`) or gives up (`done: false`); `verified` is the approach's own
 * claim that it saw the item in Kodi (only Kodi Sync and the hand floor look).
 */
import { basename } from 'node:path';
import type { KodiEndpoint } from '../../src/kodi/types.js';
import type { SyncEvidence } from '../../src/sync/types.js';
import { realKodiRpc } from '../../test/fixtures/real-kodi.js';
import type { Rig } from '../../test/integration/sync-rig.js';
import type { KodiSocket } from './kodi-socket.js';

export interface Movie {
  folder: string;
  file: string;
}

export interface Outcome {
  done: boolean;
  /** Epoch ms when the approach reported the item done (or failed). */
  doneAt: number;
  /** Kodi Sync only: where the job's time went. */
  breakdown?: JobBreakdown;
  /** Hand floor only: milliseconds per call of its sequence. */
  steps?: Record<string, number>;
}

export interface JobBreakdown {
  queueMs: number;
  totalMs: number;
  kodiMs: number;
  folderTimeWaitMs: number;
  attempts: number;
  escalation: string[];
  /** Milliseconds per step label (Kodi method or engine step), summed over the job. */
  steps: Record<string, number>;
}

export interface Approach {
  label: string;
  publish(movie: Movie): Promise<Outcome>;
  /** Bulk publish of many movies at once (default: every publish at the same time). */
  publishAll?(movies: Movie[]): Promise<Outcome[]>;
}

/** A step's label without its paths and member name, so the same step of different jobs adds up. */
const stepLabel = (call: string): string => call.replace(/"[^"]*"/g, '…').replace(' bench kodi', '');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** (a) Kodi Sync: the real engine, queue and client, in-process (test/integration/sync-rig.ts). */
export function kodiSync(rig: Rig): Approach {
  return {
    label: 'Kodi Sync',
    async publish(movie) {
      const { jobIds } = await rig.submit([{ action: 'publish', kind: 'movie', path: movie.file }]);
      const jobId = jobIds[0];
      if (jobId === undefined) throw new Error('submit made no job');
      for (;;) {
        // Woken by the queue's change event (a 10 ms poll per item — 20,000 reads/s for W4's 200 — took the CPU
        // the worker under test needed); the slow poll only guards a missed event. finishedAt is the queue's own.
        await ended(rig, jobId, 500);
        const job = await rig.queue.getJob(jobId);
        if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') {
          const evidence = job.result as SyncEvidence | null;
          const steps: Record<string, number> = {};
          for (const step of job.steps) {
            const label = stepLabel(step.call);
            steps[label] = (steps[label] ?? 0) + step.durationMs;
          }
          return {
            done: job.state === 'succeeded',
            doneAt: job.finishedAt ?? Date.now(),
            breakdown: {
              queueMs: (job.startedAt ?? job.createdAt) - job.createdAt,
              totalMs: evidence?.timings.totalMs ?? Number.NaN,
              kodiMs: evidence?.timings.kodiMs ?? Number.NaN,
              folderTimeWaitMs: steps['folder time'] ?? 0,
              attempts: job.attempts,
              escalation: evidence?.escalation ?? [],
              steps,
            },
          };
        }
      }
    },
  };
}

/** Resolves when the queue reports job `jobId` finished, or after `ms`. */
function ended(rig: Rig, jobId: number, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = rig.queue.onChange((change) => {
      const finished = ['succeeded', 'failed', 'cancelled'].includes(change.reason);
      if (finished && (change.jobId === jobId || change.jobId === undefined)) done();
    });
  });
}

/**
 * (b) The custom-script approach: `VideoLibrary.Scan` of the folder, then `Library.IsScanningVideo` every 100 ms
 * until false; done, no lookup. Each import runs its own script, as a manager's "custom script" hook does.
 */
export function customScript(endpoint: KodiEndpoint): Approach {
  return {
    label: 'custom script',
    async publish(movie) {
      await realKodiRpc(endpoint, 'VideoLibrary.Scan', { directory: movie.folder });
      for (;;) {
        await sleep(100);
        const answer = await realKodiRpc<Record<string, boolean>>(endpoint, 'XBMC.GetInfoBooleans', {
          booleans: ['Library.IsScanningVideo'],
        });
        if (answer['Library.IsScanningVideo'] === false) return { done: true, doneAt: Date.now() };
      }
    },
  };
}

/** (c) The media managers' built-in Kodi connection: a movie not yet in Kodi → scan the whole library, fire and forget. */
export function managerBuiltIn(endpoint: KodiEndpoint): Approach {
  return {
    label: 'manager built-in',
    async publish() {
      await realKodiRpc(endpoint, 'VideoLibrary.Scan', {});
      return { done: true, doneAt: Date.now() };
    },
  };
}

interface MoviesAnswer {
  movies?: { file?: string }[];
}

async function lookUp(socket: KodiSocket, movie: Movie): Promise<boolean> {
  const answer = await socket.call<MoviesAnswer>('VideoLibrary.GetMovies', {
    filter: {
      and: [
        { field: 'path', operator: 'is', value: movie.folder },
        { field: 'filename', operator: 'is', value: basename(movie.file) },
      ],
    },
    properties: ['file'],
  });
  return (answer.movies ?? []).some((m) => m.file === movie.file);
}

/**
 * (d) The hand floor over one WebSocket: list the source root (no media), `Scan {folder/}`, wait for
 * OnScanFinished, look up by path + file name. Items run one after another (scans must not overlap, real-kodi.md
 * §3); a bulk of items at once gets one scan of the source root and a lookup per item.
 */
export function handFloor(socket: KodiSocket, moviesRoot: string): Approach {
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  };
  const scan = async (directory: string): Promise<Record<string, number>> => {
    const t0 = performance.now();
    await socket.call('Files.GetDirectory', { directory: moviesRoot });
    const t1 = performance.now();
    const finished = socket.next('VideoLibrary.OnScanFinished');
    await socket.call('VideoLibrary.Scan', { directory });
    const t2 = performance.now();
    await finished;
    const t3 = performance.now();
    return { 'list root': t1 - t0, 'Scan answer': t2 - t1, 'Scan answer → OnScanFinished': t3 - t2 };
  };
  return {
    label: 'hand floor',
    publish: (movie) =>
      serial(async () => {
        const steps = await scan(movie.folder);
        const t = performance.now();
        const found = await lookUp(socket, movie);
        steps['look up'] = performance.now() - t;
        return { done: found, doneAt: Date.now(), steps };
      }),
    publishAll: (movies) =>
      serial(async () => {
        const steps = await scan(moviesRoot);
        return Promise.all(
          movies.map(async (movie) => ({ done: await lookUp(socket, movie), doneAt: Date.now(), steps })),
        );
      }),
  };
}
