/**
 * Where the service keeps its data when no folder is given, the way the *arr apps do (~/.config/Sonarr):
 * a per-user folder, so `kodi-sync serve` works the same from any working directory. A system service sets
 * KODI_SYNC_DATA_DIR (/var/lib/kodi-sync in docs/kodi-sync.service), a container mounts /config.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local');
    return join(local, 'kodi-sync');
  }
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.config');
  return join(base, 'kodi-sync');
}
