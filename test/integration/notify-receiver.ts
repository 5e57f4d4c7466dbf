// A notification service stand-in for the agent tests: node:http on 127.0.0.1 (random port), recording every
// request exactly as received and answering as the test says.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply = (res: ServerResponse, request: Received, index: number) => void;

export interface Receiver {
  url: string;
  requests: Received[];
}

const servers: Server[] = [];

export async function receiver(reply: Reply = (res) => res.writeHead(204).end()): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      reply(res, request, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** Stops listening (the port then refuses connections); for the "unreachable" case. */
export function stopReceivers(): void {
  for (const server of servers) server.close();
}

/** Closes every receiver and its open connections (a test may leave one hanging on purpose). */
export function closeReceivers(): void {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
}
