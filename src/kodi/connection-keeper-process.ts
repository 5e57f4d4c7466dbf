/**
 * The connection keeper: a small child process that holds the TCP side of every WebSocket to a Kodi, so that a
 * service killed with SIGKILL (or by the OOM killer, or crashing) never leaves Kodi writing into a socket that was
 * torn down under it. A Kodi whose SIGPIPE is at its default action — one started from a desktop session or a
 * shell — dies when that happens (real-kodi.md §12; measured: SIGKILL of a client with calls in flight killed
 * such a Kodi 3 times of 3).
 *
 * The service connects to this process over a private Unix socket, sends one line `host port\n`, reads one line
 * back (`ok` or `error CODE message`), and from then on the connection is a plain byte relay to Kodi. When the
 * service's side goes away by any means, the keeper half-closes Kodi's side (a FIN, which Kodi answers by closing
 * the client) and keeps reading until Kodi has closed: Kodi never writes into a dead socket, so it never gets
 * EPIPE/SIGPIPE. When the service itself is gone (the IPC channel disconnects), the keeper does the same for every
 * connection and exits once they are all closed.
 *
 * Only Node built-ins here: it must start fast and stay small.
 */
import { createServer, connect, type Socket } from 'node:net';
import { rmSync } from 'node:fs';

/** Most a header line may be; anything longer is not our client. */
const MAX_HEADER_BYTES = 512;
/** How long a Kodi gets to close its side after our FIN before the keeper lets go (a frozen Kodi never does). */
const KODI_CLOSE_WAIT_MS = 120_000;
/** How long the keeper outlives the service at most, waiting for Kodis to close. */
const ORPHAN_EXIT_MS = 150_000;

const socketPath = process.argv[2];
if (socketPath === undefined || process.send === undefined) {
  console.error(
    'connection keeper: started without a socket path or an IPC channel (it is started by the service)',
  );
  process.exit(2);
}

const relays = new Set<Socket>();
let orphaned = false;

/** Half-close Kodi's side and read (and drop) whatever it still sends until it closes. */
function letKodiCloseFirst(kodi: Socket): void {
  if (kodi.destroyed) return;
  kodi.removeAllListeners('data');
  kodi.on('data', () => undefined);
  kodi.resume();
  if (!kodi.writableEnded) kodi.end();
  setTimeout(() => kodi.destroy(), KODI_CLOSE_WAIT_MS).unref();
}

function exitWhenDrained(): void {
  if (orphaned && relays.size === 0) process.exit(0);
}

function relay(
  service: Socket,
  target: { host: string; port: number; timeoutMs: number },
  early: Buffer,
): void {
  const kodi = connect({ host: target.host, port: target.port, allowHalfOpen: true });
  let connected = false;
  relays.add(kodi);
  kodi.setNoDelay(true);
  kodi.setTimeout(target.timeoutMs, () => {
    if (!connected) {
      kodi.destroy(
        Object.assign(new Error(`connect timed out after ${String(target.timeoutMs)} ms`), {
          code: 'ETIMEDOUT',
        }),
      );
    }
  });
  kodi.once('connect', () => {
    connected = true;
    kodi.setTimeout(0);
    // Notice a Kodi that vanished without a FIN (power loss, cable), also after the service is gone.
    kodi.setKeepAlive(true, 30_000);
    if (service.destroyed) {
      letKodiCloseFirst(kodi);
      return;
    }
    service.write('ok\n');
    if (early.length > 0) kodi.write(early);
    service.on('data', (chunk: Buffer) => kodi.write(chunk));
    kodi.on('data', (chunk: Buffer) => {
      if (!service.destroyed) service.write(chunk);
    });
    kodi.on('end', () => {
      if (!service.destroyed) service.end();
    });
  });
  kodi.on('error', (error: NodeJS.ErrnoException) => {
    if (!connected && !service.destroyed) {
      service.end(`error ${error.code ?? 'EIO'} ${error.message.replace(/\s+/g, ' ')}\n`);
    } else if (!service.destroyed) {
      service.destroy();
    }
  });
  kodi.on('close', () => {
    relays.delete(kodi);
    if (!service.destroyed) service.destroy();
    exitWhenDrained();
  });
  // The service's side ended, cleanly (FIN) or not (reset, process killed): Kodi must close first.
  const serviceGone = (): void => {
    if (!connected) kodi.destroy();
    else letKodiCloseFirst(kodi);
  };
  service.on('end', serviceGone);
  service.on('close', serviceGone);
  service.on('error', () => undefined);
}

function onServiceConnection(service: Socket): void {
  let header = Buffer.alloc(0);
  const readHeader = (chunk: Buffer): void => {
    header = Buffer.concat([header, chunk]);
    const newline = header.indexOf(0x0a);
    if (newline < 0) {
      if (header.length > MAX_HEADER_BYTES) service.destroy();
      return;
    }
    service.off('data', readHeader);
    const [host, portText, timeoutText] = header.subarray(0, newline).toString('utf8').trim().split(' ');
    const port = Number(portText);
    const timeoutMs = Number(timeoutText);
    if (!host || !Number.isInteger(port) || port < 1 || port > 65_535 || !(timeoutMs > 0)) {
      service.end('error EINVAL bad header\n');
      return;
    }
    relay(service, { host, port, timeoutMs }, header.subarray(newline + 1));
  };
  service.on('data', readHeader);
  service.on('error', () => undefined);
}

const server = createServer({ allowHalfOpen: true }, onServiceConnection);
server.listen(socketPath, () => {
  process.send?.({ ready: true });
});
server.on('error', (error) => {
  console.error(`connection keeper: ${error.message}`);
  process.exit(1);
});

// Ctrl+C and a service manager's SIGTERM reach the whole process group: the service closes its WebSockets with a
// handshake and then disconnects; the keeper follows, it never cuts a connection on a signal.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('disconnect', () => {
  orphaned = true;
  server.close();
  rmSync(socketPath, { force: true });
  for (const kodi of relays) letKodiCloseFirst(kodi);
  setTimeout(() => process.exit(0), ORPHAN_EXIT_MS).unref();
  exitWhenDrained();
});
