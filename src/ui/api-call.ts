/**
 * Every change the UI makes goes through the REST API in-process (`inject`), with the caller's own
 * credentials: the same validation, the same rules, and the same error words on the page as in the API.
 */
import type { FastifyRequest } from 'fastify';
import type { UiDeps } from './deps.js';

export interface ApiError {
  error: string;
  message: string;
  field?: string;
}

export type ApiAnswer<T> =
  { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

export async function callApi<T>(
  deps: UiDeps,
  request: FastifyRequest,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  payload?: unknown,
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  for (const name of ['cookie', 'x-api-key', 'authorization'] as const) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (request.uiSession !== undefined) headers['x-csrf-token'] = request.uiSession.csrfToken;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await deps.app.inject({
    method,
    url: `${deps.urlBase}${path}`,
    headers,
    ...(payload !== undefined && { payload: JSON.stringify(payload) }),
  });
  const body: unknown = response.body === '' ? null : JSON.parse(response.body);
  if (response.statusCode < 400) return { ok: true, status: response.statusCode, body: body as T };
  const error = body as Partial<ApiError> | null;
  return {
    ok: false,
    status: response.statusCode,
    error: {
      error: error?.error ?? 'Error',
      message: error?.message ?? `HTTP ${response.statusCode}`,
      ...(error?.field !== undefined && { field: error.field }),
    },
  };
}
