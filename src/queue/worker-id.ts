/**
 * A worker's id — `host:pid:random` — is the lease owner of the jobs it runs. On SQLite every process using the
 * database runs on this machine, so a lease whose owner is a process of this host that no longer exists belongs to
 * a worker that was killed or crashed: its jobs need not wait for the lease to expire (a service restarted after
 * kill -9 picks them up at once). On PostgreSQL workers may run on other machines with the same host name, so
 * only the lease's expiry counts there.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export function newWorkerId(): string {
  return `${hostname()}:${String(process.pid)}:${randomUUID().slice(0, 8)}`;
}

/** True when `owner` is a worker id of a process of this host that is not running (never for our own process). */
export function ownerProcessGone(owner: string, host = hostname()): boolean {
  const match = /^(.*):(\d+):[0-9a-f]{8}$/.exec(owner);
  if (!match || match[1] !== host) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists, as another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
