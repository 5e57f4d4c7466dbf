/**
 * One Kodi library, one lane: a player group is one Kodi video library, and its lane runs one job at a time.
 * - A Kodi (host:httpPort, host case-insensitive) belongs to one group only: in two groups, two lanes would
 *   drive it at once and a Scan would cancel a Scan.
 * - A group has several players only when they share one MySQL/MariaDB video database (`sharedDatabase`):
 *   otherwise a job done through one member would record the whole group done while the other Kodi never
 *   got the item.
 * Two Kodis on one MySQL database in two groups cannot be told apart here (that needs asking each Kodi); the
 * docs (configuration.md) say to put them in one shared-database group.
 * Each check throws a ValidationError naming the field and what to do; call it before writing.
 */
import type { Kysely } from 'kysely';
import { ValidationError } from '../util/errors.js';
import type { Database } from './schema.js';

interface Placement {
  /** The player being changed (left out of the comparisons); undefined for a new player. */
  playerId?: number;
  groupId: number;
  host: string;
  httpPort: number;
}

async function groupName(db: Kysely<Database>, groupId: number): Promise<string> {
  const row = await db
    .selectFrom('player_groups')
    .select('name')
    .where('id', '=', groupId)
    .executeTakeFirst();
  return row?.name ?? `#${groupId}`;
}

/** Refuses a player whose Kodi already is a player (of another group, or of this one under another name). */
export async function checkKodiNotInUse(db: Kysely<Database>, placement: Placement): Promise<void> {
  const rows = await db
    .selectFrom('players')
    .innerJoin('player_groups', 'player_groups.id', 'players.group_id')
    .select(['players.id', 'players.name', 'players.host', 'players.group_id', 'player_groups.name as group'])
    .where('players.http_port', '=', placement.httpPort)
    .execute();
  const host = placement.host.trim().toLowerCase();
  const same = rows.find((row) => row.id !== placement.playerId && row.host.trim().toLowerCase() === host);
  if (!same) return;
  const where = `${placement.host}:${placement.httpPort}`;
  if (same.group_id !== placement.groupId) {
    throw new ValidationError(
      'host',
      `host: the Kodi at ${where} is already player "${same.name}" of group "${same.group}"; a Kodi library ` +
        `belongs to one group (two groups would drive it at once). Move that player to this group ` +
        `(PUT /api/v1/players/${same.id} with groupId) or delete it first.`,
    );
  }
  throw new ValidationError(
    'host',
    `host: the Kodi at ${where} is already player "${same.name}" of this group; one player per Kodi.`,
  );
}

/** Refuses a second player in a group whose members do not share one video database. */
export async function checkRoomInGroup(db: Kysely<Database>, placement: Placement): Promise<void> {
  const group = await db
    .selectFrom('player_groups')
    .select(['name', 'shared_database'])
    .where('id', '=', placement.groupId)
    .executeTakeFirst();
  if (!group || group.shared_database !== 0) return;
  let query = db.selectFrom('players').select('name').where('group_id', '=', placement.groupId);
  if (placement.playerId !== undefined) query = query.where('id', '!=', placement.playerId);
  const others = await query.execute();
  if (others.length === 0) return;
  throw new ValidationError(
    'groupId',
    `groupId: group "${group.name}" already has player "${others.map((o) => o.name).join('", "')}" and does not ` +
      `share a database. A group is one Kodi library: put the other Kodi in its own group, or mark the group ` +
      `"shared database" (sharedDatabase: true) if both use one MySQL/MariaDB video database.`,
  );
}

/** Refuses turning `sharedDatabase` off while the group has two or more players. */
export async function checkSharingOff(db: Kysely<Database>, groupId: number): Promise<void> {
  const players = await db.selectFrom('players').select('name').where('group_id', '=', groupId).execute();
  if (players.length < 2) return;
  throw new ValidationError(
    'sharedDatabase',
    `sharedDatabase: group "${await groupName(db, groupId)}" has ${players.length} players ` +
      `("${players.map((p) => p.name).join('", "')}"); without a shared MySQL/MariaDB video database each Kodi ` +
      `is its own library and needs its own group. Move or delete players until one is left, then turn it off.`,
  );
}
