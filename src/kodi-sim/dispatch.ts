/**
 * JSON-RPC 2.0 envelope handling shared by HTTP and WebSocket, in Kodi's wire format (research/real-kodi.md
 * §1, kodi-jsonrpc.md §10): `{"id","jsonrpc","result"}`, errors with Kodi's codes and messages, batches
 * (array in, array out; an entry without id runs but gets no answer), parse errors with id null. Records
 * every call in the call log (with whether this Kodi, or one sharing its library, was scanning: a Scan then cancels
 * the running scan, research/real-kodi.md §3, §13) and applies the answer faults (delay, reset).
 */
import { delay, type SimContext } from './context.js';
import type { SimFaults } from './faults.js';
import type { Params } from './methods/params.js';
import type { MethodTable } from './methods/types.js';
import { badPermission, methodNotFound, RpcError } from './rpc-error.js';

export type Transport = 'http' | 'ws';

export interface CallRecord {
  method: string;
  params: unknown;
  transport: Transport;
  /** Epoch milliseconds when the call arrived. */
  at: number;
  /** This Kodi was scanning (Library.IsScanningVideo: a scan or a clean) when the call arrived. */
  scanning: boolean;
  /** Another simulator sharing this library (sharedLibraryWith) was scanning when the call arrived (§13). */
  scanningShared: boolean;
}

export interface DispatchOutcome {
  /** The answer text; null when nothing is to be sent (only notifications). */
  body: string | null;
  /** Destroy the connection instead of answering (fault resetNextCall). */
  reset: boolean;
}

/** GET /jsonrpc has ReadData permission only (kodi-jsonrpc.md §10). */
function isReadOnly(method: string): boolean {
  return /^(JSONRPC\.|XBMC\.GetInfo|[A-Za-z]+\.Get)/.test(method);
}

function errorAnswer(id: unknown, error: RpcError, method?: string): Record<string, unknown> {
  let data = error.data;
  if (method && typeof data === 'object' && data !== null && !('method' in data)) data = { method, ...data };
  const body =
    data === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, data, message: error.message };
  return { error: body, id, jsonrpc: '2.0' };
}

export class Dispatcher {
  constructor(
    private readonly ctx: () => SimContext,
    private readonly methods: MethodTable,
    private readonly faults: SimFaults,
    private readonly callLog: CallRecord[],
  ) {}

  async handle(text: string, transport: Transport, readOnly = false): Promise<DispatchOutcome> {
    const state = { reset: false };
    let answer: unknown;
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      request = undefined;
      answer = errorAnswer(null, new RpcError(-32700, 'Parse error.'));
    }
    if (Array.isArray(request)) {
      if (request.length === 0) answer = errorAnswer(null, new RpcError(-32600, 'Invalid request.'));
      else {
        const answers = [];
        for (const entry of request) answers.push(await this.handleOne(entry, transport, readOnly, state));
        const sent = answers.filter((entry) => entry !== null);
        answer = sent.length > 0 ? sent : null;
      }
    } else if (request !== undefined) {
      answer = await this.handleOne(request, transport, readOnly, state);
    }
    if (this.faults.answerDelayMs > 0) await delay(this.faults.answerDelayMs);
    return {
      body: answer === null || answer === undefined ? null : JSON.stringify(answer),
      reset: state.reset,
    };
  }

  private async handleOne(
    request: unknown,
    transport: Transport,
    readOnly: boolean,
    state: { reset: boolean },
  ): Promise<Record<string, unknown> | null> {
    if (typeof request !== 'object' || request === null) {
      return errorAnswer(null, new RpcError(-32600, 'Invalid request.'));
    }
    const { id, jsonrpc, method, params } = request as Record<string, unknown>;
    if (jsonrpc !== '2.0' || typeof method !== 'string') {
      return errorAnswer(id ?? null, new RpcError(-32600, 'Invalid request.'));
    }
    const ctx = this.ctx();
    const scanningShared = [...ctx.library.users].some((user) => user !== ctx.jobs && user.isScanningVideo);
    this.callLog.push({
      method,
      params,
      transport,
      at: Date.now(),
      scanning: ctx.jobs.isScanningVideo,
      scanningShared,
    });
    if (this.faults.takeReset(method)) state.reset = true;
    const result = await this.run(method, params, transport, readOnly);
    if (id === undefined) return null;
    return result instanceof RpcError ? errorAnswer(id, result, method) : { id, jsonrpc: '2.0', result };
  }

  private async run(
    method: string,
    params: unknown,
    transport: Transport,
    readOnly: boolean,
  ): Promise<unknown> {
    const handler = this.methods[method];
    if (!handler) return methodNotFound();
    if (readOnly && !isReadOnly(method)) return badPermission();
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      return new RpcError(-32602, 'Invalid params.');
    }
    try {
      return await handler((params ?? {}) as Params, this.ctx(), { method, transport });
    } catch (error) {
      return error instanceof RpcError ? error : new RpcError(-32603, 'Internal error.');
    }
  }
}
