/**
 * Web UI sign-in, the *arr way: a login form exchanges the API key for a session cookie (HttpOnly,
 * SameSite=Strict, Secure behind HTTPS). Only the token's SHA-256 is stored (ui_sessions); each session
 * carries a CSRF token that every state-changing request made with the cookie must echo back (the
 * `X-CSRF-Token` header htmx sends, or the `_csrf` form field). Requests with the API key need neither.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import {
  createUiSession,
  deleteAllUiSessions,
  deleteUiSession,
  getSetting,
  setSetting,
  findUiSession,
  pruneUiSessions,
  type Database,
  type UiSession,
} from '../store/index.js';
import { sha256Hex } from './auth.js';

export const SESSION_COOKIE = 'kodi_sync_session';
const SESSION_DAYS = 30;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The SHA-256 of the API key the stored sessions were signed in with. */
const SESSIONS_KEY_SETTING = 'ui_sessions_api_key_sha256';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in UI session, when the request carries a valid session cookie (set by the auth hook). */
    uiSession?: UiSession;
  }
}

/** The value of one cookie from the Cookie header (RFC 6265 pairs; values are our own hex tokens). */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * A session is a sign-in with the API key: when the key changes (a new `apiKey` setting, e.g. after it leaked),
 * every browser signed in with the old one is signed out. Called at start, before the API serves anything.
 */
export async function endSessionsOfAnotherKey(db: Kysely<Database>, keySha256: string): Promise<void> {
  if ((await getSetting(db, SESSIONS_KEY_SETTING)) === keySha256) return;
  await deleteAllUiSessions(db);
  await setSetting(db, SESSIONS_KEY_SETTING, keySha256);
}

export async function sessionOf(
  db: Kysely<Database>,
  request: FastifyRequest,
): Promise<UiSession | undefined> {
  const token = cookieValue(request, SESSION_COOKIE);
  if (token === undefined || !/^[0-9a-f]{64}$/.test(token)) return undefined;
  return findUiSession(db, sha256Hex(token));
}

/** True when a cookie-authenticated request may go ahead: safe method, or the session's CSRF token echoed. */
export function csrfSatisfied(request: FastifyRequest, session: UiSession): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const header = request.headers['x-csrf-token'];
  const body = request.body as Record<string, unknown> | undefined;
  const presented = typeof header === 'string' ? header : body?._csrf;
  return typeof presented === 'string' && presented === session.csrfToken;
}

function cookieAttributes(request: FastifyRequest, urlBase: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `Path=${urlBase === '' ? '/' : urlBase}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export async function signIn(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
  urlBase: string,
): Promise<UiSession> {
  const token = randomBytes(32).toString('hex');
  const now = Date.now();
  const session: UiSession = {
    tokenSha256: sha256Hex(token),
    csrfToken: randomBytes(24).toString('hex'),
    createdAt: now,
    expiresAt: now + SESSION_DAYS * 24 * 3_600_000,
  };
  await pruneUiSessions(db, now);
  await createUiSession(db, session);
  void reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; ${cookieAttributes(request, urlBase, SESSION_DAYS * 24 * 3600)}`,
  );
  return session;
}

export async function signOut(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
  urlBase: string,
): Promise<void> {
  const token = cookieValue(request, SESSION_COOKIE);
  if (token !== undefined) await deleteUiSession(db, sha256Hex(token));
  void reply.header('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes(request, urlBase, 0)}`);
}
