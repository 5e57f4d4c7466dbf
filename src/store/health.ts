/** Repository: the database answers at all (for /ping). */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function checkDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
