/** Shared by the page modules: the page context of a request and sending rendered HTML. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { maskUrlCredentials } from '../config/mask.js';
import type { PageContext, UiDeps } from './deps.js';
import type { Html } from './html.js';

export function contextOf(deps: UiDeps, request: FastifyRequest): PageContext {
  const path = (request.url.split('?')[0] ?? '').slice(deps.urlBase.length) || '/';
  return { base: deps.urlBase, csrf: request.uiSession?.csrfToken ?? '', path };
}

export function sendHtml(reply: FastifyReply, body: Html, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body.text);
}

/** The query string of a request, as it came (for a fragment that must repeat the page's filters). */
export function queryOf(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at < 0 ? '' : request.url.slice(at);
}

/** Text that may hold a secret (an error, a Kodi path with `user:password@`) as the page may show it. */
export function redact(deps: UiDeps, text: string): string {
  return maskUrlCredentials(deps.secrets.scrub(text));
}
