/** The activity log: every event received (API, Radarr, Sonarr) with what became of it, newest first. */
import { z } from 'zod';
import { listActivities } from '../../store/index.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { errors, Id, Limit } from './common.js';

const Activity = z
  .object({
    id: z.number().int(),
    at: z.number(),
    source: z.string(),
    kind: z.string(),
    summary: z.string(),
    payload: z.unknown(),
    outcome: z.string().nullable(),
  })
  .meta({ id: 'Activity' });

export function registerActivityRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/activity',
    {
      schema: {
        tags: ['activity'],
        querystring: z.object({
          source: z.enum(['api', 'radarr', 'sonarr']).optional(),
          limit: Limit(500).optional(),
          before: Id.optional(),
        }),
        response: { 200: z.array(Activity), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listActivities(deps.store.db, {
        ...(q.source !== undefined && { source: q.source }),
        ...(q.limit !== undefined && { limit: q.limit }),
        ...(q.before !== undefined && { beforeId: q.before }),
      });
      return rows.map((row) => ({
        ...row,
        outcome: row.outcome === null ? null : deps.secrets.scrub(row.outcome),
      }));
    },
  );
}
