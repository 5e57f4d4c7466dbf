/**
 * The library-wide operations as the API and the service use them: the clean's dry run (read-only, answered at
 * once), a clean enqueued as a job per group, the drift report, its repair, and running a task by hand.
 */
import type { Kysely } from 'kysely';
import type { JobQueue } from '../queue/queue.js';
import { listPlayerGroups, type Database, type ScheduledTask, type TaskRun } from '../store/index.js';
import { chooseMembers } from '../sync/member.js';
import { StepRecorder } from '../sync/steps.js';
import type { SyncPlayer, SyncStore } from '../sync/types.js';
import type { KodiClient } from '../kodi/client.js';
import { CLEAN_JOB_KIND, type CleanSettings } from './clean.js';
import { cleanDryRun, type DryRunReport } from './dry-run.js';
import { driftReport, repairDrift, type DriftReport } from './drift.js';
import { DEFAULT_CLEAN_LIMITS, guardRefusals, type CleanLimits, type Refusal } from './guard.js';
import { loadGroupScope } from './group-scope.js';
import { runTask } from './tasks.js';

export interface CleanPreview {
  groupId: number;
  group: string;
  limits: CleanLimits;
  members: { dryRun: DryRunReport; refusals: Refusal[] }[];
  /** Whether a real clean would pass the guard now (playback and scans defer it; they are not checked here). */
  wouldRun: boolean;
}

export interface LibraryOperationsDeps {
  db: Kysely<Database>;
  store: SyncStore;
  clientFor: (player: SyncPlayer) => KodiClient | Promise<KodiClient>;
  queue: Pick<JobQueue, 'enqueueBatch'>;
}

export interface LibraryOperations {
  previewClean(groupId: number, settings?: CleanSettings): Promise<CleanPreview>;
  enqueueClean(
    groupIds: readonly number[] | undefined,
    settings?: CleanSettings,
  ): Promise<{ batchId: number; jobIds: number[] }>;
  drift(groupId: number): Promise<DriftReport>;
  repair(groupId: number): Promise<{ report: DriftReport; batch?: { batchId: number; jobIds: number[] } }>;
  runTask(task: ScheduledTask): Promise<TaskRun[]>;
}

const silent = (): StepRecorder => new StepRecorder(() => undefined);

export function createLibraryOperations(deps: LibraryOperationsDeps): LibraryOperations {
  const allGroups = async () => (await listPlayerGroups(deps.db)).map((g) => g.id);
  return {
    async previewClean(groupId, settings = {}) {
      const scope = await loadGroupScope(deps.db, deps.store, groupId);
      const steps = silent();
      const { usable } = await chooseMembers(scope.group, scope.players, deps.clientFor, steps, 0);
      const acting = scope.group.sharedDatabase ? usable.slice(0, 1) : usable;
      const limits = {
        maxItems: settings.maxItems ?? DEFAULT_CLEAN_LIMITS.maxItems,
        maxPercent: settings.maxPercent ?? DEFAULT_CLEAN_LIMITS.maxPercent,
      };
      const members = [];
      for (const m of acting) {
        const dryRun = await cleanDryRun(
          { name: m.player.name, client: m.client },
          steps,
          scope.roots,
          settings.anchorFile === undefined ? {} : { anchorFile: settings.anchorFile },
        );
        members.push({ dryRun, refusals: guardRefusals(dryRun, limits) });
      }
      return {
        groupId,
        group: scope.group.name,
        limits,
        members,
        wouldRun: members.every((m) => m.refusals.length === 0),
      };
    },
    async enqueueClean(groupIds, settings = {}) {
      const lanes = groupIds ?? (await allGroups());
      const batch = await deps.queue.enqueueBatch(
        lanes.map((lane) => ({ lane, kind: CLEAN_JOB_KIND, itemId: null, payload: { settings } })),
        { label: 'library clean' },
      );
      return { batchId: batch.batchId, jobIds: batch.jobs.map((j) => j.id) };
    },
    drift: (groupId) => driftReport(deps, groupId, silent()),
    async repair(groupId) {
      const report = await driftReport(deps, groupId, silent());
      const batch = await repairDrift(deps.queue, report);
      return { report, ...(batch && { batch }) };
    },
    runTask: (task) => runTask(deps, task),
  };
}
