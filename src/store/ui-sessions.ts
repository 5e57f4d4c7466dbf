/** Repository: web UI sign-in sessions, keyed by the SHA-256 of the cookie's token. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface UiSession {
  tokenSha256: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export async function createUiSession(db: Kysely<Database>, session: UiSession): Promise<void> {
  await db
    .insertInto('ui_sessions')
    .values({
      token_sha256: session.tokenSha256,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

/** The session with this token hash, when it exists and has not expired at `now`. */
export async function findUiSession(
  db: Kysely<Database>,
  tokenSha256: string,
  now = Date.now(),
): Promise<UiSession | undefined> {
  const row = await db
    .selectFrom('ui_sessions')
    .selectAll()
    .where('token_sha256', '=', tokenSha256)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return (
    row && {
      tokenSha256: row.token_sha256,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    }
  );
}

export async function deleteUiSession(db: Kysely<Database>, tokenSha256: string): Promise<void> {
  await db.deleteFrom('ui_sessions').where('token_sha256', '=', tokenSha256).execute();
}

export async function pruneUiSessions(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom('ui_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteAllUiSessions(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('ui_sessions').execute();
}
