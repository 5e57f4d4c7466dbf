/**
 * A Kodi that freezes (SIGSTOP: a hung GUI thread, a suspended box) sends no close. The client's heartbeat notices it
 * within 30 s: the call in flight fails as transient, the WebSocket counts as down, and once Kodi runs again the
 * client reconnects — and Kodi is still alive.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { KodiClient } from '../../src/kodi/client.js';
import { TransientError } from '../../src/util/errors.js';
import { realKodiAvailable, startRealKodi, type RealKodi } from '../fixtures/real-kodi.js';

// SIGPIPE ignored, as under systemd. With SIGPIPE at its default the same run passed once here and once saw the
// ping answered after SIGSTOP (the stop did not reach kodi.bin?): not understood yet, so not asserted.
describe.skipIf(!realKodiAvailable()).each(['ignore'] as const)(
  'a frozen Kodi (real Kodi, SIGSTOP, SIGPIPE %s)',
  (sigpipe) => {
    let kodi: RealKodi | undefined;
    afterAll(async () => {
      if (kodi) process.kill(kodi.pid, 'SIGCONT');
      await kodi?.stop();
    });

    it(
      'is noticed within 30 s, the call in flight fails as transient, and the client reconnects after SIGCONT',
      { timeout: 120_000 },
      async () => {
        kodi = await startRealKodi({ sigpipe });
        const client = new KodiClient(kodi.endpoint, { callTimeoutMs: 60_000 });
        client.start();
        try {
          expect(await client.waitForWebSocket(10_000)).toBe(true);
          const downAt: number[] = [];
          client.onConnectionChange((up) => {
            if (!up) downAt.push(Date.now());
          });
          process.kill(kodi.pid, 'SIGSTOP');
          const frozenAt = Date.now();
          const error = await client.call('JSONRPC.Ping', undefined, { via: 'ws' }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(TransientError);
          expect((error as Error).message).toMatch(/stopped answering/);
          expect(downAt[0]).toBeDefined();
          expect((downAt[0] ?? Infinity) - frozenAt).toBeLessThan(30_000);
          process.kill(kodi.pid, 'SIGCONT');
          expect(await client.waitForWebSocket(45_000)).toBe(true);
          expect(await client.ping()).toBe('pong');
        } finally {
          await client.close();
        }
      },
    );
  },
);
