/**
 * The generic (Metarr-style) event API: POST /api/v1/items/publish | republish | delete with one item or
 * `{ "items": [...] }` → 202 with the batch id and job ids. Works for any manager that can send an HTTP request.
 */
import { z } from 'zod';
import type { ItemEvent } from '../../sync/events.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { recordReceipt, singleItemError, submitRecorded } from '../intake.js';
import { getItem, listItems, listItemSync } from '../../store/index.js';
import { errors, Id, IdParams, Limit } from './common.js';

const ItemDoc = z
  .looseObject({
    kind: z.enum(['movie', 'episode']).optional().describe('movie or episode (required)'),
    path: z.string().optional().describe('The video file as the manager sees it (required)'),
    libraryId: z.number().int().optional().describe('Default: the library whose root holds the path'),
    ids: z
      .object({ imdb: z.string().optional(), tmdb: z.string().optional(), tvdb: z.string().optional() })
      .optional(),
    title: z.string().optional(),
    year: z.number().int().optional(),
    season: z.number().int().optional(),
    episode: z.number().int().optional(),
    replaces: z
      .array(z.string())
      .optional()
      .describe(
        'publish/republish: paths of the old files this one replaces (upgrade, rename); their watched state moves over',
      ),
    items: z.array(z.unknown()).optional().describe('Several items at once (then no other field)'),
  })
  .meta({ id: 'ItemEventRequest' });

const Accepted = z
  .object({
    batchId: z.number().int(),
    jobIds: z.array(z.number().int()),
    itemIds: z.array(z.number().int()),
  })
  .meta({ id: 'Accepted' });

const ItemOut = z
  .object({
    id: z.number().int(),
    libraryId: z.number().int().nullable(),
    kind: z.enum(['movie', 'episode']),
    path: z.string(),
    imdb: z.string().nullable(),
    tmdb: z.string().nullable(),
    tvdb: z.string().nullable(),
    title: z.string().nullable(),
    year: z.number().nullable(),
    season: z.number().nullable(),
    episode: z.number().nullable(),
    state: z.enum(['published', 'deleted']).describe('Desired state'),
    revision: z.number().int(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'Item' });
const ItemSyncOut = z.object({
  groupId: z.number().int(),
  kodiId: z.number().int().nullable(),
  kodiFile: z.string().nullable(),
  revisionApplied: z.number().int().nullable(),
  verifiedAt: z.number().nullable(),
  evidence: z.unknown(),
});
const ItemQuery = z.object({
  state: z.enum(['published', 'deleted']).optional(),
  library: Id.optional(),
  pathPrefix: z.string().max(4096).optional(),
  limit: Limit(1000).optional(),
  after: Id.optional(),
});

export function registerItemRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  app.get(
    '/api/v1/items',
    {
      schema: {
        tags: ['items'],
        summary: 'Items and their desired state, in id order',
        querystring: ItemQuery,
        response: { 200: z.array(ItemOut), ...errors },
      },
    },
    (request) => {
      const q = request.query;
      return listItems(db, {
        ...(q.state !== undefined && { state: q.state }),
        ...(q.library !== undefined && { libraryId: q.library }),
        ...(q.pathPrefix !== undefined && { pathPrefix: q.pathPrefix }),
        ...(q.limit !== undefined && { limit: q.limit }),
        ...(q.after !== undefined && { afterId: q.after }),
      });
    },
  );
  app.get(
    '/api/v1/items/:id',
    {
      schema: {
        tags: ['items'],
        summary: 'One item with what each group last verified in Kodi',
        params: IdParams,
        response: { 200: ItemOut.extend({ sync: z.array(ItemSyncOut) }), ...errors },
      },
    },
    async (request) => {
      const item = await getItem(db, request.params.id);
      const sync = await listItemSync(db, { itemId: item.id });
      return { ...item, sync };
    },
  );

  for (const action of ['publish', 'republish', 'delete'] as const) {
    app.post(
      `/api/v1/items/${action}`,
      {
        schema: {
          tags: ['items'],
          summary: `${action[0]?.toUpperCase() ?? ''}${action.slice(1)} one item or a list; answers at once, the work is queued`,
          body: ItemDoc,
          response: { 202: Accepted, ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const many = Array.isArray(body.items);
        const raw: unknown[] = many ? (body.items ?? []) : [body];
        const events = raw.map((item) =>
          typeof item === 'object' && item !== null && !Array.isArray(item) ? { ...item, action } : item,
        ) as ItemEvent[];
        const activityId = await recordReceipt(deps, {
          source: 'api',
          kind: action,
          summary: `${action} ${raw.length} item(s)`,
          payload: body,
        });
        try {
          const result = await submitRecorded(
            deps,
            activityId,
            events,
            `API ${action} of ${raw.length} item(s)`,
          );
          deps.metrics.webhookReceipts.inc({ source: 'api', outcome: 'queued' });
          return await reply.code(202).send(result);
        } catch (error) {
          deps.metrics.webhookReceipts.inc({ source: 'api', outcome: 'rejected' });
          throw many ? error : singleItemError(error);
        }
      },
    );
  }
}
