/**
 * Apprise API (caronc/apprise-api README): stateless POST /notify with `urls`, or stateful POST /notify/{key}
 * with an optional `tag`; JSON {title, body, type: info|success|warning|failure}. 204 = no configuration for the
 * key; 424 = at least one target failed (or no tag matched), so some may have received it.
 */
import { z } from 'zod';
import { PermanentError } from '../util/errors.js';
import { deadlineFrom, failForStatus, httpPost, isOk } from './http.js';
import { basicAuth } from './redact.js';
import { parseSettings, trimBase } from './settings.js';
import type { NotificationAgent } from './types.js';

export const appriseSettingsSchema = z.object({
  serverUrl: z.url({ protocol: /^https?$/ }),
  /** Stateful: a configuration key stored on the Apprise server. */
  key: z
    .string()
    .regex(/^[\w-]{1,128}$/, 'must be 1–128 letters, digits, "-" or "_"')
    .optional(),
  /** Stateful only: which of the key's URLs (`,` = OR, space = AND). */
  tag: z.string().min(1).optional(),
  /** Stateless: Apprise URLs (they hold the targets' tokens); without them the server's default URLs are used. */
  urls: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
});
export type AppriseSettings = z.infer<typeof appriseSettingsSchema>;

/** Some targets may have received the message, so it must not be retried as a whole. */
export class ApprisePartialFailureError extends PermanentError {}

export const appriseAgent: NotificationAgent<AppriseSettings> = {
  type: 'apprise',
  settingsSchema: appriseSettingsSchema,
  validateSettings: (settings) => parseSettings(appriseSettingsSchema, settings, 'Apprise'),
  secretsOf(settings) {
    const secrets = [settings.password].filter((value) => value !== undefined);
    // Each Apprise URL embeds its service's token: mask every one and the list as a whole.
    const urls = settings.urls === undefined ? [] : [settings.urls, ...settings.urls.split(/[\s,]+/)];
    const auth =
      settings.username !== undefined && settings.password !== undefined
        ? [basicAuth(settings.username, settings.password).replace(/^Basic /, '')]
        : [];
    return [...secrets, ...urls.filter((url) => url !== ''), ...auth];
  },
  async send(message, settings, options) {
    const secrets = this.secretsOf(settings);
    const base = trimBase(settings.serverUrl);
    const stateful = settings.key !== undefined;
    const url = stateful ? `${base}/notify/${encodeURIComponent(settings.key ?? '')}` : `${base}/notify`;
    const body = {
      title: message.title,
      body: message.message,
      type: message.level,
      ...(stateful && settings.tag !== undefined ? { tag: settings.tag } : {}),
      ...(!stateful && settings.urls !== undefined ? { urls: settings.urls } : {}),
    };
    const auth =
      settings.username !== undefined && settings.password !== undefined
        ? { authorization: basicAuth(settings.username, settings.password) }
        : {};
    const answer = await httpPost(
      {
        service: 'Apprise',
        url,
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify(body),
      },
      deadlineFrom(options),
      secrets,
    );
    if (answer.status === 204) {
      throw new PermanentError(
        stateful
          ? `Apprise has no configuration for key "${settings.key ?? ''}" (HTTP 204) — save one under that key`
          : 'Apprise had no URLs to notify (HTTP 204) — set urls or the server default',
      );
    }
    if (answer.status === 424) {
      throw new ApprisePartialFailureError(
        'Apprise: at least one notification could not be sent, or no tag matched (HTTP 424) — see the Apprise API log',
      );
    }
    if (isOk(answer)) return;
    failForStatus('Apprise', answer, secrets, 'check the Apprise API username and password');
  },
};
