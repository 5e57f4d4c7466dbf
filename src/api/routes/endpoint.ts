/** Turns a stored player (with its secret) into the KodiEndpoint the Kodi client takes. */
import type { KodiEndpoint } from '../../kodi/types.js';
import type { Player } from '../../store/index.js';

export function endpointOf(player: Player): KodiEndpoint {
  return {
    name: player.name,
    host: player.host,
    httpPort: player.httpPort,
    wsPort: player.wsPort,
    ...(player.username !== null && player.username !== '' && { username: player.username }),
    ...(player.password !== null && player.password !== '' && { password: player.password }),
  };
}
