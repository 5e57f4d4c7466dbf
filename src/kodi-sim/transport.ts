/**
 * The simulator's two listeners: the webserver (HTTP JSON-RPC) and Kodi's JSON-RPC TCP port, served here as
 * WebSocket only (any path accepted, no authentication — research/real-kodi.md §1, §11). It owns every
 * socket so faults can close listeners, drop sockets abruptly, and reopen on the same ports. Writes to
 * sockets that are closing are swallowed: a client vanishing must never crash the simulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Dispatcher } from './dispatch.js';
import type { FaultTransport } from './faults.js';
import type { createHttpHandler } from './http-handler.js';

interface WsClient {
  ws: WebSocket;
  socket: Duplex;
}

/** Close frame code 1000 with an invalid UTF-8 reason: what Kodi 20.1 sends when it closes (§1). */
const KODI_CLOSE_FRAME = Buffer.from([0x88, 0x04, 0x03, 0xe8, 0xff, 0xfe]);

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export class SimTransport implements FaultTransport {
  httpPort: number;
  wsPort: number;
  private httpServer: Server | undefined;
  private wsServer: Server | undefined;
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('jsonrpc.xbmc.org') ? 'jsonrpc.xbmc.org' : false),
  });
  private readonly httpSockets = new Set<Socket>();
  private readonly clients = new Set<WsClient>();

  constructor(
    private readonly host: string,
    httpPort: number,
    wsPort: number,
    private readonly dispatcher: Dispatcher,
    private readonly httpHandler: ReturnType<typeof createHttpHandler>,
  ) {
    this.httpPort = httpPort;
    this.wsPort = wsPort;
  }

  get webSocketClients(): number {
    return this.clients.size;
  }

  async start(): Promise<void> {
    await this.openHttp();
    await this.setWebSocketListening(true);
  }

  /** Sends one notification to every open WebSocket of this Kodi. */
  broadcast(method: string, data: unknown): void {
    const text = JSON.stringify({ jsonrpc: '2.0', method, params: { data, sender: 'xbmc' } });
    for (const { ws } of this.clients) this.send(ws, text);
  }

  async setWebSocketListening(listening: boolean): Promise<void> {
    if (listening && !this.wsServer) {
      const server = createServer((_req, res) => {
        res.writeHead(426, { 'Content-Length': '0' });
        res.end();
      });
      server.on('upgrade', (req, socket, head) => {
        socket.on('error', () => undefined);
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          this.adopt(ws, socket);
        });
      });
      this.wsServer = server;
      this.wsPort = await listen(server, this.wsPort, this.host);
    } else if (!listening && this.wsServer) {
      // Stop accepting at once; the open sockets are left alone (close's callback would wait for them).
      this.wsServer.close();
      this.wsServer = undefined;
    }
  }

  destroyWebSockets(): void {
    for (const client of this.clients) client.socket.destroy();
    this.clients.clear();
  }

  async goOffline(): Promise<void> {
    await this.setWebSocketListening(false);
    this.destroyWebSockets();
    if (this.httpServer) {
      this.httpServer.close();
      this.httpServer.closeAllConnections();
      this.httpServer = undefined;
    }
    for (const socket of this.httpSockets) socket.destroy();
    this.httpSockets.clear();
  }

  async goOnline(): Promise<void> {
    if (!this.httpServer) await this.openHttp();
    await this.setWebSocketListening(true);
  }

  /** Kodi quitting: System.OnQuit, Kodi's malformed close frame, then everything closed. */
  async shutdown(): Promise<void> {
    this.broadcast('System.OnQuit', { exitcode: 0 });
    for (const client of this.clients) {
      if (client.ws.readyState === WebSocket.OPEN && client.socket.writable)
        client.socket.write(KODI_CLOSE_FRAME);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    await this.goOffline();
    this.wss.close();
  }

  private async openHttp(): Promise<void> {
    const server = createServer(this.httpHandler);
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket) => {
      this.httpSockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.httpSockets.delete(socket));
    });
    this.httpServer = server;
    this.httpPort = await listen(server, this.httpPort, this.host);
  }

  private adopt(ws: WebSocket, socket: Duplex): void {
    const client: WsClient = { ws, socket };
    this.clients.add(client);
    ws.on('error', () => undefined);
    ws.on('close', () => this.clients.delete(client));
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      this.dispatcher
        .handle(data.toString('utf8'), 'ws')
        .then((outcome) => {
          if (outcome.reset) {
            socket.destroy();
            this.clients.delete(client);
          } else if (outcome.body !== null) {
            this.send(ws, outcome.body);
          }
        })
        .catch(() => {
          socket.destroy();
        });
    });
  }

  private send(ws: WebSocket, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(text, () => undefined);
    } catch {
      // The socket closed under us: the client is gone, nothing to answer.
    }
  }
}
