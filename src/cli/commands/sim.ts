/**
 * `kodi-sync sim`: run a simulated Kodi 20.1 (HTTP JSON-RPC + WebSocket, backed by a media folder) for demos
 * and manual tests, until Ctrl-C / SIGTERM. With --movies N it first writes N demo movies and a demo show.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { KodiSimulator, writeDemoLibrary } from '../../kodi-sim/index.js';
import { action, printJson } from '../output.js';

interface SimOptions {
  httpPort: number;
  wsPort: number;
  host: string;
  name: string;
  mediaDir?: string;
  user?: string;
  password?: string;
  movies?: number;
  scanMs: number;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    throw new InvalidArgumentError('not a port number (0–65535; 0 = any free port)');
  }
  return number;
}

function count(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('not a whole number ≥ 0');
  return number;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run a simulated Kodi 20.1 (JSON-RPC over HTTP and WebSocket) until Ctrl-C')
    .option('--http-port <port>', 'HTTP JSON-RPC port (0 = any free port)', port, 0)
    .option('--ws-port <port>', 'WebSocket port (0 = any free port)', port, 0)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--name <name>', 'name of this Kodi in messages', 'simulated kodi')
    .option('--media-dir <dir>', 'folder holding movies/ and tv/ (default: a new temporary folder)')
    .option('--user <name>', 'HTTP Basic user name (needs --password, like Kodi)')
    .option('--password <secret>', 'HTTP Basic password')
    .option('--movies <n>', 'write N demo movies and a demo show into the media folder first', count)
    .option('--scan-ms <ms>', 'time the scanner spends per added item', count, 5)
    .action(
      action(async (options: SimOptions, command: Command) => {
        if (options.user !== undefined && !options.password) {
          // Kodi does not start its webserver with authentication on and no password (real-kodi.md pitfall 3).
          throw new Error('--user needs --password: Kodi refuses HTTP authentication without a password');
        }
        const sim = await KodiSimulator.start({
          name: options.name,
          host: options.host,
          httpPort: options.httpPort,
          wsPort: options.wsPort,
          scanMsPerItem: options.scanMs,
          ...(options.mediaDir !== undefined ? { mediaDir: options.mediaDir } : {}),
          ...(options.user !== undefined ? { username: options.user, password: options.password ?? '' } : {}),
        });
        const demo =
          options.movies === undefined ? undefined : await writeDemoLibrary(sim, { movies: options.movies });
        const { host, httpPort, wsPort } = sim.endpoint;
        const summary = {
          name: sim.endpoint.name,
          http: `http://${host}:${httpPort}/jsonrpc`,
          webSocket: `ws://${host}:${wsPort ?? 0}/jsonrpc`,
          mediaDir: sim.mediaDir,
          moviesRoot: sim.moviesRoot,
          tvRoot: sim.tvRoot,
          authentication: options.user !== undefined,
          demoMovies: demo?.movies.length ?? 0,
          demoEpisodes: demo?.episodes.length ?? 0,
        };
        if (command.optsWithGlobals<{ json?: boolean }>().json) printJson(summary);
        else {
          process.stdout.write(
            `Simulated Kodi 20.1 "${summary.name}" is running.\n` +
              `  HTTP JSON-RPC: ${summary.http}${summary.authentication ? ` (user ${options.user ?? ''})` : ''}\n` +
              `  WebSocket:     ${summary.webSocket}\n` +
              `  Media folder:  ${summary.mediaDir} (sources: ${summary.moviesRoot} and ${summary.tvRoot})\n` +
              (demo
                ? `  Demo media:    ${summary.demoMovies} movies, ${summary.demoEpisodes} episodes (not scanned yet)\n`
                : '') +
              `Press Ctrl-C to stop.\n`,
          );
        }
        const signal = await untilSignal();
        process.stderr.write(`kodi-sync sim: ${signal}, stopping\n`);
        await sim.stop();
      }),
    );
}
