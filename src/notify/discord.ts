/**
 * Discord channel webhook: POST {webhookUrl} with one embed (research/webhooks-and-ecosystem.md §D). Limits: embed
 * title 256, description 4096, 6000 in all embeds. A 429 carries `retry_after` (seconds, JSON body) and
 * Retry-After: wait and retry once when that fits in the deadline and a small bound, else a RateLimitedError.
 */
import { z } from 'zod';
import { truncateChars } from './limits.js';
import {
  deadlineFrom,
  failForStatus,
  httpPost,
  isOk,
  pause,
  RateLimitedError,
  retryAfterHeaderMs,
  type HttpAnswer,
} from './http.js';
import { parseSettings } from './settings.js';
import type { NotificationAgent, NotificationLevel } from './types.js';

/** `…/webhooks/{id}/{token}`: the token is the secret part. */
const WEBHOOK_PATH = /\/webhooks\/(\d+)\/([^/?#]+)/;

export const discordSettingsSchema = z.object({
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => URL.canParse(url) && WEBHOOK_PATH.test(new URL(url).pathname), {
      error: 'must be a Discord webhook URL like https://discord.com/api/webhooks/{id}/{token}',
    }),
  /** Shown as the sender; Discord's default is the webhook's own name. */
  username: z.string().min(1).max(80).optional(),
  /** Longest wait for a 429 before giving up with a RateLimitedError. */
  maxRetryWaitMs: z.number().int().min(0).max(60_000).default(5_000),
});
export type DiscordSettings = z.infer<typeof discordSettingsSchema>;

const COLORS: Record<NotificationLevel, number> = {
  info: 0x3498db,
  success: 0x2ecc71,
  warning: 0xf1c40f,
  failure: 0xe74c3c,
};

export const EMBED_TITLE_MAX = 256;
export const EMBED_DESCRIPTION_MAX = 4096;

function rateLimitWaitMs(answer: HttpAnswer): number | undefined {
  try {
    const body = JSON.parse(answer.text) as { retry_after?: unknown };
    if (typeof body.retry_after === 'number' && body.retry_after >= 0)
      return Math.ceil(body.retry_after * 1000);
  } catch {
    // Not JSON (a proxy's 429): fall back to the header.
  }
  return retryAfterHeaderMs(answer.headers);
}

export const discordAgent: NotificationAgent<DiscordSettings> = {
  type: 'discord',
  settingsSchema: discordSettingsSchema,
  validateSettings: (settings) => parseSettings(discordSettingsSchema, settings, 'Discord'),
  secretsOf(settings) {
    const token = WEBHOOK_PATH.exec(settings.webhookUrl)?.[2];
    return token === undefined ? [settings.webhookUrl] : [settings.webhookUrl, token];
  },
  async send(message, settings, options) {
    const secrets = this.secretsOf(settings);
    const deadline = deadlineFrom(options);
    const body = JSON.stringify({
      ...(settings.username === undefined ? {} : { username: settings.username }),
      embeds: [
        {
          title: truncateChars(message.title, EMBED_TITLE_MAX),
          description: truncateChars(message.message, EMBED_DESCRIPTION_MAX),
          color: COLORS[message.level],
        },
      ],
      // File and show names must never ping anyone.
      allowed_mentions: { parse: [] },
    });
    const request = {
      service: 'Discord',
      url: settings.webhookUrl,
      headers: { 'content-type': 'application/json' },
      body,
    };
    let answer = await httpPost(request, deadline, secrets);
    if (answer.status === 429) {
      const waitMs = rateLimitWaitMs(answer);
      const fits =
        waitMs !== undefined && waitMs <= settings.maxRetryWaitMs && Date.now() + waitMs < deadline.endsAt;
      if (!fits) {
        throw new RateLimitedError(
          `Discord is rate limiting this webhook (HTTP 429)${waitMs === undefined ? '' : `; retry after ${waitMs} ms`}`,
          waitMs,
        );
      }
      await pause(waitMs, deadline);
      answer = await httpPost(request, deadline, secrets);
    }
    if (isOk(answer)) return;
    failForStatus(
      'Discord',
      answer,
      secrets,
      'the webhook was deleted or its URL is wrong; copy it again from Discord',
    );
  },
};
