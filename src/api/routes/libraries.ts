/**
 * CRUD for manager libraries: a name, the kind of media and the root folder as Radarr/Sonarr/the manager sees it.
 */
import { z } from 'zod';
import { createLibrary, deleteLibrary, getLibrary, listLibraries, updateLibrary } from '../../store/index.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { defined, Deleted, errors, IdParams, Name, PathText } from './common.js';

const Kind = z.enum(['movies', 'tvshows'], { error: 'must be "movies" or "tvshows"' });

const LibraryCreate = z.strictObject({
  name: Name,
  kind: Kind,
  rootPath: PathText.describe('Root folder as the manager sees it, e.g. /data/media/movies'),
});
const LibraryUpdate = LibraryCreate.partial();

export const Library = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: Kind,
    rootPath: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'Library' });

export function registerLibraryRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  const tags = ['libraries'];
  app.get('/api/v1/libraries', { schema: { tags, response: { 200: z.array(Library) } } }, () =>
    listLibraries(db),
  );
  app.post(
    '/api/v1/libraries',
    { schema: { tags, body: LibraryCreate, response: { 201: Library, ...errors } } },
    async (request, reply) => reply.code(201).send(await createLibrary(db, request.body)),
  );
  app.get(
    '/api/v1/libraries/:id',
    { schema: { tags, params: IdParams, response: { 200: Library, ...errors } } },
    (request) => getLibrary(db, request.params.id),
  );
  app.put(
    '/api/v1/libraries/:id',
    { schema: { tags, params: IdParams, body: LibraryUpdate, response: { 200: Library, ...errors } } },
    async (request) => {
      await getLibrary(db, request.params.id);
      return updateLibrary(db, request.params.id, defined(request.body));
    },
  );
  app.delete(
    '/api/v1/libraries/:id',
    { schema: { tags, params: IdParams, response: { 204: Deleted, ...errors } } },
    async (request, reply) => {
      await deleteLibrary(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
