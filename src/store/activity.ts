/** Repository: the activity log — every event received (API, webhook, schedule) and its outcome. */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, ValidationError } from '../util/errors.js';
import { optionalText, parseJson, requireJson, requireText } from './rows.js';
import type { ActivityTable, Database } from './schema.js';

/** Payloads are kept small: a webhook body larger than this is stored cut, with a marker. */
export const MAX_ACTIVITY_PAYLOAD_CHARS = 16_000;

export interface Activity {
  id: number;
  at: number;
  source: string;
  kind: string;
  summary: string;
  payload: unknown;
  outcome: string | null;
}

export interface ActivityInput {
  at?: number;
  source: string;
  kind: string;
  summary: string;
  payload?: unknown;
  outcome?: string | null;
}

function toActivity(row: Selectable<ActivityTable>): Activity {
  return {
    id: row.id,
    at: row.at,
    source: row.source,
    kind: row.kind,
    summary: row.summary,
    payload: parseJson<unknown>(row.payload, null),
    outcome: row.outcome,
  };
}

function payloadText(payload: unknown): string | null {
  if (payload === undefined) return null;
  const text = requireJson('payload', payload);
  if (text.length <= MAX_ACTIVITY_PAYLOAD_CHARS) return text;
  return JSON.stringify({ truncated: true, head: text.slice(0, MAX_ACTIVITY_PAYLOAD_CHARS) });
}

export async function createActivity(db: Kysely<Database>, input: ActivityInput): Promise<Activity> {
  const row = await db
    .insertInto('activity')
    .values({
      at: input.at ?? Date.now(),
      source: requireText('source', input.source),
      kind: requireText('kind', input.kind),
      summary: requireText('summary', input.summary),
      payload: payloadText(input.payload),
      outcome: optionalText('outcome', input.outcome),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toActivity(row);
}

export async function getActivity(db: Kysely<Database>, id: number): Promise<Activity> {
  const row = await db.selectFrom('activity').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('activity', id);
  return toActivity(row);
}

/** Newest first; page with `beforeId`. */
export async function listActivities(
  db: Kysely<Database>,
  filter: { source?: string; kind?: string; beforeId?: number; limit?: number } = {},
): Promise<Activity[]> {
  let query = db.selectFrom('activity').selectAll();
  if (filter.source !== undefined) query = query.where('source', '=', filter.source);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map(toActivity);
}

/** Only the outcome and summary change after the fact (the event itself is history). */
export async function updateActivity(
  db: Kysely<Database>,
  id: number,
  patch: { outcome?: string | null; summary?: string },
): Promise<Activity> {
  if (patch.outcome === undefined && patch.summary === undefined) {
    throw new ValidationError('outcome', 'nothing to update: give outcome and/or summary');
  }
  const row = await db
    .updateTable('activity')
    .set({
      ...(patch.outcome !== undefined && { outcome: optionalText('outcome', patch.outcome) }),
      ...(patch.summary !== undefined && { summary: requireText('summary', patch.summary) }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('activity', id);
  return toActivity(row);
}

export async function deleteActivity(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('activity').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('activity', id);
}

/** Deletes entries older than `before` (epoch ms); returns how many. */
export async function pruneActivity(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('activity').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
