/**
 * API key check, as Radarr/Sonarr users know it (research/webhooks-and-ecosystem.md §E): the key may come
 * as the `apikey` query parameter, the `X-Api-Key` header or `Authorization: Bearer <key>`; webhook routes
 * also take it as the HTTP Basic password, because older Radarr/Sonarr can send nothing else.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export interface ApiKeyCheck {
  /** True when `candidate` is the service's API key (constant-time). */
  matches(candidate: string): boolean;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A key check against the SHA-256 of the key (the form stored in the settings table). */
export function apiKeyCheckFromHash(hashHex: string): ApiKeyCheck {
  const expected = Buffer.from(hashHex, 'hex');
  return {
    matches(candidate) {
      const actual = createHash('sha256').update(candidate, 'utf8').digest();
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

/** The key a request carries, in the *arr order: query, X-Api-Key, Bearer, then (webhooks) Basic password. */
export function presentedKey(request: FastifyRequest, allowBasic: boolean): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.apikey;
  if (typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  if (bearer?.[1] !== undefined) return bearer[1].trim();
  if (allowBasic) {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    if (basic?.[1] !== undefined) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) return decoded.slice(colon + 1);
    }
  }
  return undefined;
}
