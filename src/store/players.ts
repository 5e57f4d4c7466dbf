/**
 * Repository: Kodi players (members of a group). The password is a secret: `getPlayer`/`listPlayers`
 * return the public view (`hasPassword` only); `getPlayerWithSecret`/`listPlayersWithSecrets` are for the
 * code that talks to Kodi.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { getPlayerGroup } from './groups.js';
import {
  fromBool,
  optionalInt,
  optionalText,
  requireBool,
  requireInt,
  requireText,
  uniqueField,
} from './rows.js';
import type { Database, PlayersTable } from './schema.js';

export interface PublicPlayer {
  id: number;
  groupId: number;
  name: string;
  host: string;
  httpPort: number;
  wsPort: number | null;
  username: string | null;
  hasPassword: boolean;
  priority: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Player extends PublicPlayer {
  password: string | null;
}

export interface PlayerInput {
  groupId: number;
  name: string;
  host: string;
  httpPort: number;
  wsPort?: number | null;
  username?: string | null;
  password?: string | null;
  priority?: number;
  enabled?: boolean;
}

function toPlayer(row: Selectable<PlayersTable>): Player {
  return {
    id: row.id,
    groupId: row.group_id,
    name: row.name,
    host: row.host,
    httpPort: row.http_port,
    wsPort: row.ws_port,
    username: row.username,
    hasPassword: row.password !== null && row.password !== '',
    password: row.password,
    priority: row.priority,
    enabled: row.enabled !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function publicPlayer(player: Player): PublicPlayer {
  const { password: _password, ...rest } = player;
  return rest;
}

function checked(input: Partial<PlayerInput>) {
  return {
    ...(input.groupId !== undefined && { group_id: requireInt('groupId', input.groupId, 1) }),
    ...(input.name !== undefined && { name: requireText('name', input.name) }),
    ...(input.host !== undefined && { host: requireText('host', input.host) }),
    ...(input.httpPort !== undefined && { http_port: requireInt('httpPort', input.httpPort, 1, 65535) }),
    ...(input.wsPort !== undefined && { ws_port: optionalInt('wsPort', input.wsPort, 1, 65535) }),
    ...(input.username !== undefined && { username: optionalText('username', input.username) }),
    ...(input.password !== undefined && { password: optionalText('password', input.password) }),
    ...(input.priority !== undefined && { priority: requireInt('priority', input.priority) }),
    ...(input.enabled !== undefined && { enabled: fromBool(requireBool('enabled', input.enabled)) }),
  };
}

export async function createPlayer(db: Kysely<Database>, input: PlayerInput): Promise<PublicPlayer> {
  const values = checked(input);
  await getPlayerGroup(db, requireInt('groupId', input.groupId, 1));
  const now = Date.now();
  const row = await uniqueField('name', `a player named "${input.name}" already exists`, () =>
    db
      .insertInto('players')
      .values({
        ...values,
        group_id: input.groupId,
        name: requireText('name', input.name),
        host: requireText('host', input.host),
        http_port: requireInt('httpPort', input.httpPort, 1, 65535),
        ws_port: values.ws_port ?? null,
        username: values.username ?? null,
        password: values.password ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return publicPlayer(toPlayer(row));
}

export async function getPlayerWithSecret(db: Kysely<Database>, id: number): Promise<Player> {
  const row = await db.selectFrom('players').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('player', id);
  return toPlayer(row);
}

export async function getPlayer(db: Kysely<Database>, id: number): Promise<PublicPlayer> {
  return publicPlayer(await getPlayerWithSecret(db, id));
}

export async function listPlayersWithSecrets(
  db: Kysely<Database>,
  filter: { groupId?: number } = {},
): Promise<Player[]> {
  let query = db.selectFrom('players').selectAll();
  if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
  const rows = await query.orderBy('group_id').orderBy('priority', 'desc').orderBy('id').execute();
  return rows.map(toPlayer);
}

/** Players, highest priority first within each group. */
export async function listPlayers(
  db: Kysely<Database>,
  filter: { groupId?: number } = {},
): Promise<PublicPlayer[]> {
  return (await listPlayersWithSecrets(db, filter)).map(publicPlayer);
}

export async function updatePlayer(
  db: Kysely<Database>,
  id: number,
  patch: Partial<PlayerInput>,
): Promise<PublicPlayer> {
  const values = checked(patch);
  if (values.group_id !== undefined) await getPlayerGroup(db, values.group_id);
  const row = await uniqueField('name', `a player named "${patch.name ?? ''}" already exists`, () =>
    db
      .updateTable('players')
      .set({ ...values, updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError('player', id);
  return publicPlayer(toPlayer(row));
}

export async function deletePlayer(db: Kysely<Database>, id: number): Promise<void> {
  const result = await db.deleteFrom('players').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError('player', id);
}

export async function countPlayers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('players')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
