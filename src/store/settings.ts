/** Repository: key/value settings (API key hash, URL base, and the like). Values are text. */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { requireText } from './rows.js';
import type { Database } from './schema.js';

export async function getSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: Kysely<Database>, key: string, value: string): Promise<void> {
  requireText('key', key);
  const updated_at = Date.now();
  await db
    .insertInto('settings')
    .values({ key, value, updated_at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at }))
    .execute();
}

/** Writes the value only when the key is absent; returns the value that is stored afterwards. */
export async function setSettingIfAbsent(db: Kysely<Database>, key: string, value: string): Promise<string> {
  requireText('key', key);
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: Date.now() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getSetting(db, key)) ?? value;
}

export async function listSettings(db: Kysely<Database>): Promise<Record<string, string>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute();
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

export async function deleteSetting(db: Kysely<Database>, key: string): Promise<void> {
  const result = await db.deleteFrom('settings').where('key', '=', key).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('setting', key);
}
