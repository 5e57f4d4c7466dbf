/**
 * The one way events enter the queue from outside (the /items API and the Radarr/Sonarr webhooks): the receipt
 * is written to the activity log FIRST (durable before acknowledged, DESIGN §2.7 — Radarr/Sonarr never
 * resend), then the item events become a batch of jobs, then the receipt's outcome is recorded.
 */
import type { FolderDelete } from './webhooks/item-event.js';
import { createActivity, updateActivity } from '../store/index.js';
import { submitFolderRemovals } from '../sync/folder-removal.js';
import type { ItemEvent } from '../sync/events.js';
import { submitItemEvents, type SubmitResult } from '../sync/submit.js';
import { errorMessage, ValidationError } from '../util/errors.js';
import type { ApiDeps } from './deps.js';

export interface Receipt {
  source: 'api' | 'radarr' | 'sonarr';
  kind: string;
  summary: string;
  payload: unknown;
}

/** Writes the receipt; returns its id. Throws (→ 5xx) only when the database cannot take it. */
export async function recordReceipt(deps: ApiDeps, receipt: Receipt): Promise<number> {
  const row = await createActivity(deps.store.db, { ...receipt, outcome: 'received' });
  return row.id;
}

export async function recordOutcome(deps: ApiDeps, activityId: number, outcome: string): Promise<void> {
  try {
    await updateActivity(deps.store.db, activityId, { outcome: deps.secrets.scrub(outcome).slice(0, 2000) });
  } catch (error) {
    deps.logger.warn({ activityId, err: errorMessage(error) }, 'could not record the outcome of an event');
  }
}

/** Submits events as one batch; the activity entry says what became of them either way. */
export async function submitRecorded(
  deps: ApiDeps,
  activityId: number,
  events: ItemEvent[],
  label: string,
): Promise<SubmitResult> {
  try {
    const result = await submitItemEvents(
      { db: deps.store.db, dialect: deps.store.dialect, queue: deps.queue },
      events,
      { label },
    );
    await recordOutcome(
      deps,
      activityId,
      `queued: batch ${result.batchId}, job(s) ${result.jobIds.join(', ')}`,
    );
    return result;
  } catch (error) {
    await recordOutcome(deps, activityId, `rejected: ${errorMessage(error)}`);
    throw error;
  }
}

/**
 * A movie or series deleted with its files names only its folder: its known items become deleted and one folder
 * removal job per serving group removes every Kodi entry below it once Kodi confirms the files are gone
 * (src/sync/folder-removal.ts). Undefined when no library of that kind holds the folder.
 */
export async function submitFolderDeletesRecorded(
  deps: ApiDeps,
  activityId: number,
  deletes: readonly FolderDelete[],
  label: string,
): Promise<{ batchId: number; jobIds: number[] } | undefined> {
  try {
    const result = await submitFolderRemovals(
      { db: deps.store.db, dialect: deps.store.dialect, queue: deps.queue },
      deletes,
      label,
    );
    await recordOutcome(
      deps,
      activityId,
      result
        ? `queued: batch ${result.batchId}, job(s) ${result.jobIds.join(', ')}`
        : 'ignored: the folder is in no library',
    );
    return result;
  } catch (error) {
    await recordOutcome(deps, activityId, `rejected: ${errorMessage(error)}`);
    throw error;
  }
}

/** For a single-item request, `events[0].path` reads better as `path`. */
export function singleItemError(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const field = error.field.replace(/^events\[0\]\.?/, '') || 'body';
  return new ValidationError(field, error.message.replace(/events\[0\]\.?/g, ''));
}
