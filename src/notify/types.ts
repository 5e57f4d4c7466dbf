/**
 * The one shape every notification channel type implements, and what the service notifies about.
 */
import type { z } from 'zod';

export const NOTIFICATION_EVENT_TYPES = [
  'job-failed',
  'batch-finished',
  'clean-report',
  'clean-refused',
  'kodi-offline',
  'kodi-back',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

/** How the services colour or rank it (Apprise's `type` values; the others map from it). */
export type NotificationLevel = 'info' | 'success' | 'warning' | 'failure';

/** What the service asks to be sent. `level` defaults by type (job-failed → failure, kodi-back → success, …). */
export interface NotificationEvent {
  type: NotificationEventType;
  title: string;
  message: string;
  level?: NotificationLevel;
}

/** What an agent receives: the event with its level settled. */
export interface NotificationMessage {
  type: NotificationEventType;
  title: string;
  message: string;
  level: NotificationLevel;
}

export interface SendOptions {
  /** The whole send, retries included, must end within this time (→ TransientError). */
  timeoutMs: number;
  /** Aborts the send (service shutdown). */
  signal?: AbortSignal;
}

export const AGENT_TYPES = ['discord', 'pushover', 'ntfy', 'gotify', 'apprise', 'kodi-toast'] as const;
export type AgentType = (typeof AGENT_TYPES)[number];

export interface NotificationAgent<S = unknown> {
  readonly type: AgentType;
  /** Settings schema (for the API's validation and OpenAPI). */
  readonly settingsSchema: z.ZodType<S>;
  /** Parses a channel's stored settings; throws a ValidationError naming the setting (`settings.token`). */
  validateSettings(settings: unknown): S;
  /** The values that must never appear in a log or an error (tokens, passwords, a webhook URL's token part). */
  secretsOf(settings: S): string[];
  /** Sends one message; throws TransientError (try later) or PermanentError (fix the settings), secrets redacted. */
  send(message: NotificationMessage, settings: S, options: SendOptions): Promise<void>;
}
