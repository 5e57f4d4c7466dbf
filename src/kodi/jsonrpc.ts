/**
 * The JSON-RPC 2.0 envelope both transports share: building a request, reading a response into a result
 * or a KodiRpcError.
 */
import { KodiRpcError } from './errors.js';

export type RpcParams = Record<string, unknown>;

export interface RpcRequest {
  jsonrpc: '2.0';
  id: number;
  method: string;
  params?: RpcParams;
}

export function rpcRequest(id: number, method: string, params?: RpcParams): RpcRequest {
  return params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
}

interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  return isRecord(value) && typeof value.code === 'number' && typeof value.message === 'string';
}

/**
 * The result of a response object, or a KodiRpcError for an `error` member.
 * `undefined` when the object is neither (the caller reports the protocol error with its own context).
 */
export function rpcOutcome(
  kodi: string,
  /** How messages name the Kodi (describeKodi). */
  label: string,
  method: string,
  response: Record<string, unknown>,
): { ok: true; result: unknown } | { ok: false; error: KodiRpcError } | undefined {
  if ('result' in response) return { ok: true, result: response.result };
  const error = response.error;
  if (!isRpcErrorBody(error)) return undefined;
  return {
    ok: false,
    error: new KodiRpcError(
      kodi,
      method,
      error.code,
      error.data,
      `${label} answered ${method} with error ${error.code} "${error.message}"${detailOf(error.data)}`,
    ),
  };
}

/** Kodi puts the failing parameter in data.stack (e.g. "array element at index 1 does not match"). */
function detailOf(data: unknown): string {
  if (!isRecord(data) || !isRecord(data.stack)) return '';
  const { name, message } = data.stack;
  return typeof name === 'string' && typeof message === 'string' ? ` (${name}: ${message})` : '';
}
