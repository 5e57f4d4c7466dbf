/**
 * Kodi's webserver side of JSON-RPC (research/real-kodi.md §11, kodi-jsonrpc.md §10): POST /jsonrpc with
 * Basic auth (401 + `WWW-Authenticate: Basic realm="Kodi"`, Connection: close, empty body), Content-Type
 * application/json (+charset), application/json-rpc or application/jsonrequest, or none at all — anything
 * else is 415 with an empty body. GET /jsonrpc?request=… is read-only. Bodies over 64 KiB are aborted.
 * HTTP never carries notifications.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from './dispatch.js';
import type { SimFaults } from './faults.js';

const ACCEPTED_TYPES = new Set(['application/json', 'application/json-rpc', 'application/jsonrequest']);
const MAX_BODY_BYTES = 65_536;

export interface HttpCredentials {
  username: string;
  password: string;
}

function authorised(req: IncomingMessage, credentials: HttpCredentials | undefined): boolean {
  if (!credentials) return true;
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded === `${credentials.username}:${credentials.password}`;
}

function emptyAnswer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Length': '0', ...headers });
  res.end();
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.socket.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      resolve(null);
    });
  });
}

export function createHttpHandler(
  dispatcher: Dispatcher,
  faults: SimFaults,
  credentials: HttpCredentials | undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (faults.forcedHttpStatus !== null) {
      emptyAnswer(res, faults.forcedHttpStatus);
      return;
    }
    if (!authorised(req, credentials)) {
      emptyAnswer(res, 401, { Connection: 'close', 'WWW-Authenticate': 'Basic realm="Kodi"' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://kodi');
    if (url.pathname !== '/jsonrpc' && url.pathname !== '/jsonrpc/') {
      emptyAnswer(res, 404);
      return;
    }
    let text: string | null;
    let readOnly = false;
    if (req.method === 'POST') {
      const contentType = req.headers['content-type'];
      const baseType = contentType?.split(';')[0]?.trim().toLowerCase();
      if (baseType !== undefined && !ACCEPTED_TYPES.has(baseType)) {
        emptyAnswer(res, 415);
        return;
      }
      text = await readBody(req);
    } else if (req.method === 'GET' && url.searchParams.has('request')) {
      text = url.searchParams.get('request');
      readOnly = true;
    } else if (req.method === 'GET') {
      text = JSON.stringify({ id: 0, jsonrpc: '2.0', method: 'JSONRPC.Version' });
    } else {
      emptyAnswer(res, 405);
      return;
    }
    if (text === null) return;
    const outcome = await dispatcher.handle(text, 'http', readOnly);
    if (outcome.reset) {
      req.socket.destroy();
      return;
    }
    const body = outcome.body ?? '';
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  };
  return (req, res) => {
    answer(req, res).catch(() => {
      req.socket.destroy();
    });
  };
}
