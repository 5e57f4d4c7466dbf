/**
 * CRUD for notification channels (Discord, Pushover, ntfy, Gotify, Apprise, Kodi toast) and their Test button.
 * Secrets are write-only: answers show "********" in their place, and sending "********" back on update keeps
 * the stored value, so a client can round-trip what it read.
 */
import { z } from 'zod';
import { MASK } from '../../config/mask.js';
import { AGENT_TYPES, NOTIFICATION_EVENT_TYPES, type NotifierChannel } from '../../notify/index.js';
import {
  createNotificationChannel,
  deleteNotificationChannel,
  getNotificationChannel,
  listNotificationChannels,
  updateNotificationChannel,
  type NotificationChannel,
} from '../../store/index.js';
import { errorMessage, ValidationError } from '../../util/errors.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { defined, Deleted, errors, IdParams, Name } from './common.js';
import { OUTBOUND_TEST_LIMIT } from '../rate-limit.js';

const Settings = z.record(z.string(), z.unknown(), {
  error: 'must be an object of the channel type’s settings',
});
const ChannelCreate = z.strictObject({
  name: Name,
  type: z.enum(AGENT_TYPES, { error: `must be one of ${AGENT_TYPES.join(', ')}` }),
  settings: Settings,
  events: z
    .array(
      z.enum(NOTIFICATION_EVENT_TYPES, {
        error: `must list event types of ${NOTIFICATION_EVENT_TYPES.join(', ')}`,
      }),
    )
    .max(NOTIFICATION_EVENT_TYPES.length * 2),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
});
const ChannelUpdate = ChannelCreate.partial();

const Channel = z
  .object({
    id: z.number().int(),
    name: z.string(),
    type: z.string(),
    settings: z.record(z.string(), z.unknown()).describe('Secrets shown as ********'),
    events: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'NotificationChannel' });

const TestAnswer = z.object({ ok: z.boolean(), message: z.string() });

export function registerNotificationRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  const tags = ['notifications'];
  const notifier = deps.notifier;

  const masked = (channel: NotificationChannel) => {
    const secrets = notifier.secretsOf(channel).filter((s) => s.length > 0);
    const settings = Object.fromEntries(
      Object.entries(channel.settings).map(([key, value]) => [key, maskValue(value, secrets)]),
    );
    return { ...channel, settings };
  };
  /** Checks the settings with the channel type's own schema before anything is written. */
  const validate = (type: string, settings: Record<string, unknown>) => {
    const agent = deps.agents.find((a) => a.type === type);
    if (agent === undefined) throw new ValidationError('type', `type: unknown channel type "${type}"`);
    try {
      agent.validateSettings(settings);
    } catch (error) {
      if (error instanceof ValidationError)
        throw new ValidationError(
          error.field.startsWith('settings') ? error.field : `settings.${error.field}`,
          error.message,
        );
      throw new ValidationError('settings', `settings: ${errorMessage(error)}`);
    }
  };
  const remember = (channel: NotifierChannel) => {
    for (const secret of notifier.secretsOf(channel)) deps.secrets.add(secret);
  };

  app.get('/api/v1/notifications', { schema: { tags, response: { 200: z.array(Channel) } } }, async () =>
    (await listNotificationChannels(db)).map(masked),
  );
  app.post(
    '/api/v1/notifications',
    { schema: { tags, body: ChannelCreate, response: { 201: Channel, ...errors } } },
    async (request, reply) => {
      validate(request.body.type, request.body.settings);
      const { name, type, settings, events, enabled } = request.body;
      remember({ id: 0, name, type, settings, events, enabled: enabled ?? true });
      const channel = await createNotificationChannel(db, {
        name,
        type,
        settings,
        events,
        ...(enabled !== undefined && { enabled }),
      });
      return reply.code(201).send(masked(channel));
    },
  );
  app.get(
    '/api/v1/notifications/:id',
    { schema: { tags, params: IdParams, response: { 200: Channel, ...errors } } },
    async (request) => masked(await getNotificationChannel(db, request.params.id)),
  );
  app.put(
    '/api/v1/notifications/:id',
    { schema: { tags, params: IdParams, body: ChannelUpdate, response: { 200: Channel, ...errors } } },
    async (request) => {
      const current = await getNotificationChannel(db, request.params.id);
      const type = request.body.type ?? current.type;
      const settings =
        request.body.settings === undefined
          ? current.settings
          : keepMaskedSecrets(request.body.settings, current.settings);
      validate(type, settings);
      remember({ ...current, type, settings });
      const { settings: _ignored, ...rest } = request.body;
      return masked(await updateNotificationChannel(db, request.params.id, { ...defined(rest), settings }));
    },
  );
  app.delete(
    '/api/v1/notifications/:id',
    { schema: { tags, params: IdParams, response: { 204: Deleted, ...errors } } },
    async (request, reply) => {
      await deleteNotificationChannel(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/notifications/:id/test',
    {
      config: { rateLimit: OUTBOUND_TEST_LIMIT },
      schema: {
        tags,
        summary: 'Send a test message through this channel',
        params: IdParams,
        response: { 200: TestAnswer, ...errors },
      },
    },
    async (request) => {
      const channel = await getNotificationChannel(db, request.params.id);
      try {
        await notifier.sendTest(channel);
        return { ok: true, message: `Test message sent through "${channel.name}".` };
      } catch (error) {
        return { ok: false, message: deps.secrets.scrub(errorMessage(error)) };
      }
    },
  );
}

function maskValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value !== 'string') return value;
  if (secrets.includes(value)) return MASK;
  let out = value;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(MASK);
  return out;
}

/** A value that still holds "********" is the one the client was shown: keep the stored value. */
function keepMaskedSecrets(
  incoming: Record<string, unknown>,
  stored: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(incoming).map(([key, value]) => [
      key,
      typeof value === 'string' && value.includes(MASK) && key in stored ? stored[key] : value,
    ]),
  );
}
