/** The shape of one simulated JSON-RPC method. */
import type { SimContext } from '../context.js';
import type { Params } from './params.js';

export interface CallInfo {
  method: string;
  transport: 'http' | 'ws';
}

/** Returns the `result`, or throws an RpcError. */
export type MethodHandler = (params: Params, ctx: SimContext, call: CallInfo) => unknown;

export type MethodTable = Record<string, MethodHandler>;

/** Kodi's plain acknowledgement. */
export const OK = 'OK';
