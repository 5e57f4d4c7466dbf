/**
 * "Test mapping" for a group (DESIGN §2.5): maps a manager path with the group's mappings and asks a member Kodi
 * (Files.GetDirectory, Files.GetSources) whether it can see it, then says what to fix when it cannot.
 */
import { z } from 'zod';
import { KodiClient } from '../../kodi/client.js';
import { kodiDirname, kodiFolder, mapManagerToKodi, withoutCredentials } from '../../paths/index.js';
import {
  getPlayerGroup,
  getPlayerWithSecret,
  listPathMappings,
  listPlayersWithSecrets,
} from '../../store/index.js';
import { errorMessage, ValidationError } from '../../util/errors.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { errors, Id, IdParams, PathText, requireRef } from './common.js';
import { endpointOf } from './endpoint.js';
import { OUTBOUND_TEST_LIMIT } from '../rate-limit.js';

const TestMappingBody = z.strictObject({
  path: PathText.describe('A folder or file as the manager sees it'),
  playerId: Id.optional().describe('Member to ask; default: the first enabled member'),
});

const TestMappingResult = z
  .object({
    ok: z.boolean(),
    managerPath: z.string(),
    kodiPath: z.string().optional(),
    player: z.string().optional(),
    message: z.string(),
    fix: z.string().optional(),
    entries: z.number().int().optional().describe('Entries Kodi listed in the folder'),
  })
  .meta({ id: 'TestMappingResult' });
type TestMappingResult = z.infer<typeof TestMappingResult>;

export function registerTestMappingRoute(app: ApiApp, deps: ApiDeps): void {
  app.post(
    '/api/v1/groups/:id/test-mapping',
    {
      config: { rateLimit: OUTBOUND_TEST_LIMIT },
      schema: {
        tags: ['groups'],
        summary: 'Map a manager path and ask a member Kodi whether it sees it',
        params: IdParams,
        body: TestMappingBody,
        response: { 200: TestMappingResult, ...errors },
      },
    },
    async (request) => testMapping(deps, request.params.id, request.body.path, request.body.playerId),
  );
}

async function testMapping(
  deps: ApiDeps,
  groupId: number,
  managerPath: string,
  playerId?: number,
): Promise<TestMappingResult> {
  const db = deps.store.db;
  const group = await getPlayerGroup(db, groupId);
  const mappings = await listPathMappings(db, { groupId });
  let kodiPath: string;
  try {
    kodiPath = mapManagerToKodi(mappings, managerPath, { groupName: group.name });
  } catch (error) {
    return {
      ok: false,
      managerPath,
      message: errorMessage(error),
      fix: 'Add or correct a path mapping for this group.',
    };
  }
  let player;
  if (playerId !== undefined) {
    player = await requireRef('playerId', () => getPlayerWithSecret(db, playerId));
    if (player.groupId !== groupId)
      throw new ValidationError(
        'playerId',
        `playerId: player ${playerId} is not a member of group ${groupId}.`,
      );
  } else {
    player = (await listPlayersWithSecrets(db, { groupId })).find((p) => p.enabled);
  }
  const shownPath = withoutCredentials(kodiPath);
  if (player === undefined) {
    return {
      ok: false,
      managerPath,
      kodiPath: shownPath,
      message: `Group "${group.name}" has no enabled player to ask.`,
      fix: 'Add a player (a Kodi) to this group.',
    };
  }
  const client = new KodiClient(endpointOf(player), {
    webSocket: false,
    callTimeoutMs: 8_000,
    logger: deps.logger,
  });
  const base = { managerPath, kodiPath: shownPath, player: player.name };
  const scrub = (text: string) => deps.secrets.scrub(text);
  try {
    const folder = await listFolderOrParent(client, kodiPath);
    return {
      ...base,
      ok: true,
      message: `${player.name} sees ${withoutCredentials(folder.path)} (${folder.entries} entries).`,
      entries: folder.entries,
    };
  } catch (error) {
    const sources = await client.getSources('video').catch(() => []);
    const covering = sources.find((s) => withoutCredentials(kodiPath).startsWith(withoutCredentials(s.file)));
    const fix =
      covering === undefined
        ? `No video source of ${player.name} contains ${shownPath}. Either the Kodi side of the mapping is wrong ` +
          `(Kodi's sources: ${sources.map((s) => withoutCredentials(s.file)).join(', ') || 'none'}) or add a video source for that folder in Kodi.`
        : `The path is inside the source "${covering.label}" but Kodi cannot list it: check that the folder exists on ` +
          `the share/disk Kodi uses, and that the manager and Kodi see the same files there.`;
    return {
      ...base,
      ok: false,
      message: scrub(`${player.name} cannot list ${shownPath}: ${errorMessage(error)}`),
      fix,
    };
  } finally {
    await client.close();
  }
}

/** Lists the path as a folder; for a file, lists its folder and requires the file to be there. */
async function listFolderOrParent(
  client: KodiClient,
  kodiPath: string,
): Promise<{ path: string; entries: number }> {
  try {
    const folder = kodiFolder(kodiPath);
    return { path: folder, entries: (await client.getDirectory(folder)).length };
  } catch (folderError) {
    const parent = kodiDirname(kodiPath);
    const entries = await client.getDirectory(parent).catch(() => {
      throw folderError;
    });
    if (!entries.some((e) => e.file === kodiPath)) {
      throw new Error(
        `${withoutCredentials(parent)} is visible but does not hold ${withoutCredentials(kodiPath)}`,
        { cause: folderError },
      );
    }
    return { path: parent, entries: entries.length };
  }
}
