/**
 * <dataDir>/kodi-sync.pid: written by a running service (SQLite), like the *arr apps' pid file, so that
 * `kodi-sync restore` can refuse to replace a database the service has open. A file left by a process that
 * no longer runs (a crash, a power cut) counts as not running.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'kodi-sync.pid';

export function writePidFile(dataDir: string): () => void {
  const file = join(dataDir, PID_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    // Only our own: a second process on the same folder may have written its pid since.
    if (runningPid(dataDir) === process.pid) rmSync(file, { force: true });
  };
}

/** The pid of the service that uses this data folder, or undefined when none runs. */
export function runningPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the service account).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
