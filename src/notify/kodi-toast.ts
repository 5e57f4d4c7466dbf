/**
 * A toast on Kodi screens (GUI.ShowNotification). Depends only on `{ name, showNotification }`, so this module does
 * not care how KodiClients are built or pooled; the service passes a resolver from the channel settings to targets.
 */
import { z } from 'zod';
import { errorMessage, PermanentError, retryClassOf, TransientError } from '../util/errors.js';
import { truncateChars } from './limits.js';
import { parseSettings } from './settings.js';
import type { NotificationAgent } from './types.js';

/** What the toast needs from a Kodi (KodiClient has exactly this method). */
export interface KodiToastTarget {
  /** Names the Kodi in errors. */
  name: string;
  showNotification(title: string, message: string, displaytimeMs: number): Promise<unknown>;
}

export const kodiToastSettingsSchema = z.object({
  /** Player ids to show it on; absent or empty = every enabled player. */
  players: z.array(z.number().int().positive()).optional(),
  displayTimeMs: z.number().int().min(1_500).max(60_000).default(5_000),
});
export type KodiToastSettings = z.infer<typeof kodiToastSettingsSchema>;

/** A toast shows about two short lines; the skin cuts the rest anyway. */
export const TOAST_TITLE_MAX = 80;
export const TOAST_MESSAGE_MAX = 250;

export type KodiToastTargets = (
  settings: KodiToastSettings,
) => readonly KodiToastTarget[] | Promise<readonly KodiToastTarget[]>;

function withTimeout(promise: Promise<unknown>, timeoutMs: number, name: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new TransientError(`Kodi toast: ${name} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

export function createKodiToastAgent(targets: KodiToastTargets): NotificationAgent<KodiToastSettings> {
  return {
    type: 'kodi-toast',
    settingsSchema: kodiToastSettingsSchema,
    validateSettings: (settings) => parseSettings(kodiToastSettingsSchema, settings, 'Kodi toast'),
    secretsOf: () => [],
    async send(message, settings, options) {
      const kodis = await targets(settings);
      if (kodis.length === 0)
        throw new PermanentError('Kodi toast: no enabled Kodi matches this channel’s players');
      const title = truncateChars(message.title, TOAST_TITLE_MAX);
      const text = truncateChars(message.message, TOAST_MESSAGE_MAX);
      const results = await Promise.allSettled(
        kodis.map((kodi) =>
          withTimeout(
            kodi.showNotification(title, text, settings.displayTimeMs),
            options.timeoutMs,
            kodi.name,
          ),
        ),
      );
      const failures = results.flatMap((result, i) =>
        result.status === 'rejected'
          ? [{ name: kodis[i]?.name ?? '?', error: result.reason as unknown }]
          : [],
      );
      if (failures.length === 0) return;
      const summary = `Kodi toast failed on ${failures.map((f) => `${f.name} (${errorMessage(f.error)})`).join(', ')}`;
      // A Kodi that is off or slow may show it later; anything else needs a person.
      const transient = failures.some((f) => retryClassOf(f.error) === 'transient');
      throw transient ? new TransientError(summary) : new PermanentError(summary);
    },
  };
}
