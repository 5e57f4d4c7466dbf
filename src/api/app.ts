/**
 * buildApi: the fastify server of `kodi-sync serve` — REST under <urlBase>/api/v1 with its OpenAPI
 * document, the anonymous /ping, /metrics and Server-Sent Events, with API key or UI session auth and one
 * error mapping for every route. The web UI (src/ui) is registered on the same server by src/service.ts.
 */
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { maskCredentials } from '../paths/index.js';
import { presentedKey } from './auth.js';
import { registerRateLimit } from './rate-limit.js';
import type { ApiDeps } from './deps.js';
import { errorBody, installErrorHandler } from './errors.js';
import { registerRoutes } from './routes/index.js';
import { csrfSatisfied, sessionOf } from './session.js';

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * Who may call a route: `key` (default: the API key, or a signed-in UI session), `webhook` (the key only,
 * also as Basic password), `page` (like `key`, but a browser without a session is sent to the login form)
 * or `none`.
 */
export type RouteAuth = 'key' | 'webhook' | 'page' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

export async function buildApi(deps: ApiDeps): Promise<ApiApp> {
  const loggerInstance: FastifyBaseLogger = deps.logger.child({ component: 'api' });
  const app = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitKb * 1024,
    // Open SSE streams would otherwise hold close() forever (research/stack.md pitfall 5).
    forceCloseConnections: true,
    trustProxy: true,
    // A client that trickles its request (slowloris) is cut off instead of holding a socket for Node's 5 min.
    requestTimeout: 30_000,
  });
  acceptEmptyJsonBody(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Kodi Sync',
        version: deps.version,
        description:
          'Publishes what a media manager imported to every Kodi and verifies it in Kodi itself. ' +
          'Authenticate with the API key: X-Api-Key header, apikey query parameter or Authorization: Bearer.',
      },
      servers: [{ url: deps.urlBase === '' ? '/' : deps.urlBase }],
      components: {
        securitySchemes: {
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
          apiKeyQuery: { type: 'apiKey', in: 'query', name: 'apikey' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKeyHeader: [] }, { apiKeyQuery: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config.auth ?? 'key';
    if (auth === 'none') return;
    const key = presentedKey(request, auth === 'webhook');
    if (key !== undefined && deps.apiKey.matches(key)) return;
    if (key === undefined && auth !== 'webhook') {
      const session = await sessionOf(deps.store.db, request);
      if (session !== undefined) {
        request.uiSession = session;
        return;
      }
      if (auth === 'page') {
        const login = `${deps.urlBase}/login`;
        // htmx follows HX-Redirect with a full page load; a plain browser follows the 303.
        if (request.headers['hx-request'] === 'true')
          return reply.code(401).header('hx-redirect', login).send();
        return reply.redirect(login, 303);
      }
    }
    deps.metrics.authFailures.inc();
    await reply
      .code(401)
      .header('www-authenticate', auth === 'webhook' ? 'Basic realm="kodi-sync"' : 'Bearer realm="kodi-sync"')
      .send(
        errorBody(
          'Unauthorized',
          key === undefined
            ? 'API key missing: send it as the X-Api-Key header, the apikey query parameter or Authorization: Bearer <key> (kodi-sync config show-key prints it), or sign in to the web UI.'
            : 'API key wrong: use the key printed by `kodi-sync config show-key`.',
        ),
      );
  });
  // After the body is parsed: a request authenticated by the session cookie must echo its CSRF token.
  app.addHook('preValidation', async (request, reply) => {
    if (request.uiSession === undefined || csrfSatisfied(request, request.uiSession)) return;
    await reply
      .code(403)
      .send(
        errorBody(
          'Forbidden',
          'The form is out of date (CSRF token missing or wrong): reload the page and try again.',
        ),
      );
  });
  // A Kodi path may carry a share password (`smb://user:pass@nas/…` in a mapping, an item, a job's evidence): no
  // JSON answer ever shows it (a mapping update that sends the masked form back keeps the stored one).
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    return typeof payload === 'string' && type.includes('json') ? maskCredentials(payload) : payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await registerRateLimit(app);
  await app.register(
    (scoped, _options, done) => {
      registerRoutes(scoped.withTypeProvider<ZodTypeProvider>(), deps);
      done();
    },
    { prefix: deps.urlBase },
  );
  return app.withTypeProvider<ZodTypeProvider>();
}

/**
 * `content-type: application/json` with no body (curl -H … -X POST, some HTTP clients on action routes such as
 * POST /players/1/test) counts as no body: routes without one accept it, routes that need one say which field is
 * missing. Any other body goes through fastify's own JSON parser (prototype-poisoning protection included).
 */
function acceptEmptyJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}
