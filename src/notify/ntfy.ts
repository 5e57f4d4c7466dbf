/**
 * ntfy: JSON publish to the server ROOT with the topic in the body (binwiederhier/ntfy docs/publish.md). JSON, not
 * the X-Title header: Node's fetch refuses header characters above U+00FF, and non-ASCII titles are common.
 * message ≤ 4096 bytes (longer would become an attachment). Auth: Bearer access token, or Basic user/password.
 */
import { z } from 'zod';
import { truncateChars, truncateUtf8Bytes } from './limits.js';
import { deadlineFrom, failForStatus, httpPost, isOk } from './http.js';
import { basicAuth } from './redact.js';
import { parseSettings, trimBase } from './settings.js';
import type { NotificationAgent, NotificationLevel } from './types.js';

export const NTFY_MESSAGE_MAX_BYTES = 4096;
/** ntfy documents no title limit; this keeps a phone notification readable. */
export const NTFY_TITLE_MAX = 250;

export const ntfySettingsSchema = z.object({
  serverUrl: z.url({ protocol: /^https?$/ }).default('https://ntfy.sh'),
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1–64 letters, digits, "-" or "_"'),
  /** Access token (tk_…); wins over username/password. */
  token: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** 1 (min) … 5 (max); default from the event: failures and warnings 4, the rest 3. */
  priority: z.number().int().min(1).max(5).optional(),
});
export type NtfySettings = z.infer<typeof ntfySettingsSchema>;

const TAGS: Record<NotificationLevel, string> = {
  info: 'information_source',
  success: 'white_check_mark',
  warning: 'warning',
  failure: 'rotating_light',
};

function authorization(settings: NtfySettings): Record<string, string> {
  if (settings.token !== undefined) return { authorization: `Bearer ${settings.token}` };
  if (settings.username !== undefined && settings.password !== undefined) {
    return { authorization: basicAuth(settings.username, settings.password) };
  }
  return {};
}

export const ntfyAgent: NotificationAgent<NtfySettings> = {
  type: 'ntfy',
  settingsSchema: ntfySettingsSchema,
  validateSettings: (settings) => parseSettings(ntfySettingsSchema, settings, 'ntfy'),
  secretsOf(settings) {
    const secrets = [settings.token, settings.password].filter((value) => value !== undefined);
    const header = authorization(settings).authorization;
    return header === undefined ? secrets : [...secrets, header.replace(/^\w+ /, '')];
  },
  async send(message, settings, options) {
    const secrets = this.secretsOf(settings);
    const level = message.level;
    const body = JSON.stringify({
      topic: settings.topic,
      title: truncateChars(message.title, NTFY_TITLE_MAX),
      message: truncateUtf8Bytes(message.message, NTFY_MESSAGE_MAX_BYTES),
      priority: settings.priority ?? (level === 'failure' || level === 'warning' ? 4 : 3),
      tags: [TAGS[level]],
    });
    const answer = await httpPost(
      {
        service: 'ntfy',
        url: `${trimBase(settings.serverUrl)}/`,
        headers: { 'content-type': 'application/json', ...authorization(settings) },
        body,
      },
      deadlineFrom(options),
      secrets,
    );
    if (isOk(answer)) return;
    failForStatus(
      'ntfy',
      answer,
      secrets,
      `check the access token or username/password, and that they may publish to topic "${settings.topic}"`,
    );
  },
};
