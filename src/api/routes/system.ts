/**
 * System routes: the anonymous health check /ping (the *arr shape), the service status, Prometheus
 * /metrics and the OpenAPI document.
 */
import { z } from 'zod';
import { checkDatabase, countPlayers } from '../../store/index.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';

const Ping = z.object({ status: z.enum(['OK', 'Error']) });

const Status = z
  .object({
    version: z.string(),
    startedAt: z.number().describe('Epoch milliseconds'),
    database: z.enum(['sqlite', 'postgres']),
    players: z.number().int().describe('Configured Kodis'),
    demo: z.object({ running: z.boolean(), hint: z.string().optional() }),
  })
  .meta({ id: 'Status' });

export function registerSystemRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/ping',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['system'],
        summary:
          'Health check, no API key needed (the *arr shape): 200 OK, 500 when the database cannot be read',
        security: [],
        response: { 200: Ping, 500: Ping },
      },
    },
    async (request, reply) => {
      try {
        await checkDatabase(deps.store.db);
        return { status: 'OK' as const };
      } catch (error) {
        request.log.error({ err: error }, 'ping: database read failed');
        return reply.code(500).send({ status: 'Error' as const });
      }
    },
  );

  app.get('/api/v1/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, (_request, reply) => {
    void reply.send(app.swagger());
  });

  app.get(
    '/api/v1/status',
    {
      schema: {
        tags: ['system'],
        summary: 'Service status and how to start demo mode',
        response: { 200: Status },
      },
    },
    async () => {
      const players = await countPlayers(deps.store.db);
      const demo = deps.demo();
      return {
        version: deps.version,
        startedAt: deps.startedAt,
        database: deps.store.dialect,
        players,
        demo:
          demo.hint === undefined ? { running: demo.running } : { running: demo.running, hint: demo.hint },
      };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['system'],
        summary:
          'Prometheus metrics (text exposition format); needs the API key, e.g. ?apikey= in a scrape config',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    },
  );
}
