/**
 * The simulated Kodis of bench/sync.bench.ts, in a child process of their own (like real Kodis, which never share
 * the engine's event loop). Started with `fork(…, [JSON options])`; answers over the IPC channel:
 * → { type: 'ready', sims: [{ endpoint, moviesRoot }] } once listening;
 * ← 'report' → { type: 'report', movies: number[], scans: number[], scansWhileScanning: number[] };
 * ← 'stop'   → stops every simulator and exits.
 */
import { KodiSimulator } from '../src/kodi-sim/index.js';

interface SimHostOptions {
  count: number;
  scanMsPerItem: number;
  mediaDir: string;
}

export interface SimHostReady {
  type: 'ready';
  sims: { endpoint: KodiSimulator['endpoint']; moviesRoot: string }[];
}

export interface SimHostReport {
  type: 'report';
  movies: number[];
  scans: number[];
  scansWhileScanning: number[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as SimHostOptions;
const sims: KodiSimulator[] = [];
for (let i = 0; i < options.count; i++) {
  sims.push(
    await KodiSimulator.start({
      name: `kodi ${i + 1}`,
      mediaDir: options.mediaDir,
      scanMsPerItem: options.scanMsPerItem,
    }),
  );
}

process.on('message', (message: unknown) => {
  if (message === 'report') {
    const scans = sims.map((sim) => sim.calls('VideoLibrary.Scan'));
    const report: SimHostReport = {
      type: 'report',
      movies: sims.map((sim) => sim.movies().length),
      scans: scans.map((calls) => calls.length),
      scansWhileScanning: scans.map(
        (calls) => calls.filter((call) => call.scanning || call.scanningShared).length,
      ),
    };
    process.send?.(report);
  } else if (message === 'stop') {
    void Promise.all(sims.map((sim) => sim.stop())).finally(() => process.exit(0));
  }
});

const ready: SimHostReady = {
  type: 'ready',
  sims: sims.map((sim) => ({ endpoint: sim.endpoint, moviesRoot: sim.moviesRoot })),
};
process.send?.(ready);
