/**
 * Player.* methods (research/real-kodi.md §10, kodi-jsonrpc.md §11): GetActivePlayers, GetItem (resolved by
 * path), Open, Stop, PlayPause. Calls on an inactive player fail with -32100, like Kodi.
 */
import type { SimContext } from '../context.js';
import { isFile } from '../disk.js';
import { failedToExecute, invalidParams } from '../rpc-error.js';
import { optionalObject, type Params } from './params.js';
import { OK, type MethodTable } from './types.js';

function activePlayer(params: Params, ctx: SimContext): void {
  if (params.playerid !== 1 || !ctx.player.active) throw failedToExecute();
}

async function fileToOpen(params: Params, ctx: SimContext): Promise<string> {
  const item = optionalObject(params, 'item') ?? {};
  if (typeof item.file === 'string') {
    if (!(await isFile(item.file))) throw failedToExecute();
    return item.file;
  }
  const movie = typeof item.movieid === 'number' ? ctx.library.movies.get(item.movieid) : undefined;
  const episode = typeof item.episodeid === 'number' ? ctx.library.episodes.get(item.episodeid) : undefined;
  const file = movie?.file ?? episode?.file;
  if (!file) throw invalidParams();
  return file;
}

export const playerMethods: MethodTable = {
  'Player.GetActivePlayers': (_params, ctx) =>
    ctx.player.active ? [{ playerid: 1, playertype: 'internal', type: 'video' }] : [],

  'Player.GetItem': (params, ctx) => {
    activePlayer(params, ctx);
    const properties = Array.isArray(params.properties)
      ? params.properties.filter((p) => typeof p === 'string')
      : [];
    return { item: ctx.player.currentItem(properties) };
  },

  'Player.Open': async (params, ctx) => {
    const file = await fileToOpen(params, ctx);
    // Kodi answers at once; OnPlay / OnAVStart follow while the player starts.
    void ctx.player.play(file);
    return OK;
  },

  'Player.Stop': (params, ctx) => {
    activePlayer(params, ctx);
    void ctx.player.stop();
    return OK;
  },

  'Player.PlayPause': (params, ctx) => {
    activePlayer(params, ctx);
    return { speed: ctx.player.togglePause() };
  },
};
