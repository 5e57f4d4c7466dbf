/**
 * Repository: notification channels (type, settings with secrets, subscribed event types). The settings
 * are returned as stored: the API must redact them before showing them (see notify/).
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, ValidationError } from '../util/errors.js';
import {
  fromBool,
  parseJson,
  requireBool,
  requireJson,
  requireObject,
  requireText,
  uniqueField,
} from './rows.js';
import type { Database, NotificationChannelsTable } from './schema.js';

export interface NotificationChannel {
  id: number;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  events: string[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface NotificationChannelInput {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  events: string[];
  enabled?: boolean;
}

function toChannel(row: Selectable<NotificationChannelsTable>): NotificationChannel {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    settings: parseJson(row.settings, {}),
    events: parseJson<string[]>(row.events, []),
    enabled: row.enabled !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function eventList(value: unknown): string {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new ValidationError('events', 'events must be a list of event type names');
  }
  return JSON.stringify(value);
}

function checked(input: Partial<NotificationChannelInput>) {
  return {
    ...(input.name !== undefined && { name: requireText('name', input.name) }),
    ...(input.type !== undefined && { type: requireText('type', input.type) }),
    ...(input.settings !== undefined && {
      settings: requireJson('settings', requireObject('settings', input.settings)),
    }),
    ...(input.events !== undefined && { events: eventList(input.events) }),
    ...(input.enabled !== undefined && { enabled: fromBool(requireBool('enabled', input.enabled)) }),
  };
}

export async function createNotificationChannel(
  db: Kysely<Database>,
  input: NotificationChannelInput,
): Promise<NotificationChannel> {
  const values = checked(input);
  const now = Date.now();
  const row = await uniqueField('name', `a notification channel named "${input.name}" already exists`, () =>
    db
      .insertInto('notification_channels')
      .values({
        ...values,
        name: requireText('name', input.name),
        type: requireText('type', input.type),
        settings: requireJson('settings', requireObject('settings', input.settings)),
        events: eventList(input.events),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toChannel(row);
}

export async function getNotificationChannel(db: Kysely<Database>, id: number): Promise<NotificationChannel> {
  const row = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('notification channel', id);
  return toChannel(row);
}

export async function listNotificationChannels(
  db: Kysely<Database>,
  filter: { enabled?: boolean } = {},
): Promise<NotificationChannel[]> {
  let query = db.selectFrom('notification_channels').selectAll();
  if (filter.enabled !== undefined) query = query.where('enabled', '=', fromBool(filter.enabled));
  const rows = await query.orderBy('name').execute();
  return rows.map(toChannel);
}

export async function updateNotificationChannel(
  db: Kysely<Database>,
  id: number,
  patch: Partial<NotificationChannelInput>,
): Promise<NotificationChannel> {
  const values = checked(patch);
  const row = await uniqueField(
    'name',
    `a notification channel named "${patch.name ?? ''}" already exists`,
    () =>
      db
        .updateTable('notification_channels')
        .set({ ...values, updated_at: Date.now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError('notification channel', id);
  return toChannel(row);
}

export async function deleteNotificationChannel(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('notification channel', id);
}
