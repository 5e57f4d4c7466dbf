/**
 * Notification channels: the agents behind one interface, and the dispatcher the service uses.
 */
import { appriseAgent } from './apprise.js';
import { discordAgent } from './discord.js';
import { gotifyAgent } from './gotify.js';
import { createKodiToastAgent, type KodiToastTargets } from './kodi-toast.js';
import { ntfyAgent } from './ntfy.js';
import { pushoverAgent } from './pushover.js';
import type { NotificationAgent } from './types.js';

/** Every agent; the Kodi toast only when the service can resolve players to Kodi clients. */
export function defaultAgents(deps: { kodiToastTargets?: KodiToastTargets } = {}): NotificationAgent[] {
  const agents: NotificationAgent[] = [discordAgent, pushoverAgent, ntfyAgent, gotifyAgent, appriseAgent];
  if (deps.kodiToastTargets !== undefined) agents.push(createKodiToastAgent(deps.kodiToastTargets));
  return agents;
}

export { appriseAgent, ApprisePartialFailureError } from './apprise.js';
export { discordAgent } from './discord.js';
export { gotifyAgent } from './gotify.js';
export { createKodiToastAgent, type KodiToastTarget, type KodiToastTargets } from './kodi-toast.js';
export { ntfyAgent } from './ntfy.js';
export { pushoverAgent } from './pushover.js';
export { RateLimitedError } from './http.js';
export { redactSecrets } from './redact.js';
export {
  createNotifier,
  DEFAULT_LEVELS,
  type ChannelResult,
  type Notifier,
  type NotifierChannel,
  type NotifierOptions,
} from './notifier.js';
export * from './types.js';
