/**
 * Random faults on the simulated Kodis for the soak, from the simulator's own fault injection: WebSockets dropped
 * without a close, a call's connection reset after Kodi did the work, answers held back, a crash and restart,
 * HTTP 503 for every call, and scans that add nothing (a scraper miss). Spells are short; two fault loops run at
 * once, never two faults on one Kodi at a time. `stop()` ends every spell and leaves every Kodi healthy.
 */
import type { KodiSimulator } from '../../src/kodi-sim/index.js';

export type FaultKind =
  | 'drop-websockets'
  | 'reset-next-call'
  | 'delay-answers'
  | 'crash-restart'
  | 'http-503'
  | 'scan-adds-nothing';

const KINDS: FaultKind[] = [
  'drop-websockets',
  'reset-next-call',
  'delay-answers',
  'crash-restart',
  'http-503',
  'scan-adds-nothing',
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class FaultInjector {
  readonly counts = Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  private running = false;
  private readonly busy = new Set<KodiSimulator>();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly kodis: KodiSimulator[],
    private readonly random: () => number,
    private readonly gapMs: { min: number; max: number } = { min: 1_500, max: 6_000 },
  ) {}

  start(loops = 2): void {
    this.running = true;
    this.loops = Array.from({ length: loops }, () => this.loop());
  }

  /** Ends the loops (each finishes its spell) and clears every fault on every Kodi. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const sim of this.kodis) {
      sim.faults.delayAnswers(0);
      sim.faults.httpStatus(null);
      sim.faults.scanAddsNothing(false);
      while (sim.faults.takeReset('')) {
        // consume resets nobody triggered
      }
    }
  }

  private between(min: number, max: number): number {
    return Math.round(min + this.random() * (max - min));
  }

  /** A method, not a property read: `running` changes while a loop awaits (TypeScript would narrow a read). */
  private stopping(): boolean {
    return !this.running;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await sleep(this.between(this.gapMs.min, this.gapMs.max));
      if (this.stopping()) return;
      const sim = this.kodis[Math.floor(this.random() * this.kodis.length)] as KodiSimulator;
      const kind = KINDS[Math.floor(this.random() * KINDS.length)] as FaultKind;
      if (this.busy.has(sim)) continue;
      this.busy.add(sim);
      try {
        await this.inject(sim, kind);
        this.counts[kind] += 1;
      } finally {
        this.busy.delete(sim);
      }
    }
  }

  private async inject(sim: KodiSimulator, kind: FaultKind): Promise<void> {
    const spell = this.between(500, 3_000);
    switch (kind) {
      case 'drop-websockets':
        sim.faults.dropWebSockets();
        return;
      case 'reset-next-call':
        sim.faults.resetNextCall();
        return;
      case 'delay-answers':
        sim.faults.delayAnswers(this.between(100, 1_500));
        await sleep(spell);
        sim.faults.delayAnswers(0);
        return;
      case 'crash-restart':
        await sim.faults.goOffline();
        await sleep(spell);
        await sim.faults.goOnline();
        return;
      case 'http-503':
        sim.faults.httpStatus(503);
        await sleep(spell);
        sim.faults.httpStatus(null);
        return;
      case 'scan-adds-nothing':
        sim.faults.scanAddsNothing(true);
        await sleep(spell);
        sim.faults.scanAddsNothing(false);
    }
  }
}
