/**
 * CRUD for path mappings (per group: manager folder → the same folder as Kodi stores it, DESIGN §2.5).
 */
import { z } from 'zod';
import { mappingProblem, maskCredentials } from '../../paths/index.js';
import {
  createPathMapping,
  deletePathMapping,
  getPathMapping,
  getPlayerGroup,
  listPathMappings,
  updatePathMapping,
} from '../../store/index.js';
import { ValidationError } from '../../util/errors.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { defined, Deleted, errors, Id, IdParams, PathText, requireRef } from './common.js';

const MappingCreate = z.strictObject({
  groupId: Id,
  managerPrefix: PathText.describe(
    'Folder as the manager sees it: /data/media/movies, D:\\Movies, \\\\nas\\movies',
  ),
  kodiPrefix: PathText.describe('Same folder as Kodi stores it: /mnt/movies/, smb://nas/movies/, nfs://…'),
});
const MappingUpdate = MappingCreate.partial();

export const Mapping = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    managerPrefix: z.string(),
    kodiPrefix: z.string(),
    createdAt: z.number(),
  })
  .meta({ id: 'PathMapping' });

function checkMapping(managerPrefix: string, kodiPrefix: string): void {
  const problem = mappingProblem({ managerPrefix, kodiPrefix });
  if (problem !== undefined) {
    const field = problem.startsWith('manager') ? 'managerPrefix' : 'kodiPrefix';
    throw new ValidationError(
      field,
      `${field}: ${problem} (expected /…, smb://…, nfs://…, D:\\… or \\\\server\\share\\…)`,
    );
  }
}

export function registerMappingRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  const tags = ['mappings'];
  app.get(
    '/api/v1/mappings',
    {
      schema: {
        tags,
        querystring: z.object({ group: Id.optional() }),
        response: { 200: z.array(Mapping), ...errors },
      },
    },
    (request) =>
      listPathMappings(db, request.query.group === undefined ? {} : { groupId: request.query.group }),
  );
  app.post(
    '/api/v1/mappings',
    { schema: { tags, body: MappingCreate, response: { 201: Mapping, ...errors } } },
    async (request, reply) => {
      checkMapping(request.body.managerPrefix, request.body.kodiPrefix);
      await requireRef('groupId', () => getPlayerGroup(db, request.body.groupId));
      const mapping = await createPathMapping(db, request.body);
      deps.onConfigurationChange();
      return reply.code(201).send(mapping);
    },
  );
  app.get(
    '/api/v1/mappings/:id',
    { schema: { tags, params: IdParams, response: { 200: Mapping, ...errors } } },
    (request) => getPathMapping(db, request.params.id),
  );
  app.put(
    '/api/v1/mappings/:id',
    { schema: { tags, params: IdParams, body: MappingUpdate, response: { 200: Mapping, ...errors } } },
    async (request) => {
      const current = await getPathMapping(db, request.params.id);
      // The answers show a share password as `***`: sending that form back keeps the stored password.
      const body =
        request.body.kodiPrefix !== undefined &&
        request.body.kodiPrefix === maskCredentials(current.kodiPrefix)
          ? { ...request.body, kodiPrefix: current.kodiPrefix }
          : request.body;
      checkMapping(body.managerPrefix ?? current.managerPrefix, body.kodiPrefix ?? current.kodiPrefix);
      const groupId = body.groupId;
      if (groupId !== undefined) await requireRef('groupId', () => getPlayerGroup(db, groupId));
      const mapping = await updatePathMapping(db, request.params.id, defined(body));
      deps.onConfigurationChange();
      return mapping;
    },
  );
  app.delete(
    '/api/v1/mappings/:id',
    { schema: { tags, params: IdParams, response: { 204: Deleted, ...errors } } },
    async (request, reply) => {
      await deletePathMapping(db, request.params.id);
      deps.onConfigurationChange();
      return reply.code(204).send(null);
    },
  );
}
