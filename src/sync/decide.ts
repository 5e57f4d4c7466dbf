/**
 * The reconcile decision (DESIGN §6.4), pure: desired state + what a fresh lookup found in Kodi → what to do.
 * Every job runs this against Kodi's state NOW, so repeats are harmless and an offline Kodi converges later.
 */
import type { ItemState } from './types.js';

export type SyncAction = 'publish' | 'refresh' | 'in-sync' | 'remove' | 'absent';

export function decideAction(
  desired: { state: ItemState; revision: number },
  presentInKodi: boolean,
  revisionApplied: number | null,
): SyncAction {
  if (desired.state === 'deleted') return presentInKodi ? 'remove' : 'absent';
  if (!presentInKodi) return 'publish';
  // Revision 1 is the first publish: an item Kodi already has counts as applied at 1.
  return desired.revision > (revisionApplied ?? 1) ? 'refresh' : 'in-sync';
}
