/**
 * Maps every error a request can raise to an HTTP answer `{ error, message, field? }`: bad input → 4xx
 * naming the field and the fix, unknown ids → 404, conflicts → 409, the database away for a moment → 503
 * with Retry-After, a full database disk → 503 saying to free space, and only real bugs → 500 (logged, answered
 * without internals).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DatabaseFullError, DatabaseUnavailableError } from '../store/index.js';
import { KodiSyncError, NotFoundError, ValidationError, errorMessage } from '../util/errors.js';

export const ErrorBody = z
  .object({
    error: z.string().describe('Machine-readable error kind'),
    message: z.string().describe('What went wrong and how to fix it'),
    field: z.string().optional().describe('The request field at fault'),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A request that conflicts with the current state (duplicate name, record still in use). */
export class ConflictError extends KodiSyncError {
  readonly retry = 'permanent' as const;
}

/** Answers `{status}` with this error body; for handlers that decide the status themselves. */
export function errorBody(error: string, message: string, field?: string): ErrorBody {
  return field === undefined ? { error, message } : { error, message, field };
}

interface DatabaseError {
  code?: unknown;
  constraint?: unknown;
}

function databaseConflict(error: unknown): string | undefined {
  const code = (error as DatabaseError | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return 'A record with this name or value already exists; choose another one.';
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') {
    return 'The record is referenced by others (or refers to one that does not exist); remove those references first.';
  }
  return undefined;
}

/** Fastify's own client errors, answered with a plain name and a fix instead of its internal code. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [
    413,
    'PayloadTooLarge',
    'The request body is too large (setting bodyLimitKb).',
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UnsupportedMediaType', 'Send the body as application/json.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BadRequest', 'The JSON body is empty; send a JSON object.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BadRequest', 'The body is not valid JSON.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'BadRequest',
    'The Content-Length header does not match the body.',
  ],
};

const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  408: 'RequestTimeout',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(
        errorBody(
          'NotFound',
          `No route ${request.method} ${request.url.split('?')[0] ?? ''}; see /api/v1/openapi.json.`,
        ),
      );
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const where = error.validationContext ?? 'body';
      const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
      const field = path === '' ? where : path;
      const others = error.validation.length > 1 ? ` (and ${error.validation.length - 1} more problems)` : '';
      return reply
        .code(400)
        .send(
          errorBody(
            'ValidationError',
            `${where} field "${field}": ${first?.message ?? 'invalid'}${others}`,
            field,
          ),
        );
    }
    if (error instanceof ValidationError)
      return reply.code(400).send(errorBody('ValidationError', error.message, error.field));
    if (error instanceof NotFoundError) return reply.code(404).send(errorBody('NotFound', error.message));
    if (error instanceof ConflictError) return reply.code(409).send(errorBody('Conflict', error.message));
    if (error instanceof DatabaseFullError) {
      request.log.error({ err: error.message, url: request.routeOptions.url }, 'database full');
      return reply
        .code(503)
        .header('retry-after', '60')
        .send(
          errorBody(
            'DatabaseFull',
            'The database cannot store anything more: its disk is full. Nothing from this request was stored; ' +
              'free disk space where the database is kept (the data directory), then send the request again.',
          ),
        );
    }
    if (error instanceof DatabaseUnavailableError) {
      request.log.warn({ err: error.message, url: request.routeOptions.url }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send(
          errorBody(
            'DatabaseUnavailable',
            'The database is unavailable for a moment (restarting or unreachable); send the request again shortly.',
          ),
        );
    }
    const conflict = databaseConflict(error);
    if (conflict !== undefined) return reply.code(409).send(errorBody('Conflict', conflict));
    const known = FASTIFY_CLIENT_ERRORS[error.code];
    if (known !== undefined) return reply.code(known[0]).send(errorBody(known[1], known[2]));
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const name = STATUS_NAMES[error.statusCode] ?? 'BadRequest';
      return reply.code(error.statusCode).send(errorBody(name, error.message));
    }
    if (isResponseSerializationError(error)) {
      request.log.error(
        { issues: error.cause.issues, url: request.routeOptions.url },
        'response does not match its schema',
      );
    } else {
      request.log.error({ err: error, url: request.routeOptions.url }, 'request failed');
    }
    return reply
      .code(500)
      .send(
        errorBody(
          'InternalError',
          `Internal error (${errorMessage(error).slice(0, 200)}); see the service log.`,
        ),
      );
  });
}
