/**
 * Routes that open connections to a Kodi or a notification service on request (player test, mapping test,
 * notification test) are rate-limited per client: a script or a stuck form must not turn Kodi Sync into a
 * connection hammer against someone's Kodi. @fastify/rate-limit, registered without a global limit; each such route
 * names `OUTBOUND_TEST_LIMIT` in its config.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

/** Per client address and route: 20 tests a minute is plenty for a person clicking Test. */
export const OUTBOUND_TEST_LIMIT = { max: 20, timeWindow: 60_000 } as const;

export async function registerRateLimit(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new Error(
          `Too many tests of this kind (${context.max} a minute): each one connects to a Kodi or a notification ` +
            `service. Try again in ${Math.ceil(context.ttl / 1000)} s.`,
        ),
        { statusCode: 429 },
      ),
  });
}
