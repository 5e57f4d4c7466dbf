/**
 * CRUD for player groups (one Kodi library each, one queue lane each) and the libraries each serves. A group
 * with two or more players must share one video database (store/group-rules.ts).
 */
import { z } from 'zod';
import {
  checkSharingOff,
  createPlayerGroup,
  deletePlayerGroup,
  getPlayerGroup,
  listGroupLibraries,
  listPlayerGroups,
  missingLibraryIds,
  setGroupLibraries,
  updatePlayerGroup,
  type PlayerGroup,
} from '../../store/index.js';
import { runningJobInLane } from '../../queue/index.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { ValidationError } from '../../util/errors.js';
import { ConflictError } from '../errors.js';
import { defined, Deleted, errors, Id, IdParams, Name } from './common.js';

const GroupCreate = z.strictObject({
  name: Name,
  libraryIds: z.array(Id).max(1000).optional().describe('Libraries this group serves'),
  skipActive: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe('Never disturb a playing Kodi (default true)'),
  busyPolicy: z.enum(['defer', 'run'], { error: 'must be "defer" or "run"' }).optional(),
  maxDeferralMs: z
    .int({ error: 'must be a whole number of milliseconds' })
    .min(0)
    .max(7 * 24 * 3_600_000)
    .optional(),
  fullScanFallback: z.boolean({ error: 'must be true or false' }).optional(),
  sharedDatabase: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe('Members share one MySQL/MariaDB video library'),
});
const GroupUpdate = GroupCreate.partial();

export const Group = z
  .object({
    id: z.number().int(),
    name: z.string(),
    libraryIds: z.array(z.number().int()),
    skipActive: z.boolean(),
    busyPolicy: z.enum(['defer', 'run']),
    maxDeferralMs: z.number(),
    fullScanFallback: z.boolean(),
    sharedDatabase: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'PlayerGroup' });

/** Checked before anything is written, so a bad id changes nothing. */
async function requireLibraries(deps: ApiDeps, ids: number[]): Promise<void> {
  const missing = await missingLibraryIds(deps.store.db, ids);
  if (missing.length > 0) {
    throw new ValidationError(
      'libraryIds',
      `libraryIds: unknown library id(s) ${missing.join(', ')}; create the library first.`,
    );
  }
}

export function registerGroupRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  const tags = ['groups'];
  const withLibraries = async (group: PlayerGroup) => ({
    ...group,
    libraryIds: await listGroupLibraries(db, group.id),
  });

  app.get('/api/v1/groups', { schema: { tags, response: { 200: z.array(Group) } } }, async () =>
    Promise.all((await listPlayerGroups(db)).map(withLibraries)),
  );
  app.post(
    '/api/v1/groups',
    { schema: { tags, body: GroupCreate, response: { 201: Group, ...errors } } },
    async (request, reply) => {
      const { libraryIds, ...fields } = request.body;
      if (libraryIds !== undefined) await requireLibraries(deps, libraryIds);
      const group = await createPlayerGroup(db, { ...defined(fields), name: fields.name });
      if (libraryIds !== undefined) await setGroupLibraries(db, group.id, libraryIds);
      deps.onConfigurationChange();
      return reply.code(201).send(await withLibraries(group));
    },
  );
  app.get(
    '/api/v1/groups/:id',
    { schema: { tags, params: IdParams, response: { 200: Group, ...errors } } },
    async (request) => withLibraries(await getPlayerGroup(db, request.params.id)),
  );
  app.put(
    '/api/v1/groups/:id',
    { schema: { tags, params: IdParams, body: GroupUpdate, response: { 200: Group, ...errors } } },
    async (request) => {
      const { libraryIds, ...fields } = request.body;
      await getPlayerGroup(db, request.params.id);
      if (libraryIds !== undefined) await requireLibraries(deps, libraryIds);
      if (fields.sharedDatabase === false) await checkSharingOff(db, request.params.id);
      const group = await updatePlayerGroup(db, request.params.id, defined(fields));
      if (libraryIds !== undefined) await setGroupLibraries(db, group.id, libraryIds);
      deps.onConfigurationChange();
      return withLibraries(group);
    },
  );
  app.delete(
    '/api/v1/groups/:id',
    { schema: { tags, params: IdParams, response: { 204: Deleted, ...errors } } },
    async (request, reply) => {
      await getPlayerGroup(db, request.params.id);
      const running = await runningJobInLane(deps.store, request.params.id);
      if (running !== undefined) {
        throw new ConflictError(
          `Group ${request.params.id} is running job ${running}; cancel it or wait until it ends, then delete the group.`,
        );
      }
      await deletePlayerGroup(db, request.params.id);
      deps.onConfigurationChange();
      return reply.code(204).send(null);
    },
  );
}
