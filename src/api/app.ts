/**
 * buildApi: the fastify server of `kodi-sync serve` — REST under <urlBase>/api/v1 with its OpenAPI
 * document, the anonymous /ping, /metrics, Server-Sent Events and the UI placeholder, with API key auth
 * and one error mapping for every route.
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
import { presentedKey } from './auth.js';
import type { ApiDeps } from './deps.js';
import { errorBody, installErrorHandler } from './errors.js';
import { registerRoutes } from './routes/index.js';

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Who may call a route: `key` (default), `webhook` (key also as Basic password) or `none`. */
export type RouteAuth = 'key' | 'webhook' | 'none';

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
    deps.metrics.authFailures.inc();
    await reply
      .code(401)
      .header('www-authenticate', auth === 'webhook' ? 'Basic realm="kodi-sync"' : 'Bearer realm="kodi-sync"')
      .send(
        errorBody(
          'Unauthorized',
          key === undefined
            ? 'API key missing: send it as the X-Api-Key header, the apikey query parameter or Authorization: Bearer <key> (kodi-sync config show-key prints it).'
            : 'API key wrong: use the key printed by `kodi-sync config show-key`.',
        ),
      );
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
