/**
 * Turns Kodi's raw notifications (`{method, params:{sender, data}}`, no id) into the normalised KodiNotification
 * union. Shapes: kodi-jsonrpc.md §8, observed on Kodi 20.1 in real-kodi.md §2, §7, §8, §10, §12.
 */
import { isRecord } from './jsonrpc.js';
import type { KodiItemRef, KodiNotification, KodiPlayerItem } from './types.js';

const PLAYER_STATE_METHODS = [
  'Player.OnPlay',
  'Player.OnAVStart',
  'Player.OnPause',
  'Player.OnResume',
] as const;
type PlayerStateMethod = (typeof PLAYER_STATE_METHODS)[number];

function isPlayerStateMethod(method: string): method is PlayerStateMethod {
  return (PLAYER_STATE_METHODS as readonly string[]).includes(method);
}

/**
 * OnUpdate/OnRemove name the item as `data.item.{id,type}` (what Kodi 19–21 sends for scans and refreshes) or flat
 * `data.{id,type}` (the documented shape, and what OnRemove uses). kodi-jsonrpc.md §8.
 */
function itemRef(data: Record<string, unknown>): KodiItemRef | undefined {
  const source = isRecord(data.item) ? data.item : data;
  const { id, type } = source;
  return typeof id === 'number' && typeof type === 'string' ? { id, type } : undefined;
}

function playerItem(value: unknown): KodiPlayerItem {
  if (!isRecord(value)) return { type: 'unknown' };
  const item: KodiPlayerItem = { type: typeof value.type === 'string' ? value.type : 'unknown' };
  if (typeof value.id === 'number') item.id = value.id;
  if (typeof value.title === 'string') item.title = value.title;
  if (typeof value.label === 'string') item.label = value.label;
  if (typeof value.file === 'string') item.file = value.file;
  return item;
}

function other(rawMethod: string, data: unknown): KodiNotification {
  return { method: 'other', rawMethod, data };
}

export function parseNotification(method: string, params: unknown): KodiNotification {
  const data = isRecord(params) ? params.data : undefined;
  switch (method) {
    case 'VideoLibrary.OnScanStarted':
    case 'VideoLibrary.OnScanFinished':
    case 'VideoLibrary.OnCleanStarted':
    case 'VideoLibrary.OnCleanFinished':
      return { method };
  }
  if (!isRecord(data)) return other(method, data);
  const transaction = data.transaction === true;
  if (method === 'VideoLibrary.OnUpdate' || method === 'VideoLibrary.OnRemove') {
    const item = itemRef(data);
    if (!item) return other(method, data);
    if (method === 'VideoLibrary.OnRemove') return { method, item, transaction };
    const update: KodiNotification = { method, item, added: data.added === true, transaction };
    if (typeof data.playcount === 'number') update.playcount = data.playcount;
    return update;
  }
  if (isPlayerStateMethod(method)) {
    const player = isRecord(data.player) ? data.player : {};
    const playerId = typeof player.playerid === 'number' ? player.playerid : -1;
    return { method, item: playerItem(data.item), playerId };
  }
  if (method === 'Player.OnStop') return { method, item: playerItem(data.item), end: data.end === true };
  if (method === 'System.OnQuit') {
    return { method, exitcode: typeof data.exitcode === 'number' ? data.exitcode : 0 };
  }
  return other(method, data);
}
