/**
 * Server-Sent Events at /api/v1/events: `job` events from the queue's change feed and `player` events from
 * the live player state, plus a comment every 15 s so proxies keep the stream open. EventSource cannot send
 * headers, so the key usually comes as ?apikey=. Streams end when the server closes (preClose), so shutdown
 * never waits on them (research/stack.md pitfall 5).
 */
import type { ServerResponse } from 'node:http';
import { maskCredentials } from '../paths/index.js';
import type { ApiApp } from './app.js';
import type { ApiDeps } from './deps.js';

const HEARTBEAT_MS = 15_000;

export function registerEventStream(app: ApiApp, deps: ApiDeps): void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    open.clear();
    done();
  });

  app.get(
    '/api/v1/events',
    {
      schema: { tags: ['events'], summary: 'Server-Sent Events: job and player changes (text/event-stream)' },
    },
    (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown) => {
        if (!res.writableEnded)
          res.write(
            `event: ${event}\ndata: ${maskCredentials(deps.secrets.scrub(JSON.stringify(data)))}\n\n`,
          );
      };
      res.write(': connected\n\n');
      send('hello', { players: deps.players.states() });
      const offJobs = deps.queue.onChange((change) => {
        send('job', change);
      });
      const offPlayers = deps.players.onChange((state) => {
        send('player', state);
      });
      const heartbeat = setInterval(() => {
        if (!res.writableEnded) res.write(': keep-alive\n\n');
      }, HEARTBEAT_MS);
      heartbeat.unref();
      open.add(res);
      const cleanup = () => {
        clearInterval(heartbeat);
        offJobs();
        offPlayers();
        open.delete(res);
      };
      request.raw.on('close', cleanup);
      res.on('error', cleanup);
    },
  );
}
