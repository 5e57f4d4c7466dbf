/**
 * `npx tsx bench/real-kodi/service-killed.ts [tries]`: what killing a Kodi client with SIGKILL does to a real Kodi
 * 20.1 whose SIGPIPE is at its default action (issue 18), with the WebSocket held by the connection keeper (as the
 * service does) and without it (as before). The client is test/fixtures/kodi-client-process.ts, killed when idle,
 * mid-scan and with calls in flight. Writes bench/results/service-killed.json.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startClientProcess, type ClientState } from '../../test/fixtures/client-process.js';
import { processDead, realKodiRpc, startRealKodi } from '../../test/fixtures/real-kodi.js';

const tries = Number(process.argv[2] ?? '5');
const RESULTS = fileURLToPath(new URL('../results/service-killed.json', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

const loadStart = load();
const kodi = await startRealKodi({ sigpipe: 'default' });
const outcome: Record<string, Record<string, { tries: number; kodiDied: number }>> = {};
let written = 0;
try {
  for (const variant of ['without keeper', 'with keeper']) {
    outcome[variant] = {};
    for (const mode of ['idle', 'scan', 'call'] as ClientState[]) {
      let died = 0;
      for (let attempt = 0; attempt < tries; attempt++) {
        if (mode === 'scan') {
          for (let i = 0; i < 30; i++)
            await kodi.writeMovie({ title: `Killed ${String(++written)}`, year: 2001 });
        }
        const child = await startClientProcess(kodi.endpoint, mode, {
          folder: kodi.moviesRoot,
          keeper: variant === 'with keeper',
        });
        child.kill('SIGKILL');
        await sleep(3_000);
        const survived = !processDead(kodi.pid);
        if (survived) {
          for (;;) {
            const answer = await realKodiRpc<Record<string, boolean>>(kodi.endpoint, 'XBMC.GetInfoBooleans', {
              booleans: ['Library.IsScanningVideo'],
            });
            if (!answer['Library.IsScanningVideo']) break;
            await sleep(500);
          }
        } else {
          died += 1;
          await kodi.restart();
        }
        console.log(
          `${variant}, ${mode}, try ${String(attempt + 1)}: Kodi ${!processDead(kodi.pid) ? 'alive' : 'restarted'}`,
        );
      }
      outcome[variant][mode] = { tries, kodiDied: died };
    }
  }
} finally {
  await kodi.stop();
}
const result = {
  measuredAt: new Date().toISOString(),
  kodi: 'real Kodi 20.1 (Debian package), headless under Xvfb, started with SIGPIPE at its default action',
  client:
    'test/fixtures/kodi-client-process.ts killed with SIGKILL; idle = connected; scan = at the first OnUpdate of a 30-movie scan; call = ten JSONRPC.Introspect (~170 KB each) in flight',
  loadStart,
  loadEnd: load(),
  outcome,
};
await writeFile(RESULTS, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(outcome, null, 2));
