/**
 * `kodi-sync kodi ping`: check one Kodi directly (no service needed) — is it reachable, which version, do the
 * credentials work, does the WebSocket answer. Exit code 0 when Kodi answers over HTTP, 1 otherwise.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { probeKodi } from '../../kodi/probe.js';
import type { KodiEndpoint } from '../../kodi/types.js';
import { errorMessage } from '../../util/errors.js';

interface PingOptions {
  host: string;
  port: number;
  wsPort: number;
  ws: boolean;
  user?: string;
  password?: string;
  name?: string;
  timeout: number;
  json?: boolean;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidArgumentError('not a port number (1–65535)');
  return port;
}

function milliseconds(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1)
    throw new InvalidArgumentError('not a positive number of milliseconds');
  return ms;
}

function endpointOf(options: PingOptions): KodiEndpoint {
  const endpoint: KodiEndpoint = {
    name: options.name ?? options.host,
    host: options.host,
    httpPort: options.port,
    wsPort: options.ws ? options.wsPort : null,
  };
  if (options.user !== undefined) endpoint.username = options.user;
  const password = options.password ?? process.env.KODI_SYNC_KODI_PASSWORD;
  if (password !== undefined) endpoint.password = password;
  return endpoint;
}

async function ping(options: PingOptions): Promise<void> {
  const endpoint = endpointOf(options);
  try {
    const probe = await probeKodi(endpoint, { timeoutMs: options.timeout });
    if (options.json) {
      console.log(JSON.stringify({ ok: true, kodi: endpoint.name, ...probe }));
      return;
    }
    const { major, minor, patch } = probe.version;
    console.log(
      `Kodi "${endpoint.name}" (${endpoint.host}:${endpoint.httpPort}): Kodi ${probe.kodiVersion}, JSON-RPC ${major}.${minor}.${patch}`,
    );
    console.log(
      probe.webSocket
        ? `WebSocket ws://${endpoint.host}:${options.wsPort}: works (live notifications)`
        : `WebSocket: not working — ${probe.webSocketError ?? 'unknown reason'}. Kodi Sync falls back to HTTP (no live notifications).`,
    );
  } catch (error) {
    process.exitCode = 1;
    if (options.json)
      console.log(JSON.stringify({ ok: false, kodi: endpoint.name, error: errorMessage(error) }));
    else console.error(`error: ${errorMessage(error)}`);
  }
}

export function registerKodiCommand(program: Command): void {
  const kodi = program.command('kodi').description('talk to one Kodi directly');
  // Without a sub-command: list the sub-commands (exit 0), like every other group.
  kodi.action(() => {
    kodi.help();
  });
  kodi
    .command('ping')
    .description('check that a Kodi answers: its version, the credentials, and whether its WebSocket works')
    .requiredOption('--host <host>', "Kodi's host name or address")
    .option('--port <port>', "Kodi's web server port (Settings › Services › Control)", portNumber, 8080)
    .option('--ws-port <port>', "Kodi's JSON-RPC WebSocket/TCP port", portNumber, 9090)
    .option('--no-ws', 'skip the WebSocket check')
    .option('--user <username>', 'web server username')
    .option('--password <password>', 'web server password (or env KODI_SYNC_KODI_PASSWORD)')
    .option('--name <name>', 'how messages name this Kodi (default: the host)')
    .option('--timeout <ms>', 'per-call timeout', milliseconds, 5000)
    .option('--json', 'print JSON')
    .action(async (_options: unknown, command: Command) => {
      // --json may be a program-wide option, which commander hands to the program, not to this command.
      await ping(command.optsWithGlobals<PingOptions>());
    });
}
