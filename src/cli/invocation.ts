/**
 * How a person types this CLI right now, for the commands the start banner prints — so each one works as printed:
 * `kodi-sync` when that name on the PATH is this very program (a global install, `npm link`), otherwise the way
 * it was started (`node dist/cli/main.js` from a checkout), plus `--data-dir` / `--url` when the CLI would not
 * find the service by itself.
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { defaultDataDir } from '../config/data-dir.js';
import { loadConfig } from '../config/load.js';
import { resolveApiTarget } from './api-client.js';

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

function programWords(env: NodeJS.ProcessEnv, script: string | undefined): string {
  if (script === undefined) return 'kodi-sync';
  const onPath = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  if (onPath.some((dir) => existsSync(join(dir, 'kodi-sync')) && sameFile(join(dir, 'kodi-sync'), script))) {
    return 'kodi-sync';
  }
  const rel = relative(process.cwd(), script);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? script : rel;
  return `${script.endsWith('.ts') ? 'npx tsx' : 'node'} ${shellWord(shown)}`;
}

export function cliCommand(
  service: { dataDir: string; url: string },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const words = [programWords(env, process.argv[1])];
  let ownDataDir: string;
  try {
    ownDataDir = loadConfig({ env }).dataDir;
  } catch {
    ownDataDir = defaultDataDir(env);
  }
  if (service.dataDir !== ownDataDir) words.push('--data-dir', shellWord(service.dataDir));
  let wouldFind: string | undefined;
  try {
    wouldFind = resolveApiTarget({ dataDir: service.dataDir, env }).url;
  } catch {
    wouldFind = undefined;
  }
  if (wouldFind !== service.url) words.push('--url', shellWord(service.url));
  return words.join(' ');
}
