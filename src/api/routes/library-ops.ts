/**
 * Library-wide operations per player group (DESIGN §7): the clean's dry run and the guarded clean, the drift report
 * and its repair. The dry run and the drift report ask Kodi now (read-only); a clean and a repair enqueue jobs in
 * the group's lane. A group with no answering Kodi → 503 naming it, nothing changed.
 */
import { z } from 'zod';
import type { LibraryOperations } from '../../library/operations.js';
import { importLibrary } from '../../library/import.js';
import { sameKodiPath } from '../../paths/index.js';
import { getPlayerGroup, listLibraries } from '../../store/index.js';
import { errorMessage, retryClassOf, ValidationError } from '../../util/errors.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, ErrorBody } from '../errors.js';
import { errors, IdParams, PathText } from './common.js';

const ImportRequest = z.strictObject({
  root: PathText.describe("A library's root folder, as the manager (and Kodi Sync) names it"),
});

const ImportResult = z.object({
  libraryId: z.number(),
  root: z.string(),
  filesSeen: z.number(),
  recorded: z.number(),
  alreadyKnown: z.number(),
});

export const CLEAN_WARNING =
  'WARNING: a clean removes library entries — with them their watched state, resume points and ratings — for files ' +
  'Kodi cannot reach now. A share that is offline or unmounted looks exactly like deleted files. Kodi Sync never ' +
  "runs Kodi's unguarded clean: it always dry-runs first, and refuses (removing nothing) unless every member is " +
  'idle, every source root is listable and not empty (and holds its anchor file, if set), and the dry run is within ' +
  'the limits (default ≤ 20 entries and ≤ 5 % of the library). Scheduled cleans are disabled by default.';

export const CleanSettingsBody = z.strictObject({
  maxItems: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .describe('Most entries one clean removes (default 20)'),
  maxPercent: z.number().min(0).max(100).optional().describe('Most entries in % of the library (default 5)'),
  anchorFile: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/\\.][^/\\]*$/, {
      error:
        'must be a file name without a folder, not starting with "." (Kodi hides dot files), e.g. "kodi-sync-anchor.txt"',
    })
    .optional()
    .describe('A file every source root must list (proves the share is mounted)'),
  method: z
    .enum(['remove', 'kodi-clean'])
    .optional()
    .describe("'remove' (default): each entry by id, verified; 'kodi-clean': Kodi's own Clean, no dialogs"),
});

const DryRunQuery = z.strictObject({
  maxItems: z.coerce.number().int().min(0).max(100_000).optional(),
  maxPercent: z.coerce.number().min(0).max(100).optional(),
  anchorFile: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/\\.][^/\\]*$/, { error: 'must be a file name, not starting with "."' })
    .optional(),
});

const CleanRequest = z.strictObject({
  confirm: z.literal(true, { error: 'must be true: a clean removes library entries (see the warning)' }),
  settings: CleanSettingsBody.optional(),
});

const Report = z.record(z.string(), z.unknown());
const unavailable = { ...errors, 503: ErrorBody };

function library(deps: ApiDeps): LibraryOperations {
  if (!deps.library) throw new Error('library operations are not available in this process');
  return deps.library;
}

/** Kodi not answering is a 503 naming the group, not an internal error. */
function kodiUnavailable(error: unknown): ReturnType<typeof errorBody> {
  if (retryClassOf(error) !== 'transient') throw error;
  return errorBody('KodiUnavailable', errorMessage(error));
}

function asReport(value: object): Record<string, unknown> {
  return value as Record<string, unknown>;
}

export function registerLibraryOperationRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  const tags = ['library'];
  app.get(
    '/api/v1/groups/:id/clean/dry-run',
    {
      schema: {
        tags,
        description: `What a clean would remove from the group's Kodi library now, and whether the guard would let it run. Nothing is changed. ${CLEAN_WARNING}`,
        params: IdParams,
        querystring: DryRunQuery,
        response: { 200: Report, ...unavailable },
      },
    },
    async (request, reply) => {
      await getPlayerGroup(db, request.params.id);
      try {
        return asReport(await library(deps).previewClean(request.params.id, request.query));
      } catch (error) {
        return reply.code(503).send(kodiUnavailable(error));
      }
    },
  );
  app.post(
    '/api/v1/groups/:id/clean',
    {
      schema: {
        tags,
        description: `Queues a guarded clean of the group (a job in its lane; deferred while anything plays). ${CLEAN_WARNING}`,
        params: IdParams,
        body: CleanRequest,
        response: { 202: z.object({ batchId: z.number(), jobIds: z.array(z.number()) }), ...errors },
      },
    },
    async (request, reply) => {
      await getPlayerGroup(db, request.params.id);
      const queued = await library(deps).enqueueClean([request.params.id], request.body.settings ?? {});
      return reply.code(202).send(queued);
    },
  );
  app.get(
    '/api/v1/groups/:id/drift',
    {
      schema: {
        tags,
        description:
          "The group's drift: desired state against Kodi's library by exact file — missing in Kodi, still in Kodi " +
          'though deleted, revision not applied, and entries unknown to Kodi Sync (reported, never removed).',
        params: IdParams,
        response: { 200: Report, ...unavailable },
      },
    },
    async (request, reply) => {
      await getPlayerGroup(db, request.params.id);
      try {
        return asReport(await library(deps).drift(request.params.id));
      } catch (error) {
        return reply.code(503).send(kodiUnavailable(error));
      }
    },
  );
  app.post(
    '/api/v1/groups/:id/drift/repair',
    {
      schema: {
        tags,
        description:
          'Measures the drift now and queues one batch of ordinary sync jobs for what is missing, deleted or stale. ' +
          'Unknown entries are left alone. See GET …/drift first (the dry run).',
        params: IdParams,
        response: { 202: Report, ...unavailable },
      },
    },
    async (request, reply) => {
      await getPlayerGroup(db, request.params.id);
      try {
        const repaired = await library(deps).repair(request.params.id);
        return await reply.code(202).send(asReport(repaired));
      } catch (error) {
        return reply.code(503).send(kodiUnavailable(error));
      }
    },
  );
  app.post(
    '/api/v1/items/import',
    {
      schema: {
        tags: ['items'],
        description:
          "Adopts an existing library: every video file under the library's root (read from Kodi Sync's own file " +
          "system, the manager's paths) is recorded as published desired state. No jobs are queued: run the drift " +
          'report next, and its repair for what Kodi lacks. Files already known are left as they are.',
        body: ImportRequest,
        response: { 200: ImportResult, ...errors },
      },
    },
    async (request) => {
      const libraries = await listLibraries(db);
      const library = libraries.find((l) =>
        sameKodiPath(l.rootPath.replace(/[\\/]+$/, ''), request.body.root.replace(/[\\/]+$/, '')),
      );
      if (!library) {
        throw new ValidationError(
          'root',
          `root: "${request.body.root}" is not the root of a library; known roots: ${libraries.map((l) => l.rootPath).join(', ') || 'none (add a library first)'}`,
        );
      }
      try {
        return await importLibrary(db, library);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR')
          throw new ValidationError(
            'root',
            `root: Kodi Sync cannot read "${library.rootPath}" (${code}): mount the library here as the manager sees it`,
          );
        throw error;
      }
    },
  );
}
