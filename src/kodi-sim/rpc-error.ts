/**
 * JSON-RPC errors exactly as Kodi words them (research/real-kodi.md §1, §6; kodi-jsonrpc.md §10).
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** Kodi's answer for bad arguments and for "no such item" alike. */
export function invalidParams(data?: unknown): RpcError {
  return new RpcError(-32602, 'Invalid params.', data);
}

export function methodNotFound(): RpcError {
  return new RpcError(-32601, 'Method not found.');
}

export function failedToExecute(): RpcError {
  return new RpcError(-32100, 'Failed to execute method.');
}

export function badPermission(): RpcError {
  return new RpcError(-32099, 'Bad client permission.');
}
