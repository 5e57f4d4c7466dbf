/**
 * The service's side of the connection keeper (see connection-keeper-process.ts for why it exists): starts the
 * keeper as a child process and opens Kodi WebSocket connections through it. `connect` has the shape of the
 * `createConnection` option of `ws`/`http`, so the WebSocket code is the same with or without a keeper.
 *
 * When the keeper cannot start or dies, connections go directly to Kodi (logged): losing the protection is better
 * than losing Kodi's notifications. A keeper that died is started again on the next connection.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** Where a WebSocket connects to; the `createConnection` options `ws` passes carry these. */
export interface SocketTarget {
  host: string;
  port: number;
  /** `ws` passes its handshake timeout as `timeout`: the keeper gives up connecting to Kodi after it. */
  timeout?: number;
}

export type SocketConnector = (
  target: SocketTarget,
  done: (error: Error | null, socket?: Socket) => void,
) => void;

export interface ConnectionKeeper {
  connect: SocketConnector;
  /** The keeper process, once started (it starts with the first connection). */
  readonly pid: number | undefined;
  /** Disconnect: the keeper closes what is left gracefully and exits. Resolves when it has exited (bounded). */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The keeper's answer line, turned into the error a direct connect would have raised (code kept). */
function keeperError(line: string): Error {
  const [, code = 'EIO', ...words] = line.split(' ');
  return Object.assign(new Error(words.join(' ') || code), { code });
}

function keeperProcessFile(): { file: string; execArgv: string[] } {
  // Under tsx (development, tests) the sources are .ts: the child needs tsx's loader too.
  const fromSources = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(
    new URL(
      fromSources ? './connection-keeper-process.ts' : './connection-keeper-process.js',
      import.meta.url,
    ),
  );
  return { file, execArgv: fromSources ? ['--import', 'tsx'] : [] };
}

function connectVia(socketPath: string, target: SocketTarget, done: Parameters<SocketConnector>[1]): void {
  const socket = netConnect(socketPath);
  let answer = Buffer.alloc(0);
  const fail = (error: Error): void => {
    socket.off('data', onData);
    socket.destroy();
    done(error);
  };
  const onData = (chunk: Buffer): void => {
    answer = Buffer.concat([answer, chunk]);
    const newline = answer.indexOf(0x0a);
    if (newline < 0) return;
    socket.off('data', onData);
    socket.off('error', fail);
    socket.off('end', onEnd);
    const line = answer.subarray(0, newline).toString('utf8');
    // Kodi says nothing before the upgrade request, which is only sent once this socket is handed over.
    if (line === 'ok' && newline === answer.length - 1) done(null, socket);
    else fail(line === 'ok' ? new Error('connection keeper: unexpected data') : keeperError(line));
  };
  const onEnd = (): void => {
    fail(new Error('connection keeper closed the connection'));
  };
  socket.on('data', onData);
  socket.on('error', fail);
  socket.on('end', onEnd);
  const timeout = target.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  socket.write(`${target.host} ${String(target.port)} ${String(timeout)}\n`);
}

function connectDirectly(target: SocketTarget, done: Parameters<SocketConnector>[1]): void {
  const socket = netConnect({ host: target.host, port: target.port });
  const onError = (error: Error): void => {
    done(error);
  };
  socket.once('error', onError);
  socket.once('connect', () => {
    socket.off('error', onError);
    done(null, socket);
  });
}

export function startConnectionKeeper(logger: Logger): ConnectionKeeper {
  const dir = mkdtempSync(join(tmpdir(), 'kodi-sync-keeper-'));
  const socketPath = join(dir, 'keeper.sock');
  let child: ChildProcess | undefined;
  let ready: Promise<boolean> | undefined;
  let stopped = false;

  const start = (): Promise<boolean> => {
    const { file, execArgv } = keeperProcessFile();
    const started = fork(file, [socketPath], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = started;
    // Never keeps the service alive on its own; the service disconnects on stop, or its death does.
    started.unref();
    started.channel?.unref();
    started.on('exit', (code, signal) => {
      if (child === started) {
        child = undefined;
        ready = undefined;
      }
      if (!stopped) {
        logger.warn(
          { code, signal },
          'the Kodi connection keeper exited; it restarts on the next connection',
        );
      }
    });
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, READY_TIMEOUT_MS);
      started.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      started.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
      started.once('error', (error) => {
        logger.warn({ err: error.message }, 'the Kodi connection keeper could not start');
        clearTimeout(timer);
        resolve(false);
      });
    });
  };

  const connect: SocketConnector = (target, done) => {
    if (stopped) {
      connectDirectly(target, done);
      return;
    }
    ready ??= start();
    void ready.then((up) => {
      if (up) connectVia(socketPath, target, done);
      else {
        logger.warn(
          { kodi: `${target.host}:${String(target.port)}` },
          'connecting to Kodi without the keeper',
        );
        connectDirectly(target, done);
      }
    });
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    const running = child;
    if (running?.connected) {
      // A ref'd timer: the keeper and its channel are unref'd, and the service must not exit before this settles.
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        running.once('exit', () => {
          resolve();
        });
        running.disconnect();
      });
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  return {
    connect,
    stop,
    get pid() {
      return child?.pid;
    },
  };
}
