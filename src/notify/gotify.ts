/**
 * Gotify: POST {server}/message with the application token in X-Gotify-Key and JSON {title, message, priority}
 * (gotify docs/pushmsg.md). On the Android app 0 is silent, 4–7 sound, 8–10 vibrate.
 */
import { z } from 'zod';
import { PermanentError } from '../util/errors.js';
import { deadlineFrom, failForStatus, httpPost, isOk } from './http.js';
import { parseSettings, trimBase } from './settings.js';
import type { NotificationAgent, NotificationLevel } from './types.js';

export const gotifySettingsSchema = z.object({
  serverUrl: z.url({ protocol: /^https?$/ }),
  /** The application token (shown once by Gotify 3 when the application is created). */
  token: z.string().min(1),
  /** 0–10; default from the event: failures 8, warnings 6, the rest 4. */
  priority: z.number().int().min(0).max(10).optional(),
});
export type GotifySettings = z.infer<typeof gotifySettingsSchema>;

const PRIORITY: Record<NotificationLevel, number> = { failure: 8, warning: 6, success: 4, info: 4 };

export const gotifyAgent: NotificationAgent<GotifySettings> = {
  type: 'gotify',
  settingsSchema: gotifySettingsSchema,
  validateSettings: (settings) => parseSettings(gotifySettingsSchema, settings, 'Gotify'),
  secretsOf: (settings) => [settings.token],
  async send(message, settings, options) {
    const secrets = this.secretsOf(settings);
    const answer = await httpPost(
      {
        service: 'Gotify',
        url: `${trimBase(settings.serverUrl)}/message`,
        headers: { 'content-type': 'application/json', 'x-gotify-key': settings.token },
        body: JSON.stringify({
          title: message.title,
          message: message.message,
          priority: settings.priority ?? PRIORITY[message.level],
        }),
      },
      deadlineFrom(options),
      secrets,
    );
    if (isOk(answer)) return;
    if (answer.status === 401) {
      throw new PermanentError(
        'Gotify: the application token is invalid (HTTP 401) — create an application in Gotify and paste its token',
      );
    }
    failForStatus('Gotify', answer, secrets, 'use an application token (not a client token)');
  },
};
