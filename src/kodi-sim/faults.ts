/**
 * Fault injection, driven by tests: what the network and a misbehaving Kodi can do to a client.
 * The flags are read by the servers and the scanner; the socket-level actions are delegated to the
 * simulator's transport.
 */
export interface FaultTransport {
  setWebSocketListening(listening: boolean): Promise<void>;
  destroyWebSockets(): void;
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
}

export class SimFaults {
  /** Milliseconds every answer (HTTP and WebSocket) is held back. */
  answerDelayMs = 0;
  /** When set, every HTTP request is answered with this status and an empty body. */
  forcedHttpStatus: number | null = null;
  scanNeverFinishesOn = false;
  scanAddsNothingOn = false;
  /** Pending resets: a method name, or null for "whatever comes next". */
  private readonly pendingResets: (string | null)[] = [];
  /** Armed by crashAfterNextScan: takes Kodi down once the next scan ended. */
  private crashAfterScan: (() => void) | undefined;

  /** `transport` is late-bound: the servers are built after (and from) the fault state. */
  constructor(private readonly transport: () => FaultTransport) {}

  /** Close the WebSocket listener (new connections are refused) or reopen it; open sockets stay. */
  async refuseWebSocket(on: boolean): Promise<void> {
    await this.transport().setWebSocketListening(!on);
  }

  /** Destroy every WebSocket abruptly: no close frame, the client sees code 1006. */
  dropWebSockets(): void {
    this.transport().destroyWebSockets();
  }

  /**
   * The next call (of `method`, or any) runs — Kodi finishes the work — but its connection is destroyed
   * instead of answered (kodi-jsonrpc.md §10: a lost answer cancels nothing).
   */
  resetNextCall(method?: string): void {
    this.pendingResets.push(method ?? null);
  }

  /** True (and consumed) when this call's connection must be reset. */
  takeReset(method: string): boolean {
    const index = this.pendingResets.findIndex((entry) => entry === null || entry === method);
    if (index < 0) return false;
    this.pendingResets.splice(index, 1);
    return true;
  }

  delayAnswers(ms: number): void {
    this.answerDelayMs = Math.max(0, ms);
  }

  /** Scans start (OnScanStarted, IsScanningVideo true) and never end until turned off or cancelled. */
  scanNeverFinishes(on: boolean): void {
    this.scanNeverFinishesOn = on;
  }

  /** Scans run (Started/Finished) but add nothing, like a scraper miss. */
  scanAddsNothing(on: boolean): void {
    this.scanAddsNothingOn = on;
  }

  /** e.g. 503 for every HTTP request; null restores normal answers. */
  httpStatus(code: number | null): void {
    this.forcedHttpStatus = code;
  }

  /** Both listeners closed and every socket destroyed, like a Kodi that crashed or lost its network. */
  async goOffline(): Promise<void> {
    await this.transport().goOffline();
  }

  /**
   * Kodi crashes right after its next scan: OnScanFinished goes out, then both listeners close and every socket
   * drops, the library kept. Resolves once it is down; `goOnline()` restarts it on the same ports.
   */
  crashAfterNextScan(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.crashAfterScan = () => {
        this.goOffline().then(resolve, reject);
      };
    });
  }

  /** The scanner's report that a scan ended (OnScanFinished was sent). */
  scanEnded(): void {
    const crash = this.crashAfterScan;
    this.crashAfterScan = undefined;
    // After the notification was written: clients read OnScanFinished, then find Kodi gone.
    if (crash) setImmediate(crash);
  }

  /** Listen again on the same ports. */
  async goOnline(): Promise<void> {
    await this.transport().goOnline();
  }
}
