/** `kodi-sync kodi ping` as a user runs it (a real child process) against a real headless Kodi 20.1. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realKodiAvailable, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const PASSWORD = 'real-cli-secret-5';

function kodiSync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe.runIf(realKodiAvailable())('kodi-sync kodi ping against real Kodi 20.1', () => {
  let kodi: RealKodi;
  let address: string[];

  beforeAll(async () => {
    kodi = await startRealKodi({ user: 'kodi', password: PASSWORD });
    address = ['--host', '127.0.0.1', '--port', String(kodi.endpoint.httpPort), '--user', 'kodi'];
  });

  afterAll(async () => {
    await kodi.stop();
  });

  it("prints Kodi's version and that the WebSocket works", async () => {
    const out = await kodiSync([
      'kodi',
      'ping',
      ...address,
      '--password',
      PASSWORD,
      '--ws-port',
      String(kodi.endpoint.wsPort),
    ]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/Kodi 20\.\d+, JSON-RPC 13\.\d+\.\d+/);
    expect(out.stdout).toMatch(/WebSocket ws:\/\/127\.0\.0\.1:\d+: works/);
    expect(out.stdout + out.stderr).not.toContain(PASSWORD);
  });

  it('names the Kodi and the fix on a wrong password, and Kodi keeps answering', async () => {
    const out = await kodiSync(['kodi', 'ping', ...address, '--password', 'wrong-one-7', '--no-ws']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('refused the username/password');
    expect(out.stdout + out.stderr).not.toContain('wrong-one-7');
    const again = await kodiSync(['kodi', 'ping', ...address, '--password', PASSWORD, '--no-ws']);
    expect(again.code, again.stderr).toBe(0);
  });
});
