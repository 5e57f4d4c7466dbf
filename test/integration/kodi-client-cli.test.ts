/** `kodi-sync kodi ping` as a user runs it (a real child process) against the simulator. */
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const PASSWORD = 'cli-secret-17';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function kodiSync(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A port nobody listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('kodi-sync kodi ping', () => {
  let kodi: SimulatedKodi;
  let address: string[];

  beforeAll(async () => {
    kodi = await startSimulatedKodi({ username: 'kodi', password: PASSWORD, name: 'cli kodi' });
    address = ['--host', '127.0.0.1', '--port', String(kodi.endpoint.httpPort)];
  });

  afterAll(async () => {
    await kodi.stop();
  });

  it("prints Kodi's version and that the WebSocket works, exit code 0", async () => {
    const wsPort = String(kodi.endpoint.wsPort);
    const out = await kodiSync([
      'kodi',
      'ping',
      ...address,
      '--ws-port',
      wsPort,
      '--user',
      'kodi',
      '--password',
      PASSWORD,
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Kodi 20\.1, JSON-RPC 13\.0\.0/);
    expect(out.stdout).toMatch(/WebSocket ws:\/\/127\.0\.0\.1:\d+: works/);
  });

  it('prints JSON with --json, also for a failure (no password given)', async () => {
    const wsPort = String(kodi.endpoint.wsPort);
    const out = await kodiSync(['kodi', 'ping', ...address, '--ws-port', wsPort, '--user', 'kodi', '--json']);
    expect(out.code).toBe(1);
    const printed = JSON.parse(out.stdout) as { ok: boolean; error: string };
    expect(printed.ok).toBe(false);
    expect(printed.error).toContain('refused the username/password');
  });

  it('fails with exit code 1 and a clear message on a wrong password, without printing it', async () => {
    const out = await kodiSync([
      'kodi',
      'ping',
      ...address,
      '--no-ws',
      '--user',
      'kodi',
      '--password',
      'wrong-pw-99',
    ]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('refused the username/password');
    expect(out.stdout + out.stderr).not.toContain('wrong-pw-99');
  });

  it('fails with exit code 1 when nothing listens on the port', async () => {
    const port = String(await closedPort());
    const out = await kodiSync(['kodi', 'ping', '--host', '127.0.0.1', '--port', port, '--no-ws']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/unreachable over HTTP \(ECONNREFUSED\)/);
  });
});
