/**
 * Pushover: POST form fields to the messages API (https://pushover.net/api). message ≤ 1024, title ≤ 250
 * characters. Priority 2 (emergency) needs retry/expire and an acknowledgement: not offered.
 */
import { z } from 'zod';
import { truncateChars } from './limits.js';
import { deadlineFrom, failForStatus, httpPost, isOk } from './http.js';
import { parseSettings } from './settings.js';
import type { NotificationAgent } from './types.js';

export const PUSHOVER_API_URL = 'https://api.pushover.net/1/messages.json';
export const PUSHOVER_MESSAGE_MAX = 1024;
export const PUSHOVER_TITLE_MAX = 250;

export const pushoverSettingsSchema = z.object({
  /** The application's API token. */
  token: z.string().min(1),
  /** The user or group key. */
  user: z.string().min(1),
  priority: z.number().int().min(-2).max(1).default(0),
  sound: z.string().min(1).optional(),
  device: z.string().min(1).optional(),
  /** The real API unless a test or a relay stands in for it. */
  apiUrl: z.url({ protocol: /^https?$/ }).default(PUSHOVER_API_URL),
});
export type PushoverSettings = z.infer<typeof pushoverSettingsSchema>;

function pushoverErrors(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) return body.errors.map(String).join('; ');
  } catch {
    // Not JSON: the status alone is reported.
  }
  return undefined;
}

export const pushoverAgent: NotificationAgent<PushoverSettings> = {
  type: 'pushover',
  settingsSchema: pushoverSettingsSchema,
  validateSettings: (settings) => parseSettings(pushoverSettingsSchema, settings, 'Pushover'),
  secretsOf: (settings) => [settings.token, settings.user],
  async send(message, settings, options) {
    const secrets = this.secretsOf(settings);
    const form = new URLSearchParams({
      token: settings.token,
      user: settings.user,
      title: truncateChars(message.title, PUSHOVER_TITLE_MAX),
      message: truncateChars(message.message, PUSHOVER_MESSAGE_MAX),
    });
    if (settings.priority !== 0) form.set('priority', String(settings.priority));
    if (settings.sound !== undefined) form.set('sound', settings.sound);
    if (settings.device !== undefined) form.set('device', settings.device);
    const answer = await httpPost(
      {
        service: 'Pushover',
        url: settings.apiUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
      deadlineFrom(options),
      secrets,
    );
    if (isOk(answer)) return;
    failForStatus(
      'Pushover',
      answer,
      secrets,
      'check the application token and user key',
      answer.status === 400 ? pushoverErrors(answer.text) : undefined,
    );
  },
};
