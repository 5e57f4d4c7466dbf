/**
 * The dispatcher: sends an event to every enabled channel subscribed to its type, all at once, each within a
 * timeout. It never throws into the caller: a failure is logged (secrets scrubbed) and reported in the result.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../util/errors.js';
import { redactSecrets } from './redact.js';
import type {
  NotificationAgent,
  NotificationEvent,
  NotificationEventType,
  NotificationLevel,
  NotificationMessage,
} from './types.js';

/** A stored channel (store/notification-channels.ts has this shape). */
export interface NotifierChannel {
  id: number;
  name: string;
  type: string;
  enabled: boolean;
  events: readonly string[];
  settings: unknown;
}

export interface ChannelResult {
  channelId: number;
  channel: string;
  ok: boolean;
  /** Scrubbed of the channel's secrets. */
  error?: string;
}

export interface Notifier {
  /** Never rejects. */
  notify(event: NotificationEvent): Promise<ChannelResult[]>;
  /** The "Test" button: sends a test message to one channel, enabled or not; rejects with a scrubbed error. */
  sendTest(channel: NotifierChannel): Promise<void>;
  /** Every secret in a channel's settings, for the service's log SecretRegistry. */
  secretsOf(channel: NotifierChannel): string[];
}

export interface NotifierOptions {
  listChannels: () => Promise<readonly NotifierChannel[]> | readonly NotifierChannel[];
  logger: Logger;
  agents: readonly NotificationAgent[];
  /** Per channel send, retries included. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_LEVELS: Record<NotificationEventType, NotificationLevel> = {
  'job-failed': 'failure',
  'batch-finished': 'success',
  'clean-report': 'info',
  'clean-refused': 'warning',
  'kodi-offline': 'warning',
  'kodi-back': 'success',
};

/** Values under these keys are secret whatever the agent says (a last line of defence for invalid settings). */
const SECRET_KEY = /token|password|secret|key|url|user/i;

function settingValues(settings: unknown): string[] {
  if (typeof settings !== 'object' || settings === null) return [];
  return Object.entries(settings).flatMap(([key, value]) =>
    SECRET_KEY.test(key) && typeof value === 'string' ? [value] : [],
  );
}

export function createNotifier(options: NotifierOptions): Notifier {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agents = new Map<string, NotificationAgent>(options.agents.map((agent) => [agent.type, agent]));

  function secretsOf(channel: NotifierChannel): string[] {
    const generic = settingValues(channel.settings);
    const agent = agents.get(channel.type);
    if (agent === undefined) return generic;
    try {
      return [...agent.secretsOf(agent.validateSettings(channel.settings)), ...generic];
    } catch {
      return generic;
    }
  }

  async function deliver(channel: NotifierChannel, message: NotificationMessage): Promise<void> {
    const agent = agents.get(channel.type);
    if (agent === undefined) {
      throw new Error(`unknown channel type "${channel.type}" (known: ${[...agents.keys()].join(', ')})`);
    }
    const settings = agent.validateSettings(channel.settings);
    await agent.send(message, settings, {
      timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  async function sendOne(channel: NotifierChannel, message: NotificationMessage): Promise<ChannelResult> {
    try {
      await deliver(channel, message);
      return { channelId: channel.id, channel: channel.name, ok: true };
    } catch (error) {
      const text = redactSecrets(errorMessage(error), secretsOf(channel));
      options.logger.warn(
        { channelId: channel.id, channel: channel.name, channelType: channel.type, event: message.type },
        `notification not sent: ${text}`,
      );
      return { channelId: channel.id, channel: channel.name, ok: false, error: text };
    }
  }

  return {
    secretsOf,
    async notify(event) {
      let channels: readonly NotifierChannel[];
      try {
        channels = await options.listChannels();
      } catch (error) {
        options.logger.warn(
          { event: event.type },
          `notification channels unavailable: ${errorMessage(error)}`,
        );
        return [];
      }
      const message: NotificationMessage = {
        type: event.type,
        title: event.title,
        message: event.message,
        level: event.level ?? DEFAULT_LEVELS[event.type],
      };
      const chosen = channels.filter((channel) => channel.enabled && channel.events.includes(event.type));
      return Promise.all(chosen.map((channel) => sendOne(channel, message)));
    },
    async sendTest(channel) {
      const message: NotificationMessage = {
        type: 'batch-finished',
        title: 'Kodi Sync test',
        message: `This is a test from Kodi Sync for the channel "${channel.name}".`,
        level: 'info',
      };
      try {
        await deliver(channel, message);
      } catch (error) {
        const text = redactSecrets(errorMessage(error), secretsOf(channel));
        if (error instanceof Error && text !== error.message) error.message = text;
        throw error;
      }
    },
  };
}
