/**
 * Radarr and Sonarr webhooks (POST or PUT /api/v1/webhooks/radarr | sonarr). The API key may also come as the
 * HTTP Basic password (older Radarr/Sonarr send nothing else). Every receipt is stored in the activity log
 * before the answer; the work is queued, so the answer comes within milliseconds. A "Test" answers 200 and
 * does nothing else. A valid payload whose paths lie in no library is answered 200 with status "rejected"
 * (recorded in the activity log), because a non-2xx makes Radarr/Sonarr mute the connection and drop the
 * following events (research/webhooks-and-ecosystem.md §0).
 */
import { z } from 'zod';
import { errorMessage, ValidationError } from '../../util/errors.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { recordOutcome, recordReceipt, submitFolderDeletesRecorded, submitRecorded } from '../intake.js';
import { radarrEventsFromPayload } from '../webhooks/radarr.js';
import { sonarrEventsFromPayload } from '../webhooks/sonarr.js';
import type { WebhookOutcome } from '../webhooks/item-event.js';
import { errors } from './common.js';

const Payload = z.looseObject({ eventType: z.string().optional() }).meta({ id: 'ArrWebhookPayload' });
const Answer = z
  .object({
    status: z.enum(['queued', 'ignored', 'test', 'rejected']),
    message: z.string(),
    batchId: z.number().int().optional(),
    jobIds: z.array(z.number().int()).optional(),
  })
  .meta({ id: 'WebhookAnswer' });

type Source = 'radarr' | 'sonarr';
const ADAPTERS: Record<Source, (payload: unknown) => WebhookOutcome> = {
  radarr: radarrEventsFromPayload,
  sonarr: sonarrEventsFromPayload,
};

export function registerWebhookRoutes(app: ApiApp, deps: ApiDeps): void {
  for (const source of ['radarr', 'sonarr'] as const) {
    app.route({
      method: ['POST', 'PUT'],
      url: `/api/v1/webhooks/${source}`,
      config: { auth: 'webhook' },
      schema: {
        tags: ['webhooks'],
        summary: `${source === 'radarr' ? 'Radarr' : 'Sonarr'} Webhook connection (Settings › Connect › Webhook)`,
        body: Payload,
        response: { 200: Answer, 202: Answer, ...errors },
      },
      handler: async (request, reply) => {
        const payload = request.body;
        const eventType = typeof payload.eventType === 'string' ? payload.eventType.slice(0, 60) : 'unknown';
        const activityId = await recordReceipt(deps, {
          source,
          kind: eventType,
          summary: `${source} ${eventType}`,
          payload,
        });
        const count = (outcome: string) => {
          deps.metrics.webhookReceipts.inc({ source, outcome });
        };
        let outcome: WebhookOutcome;
        try {
          outcome = ADAPTERS[source](payload);
        } catch (error) {
          await recordOutcome(deps, activityId, `rejected: ${errorMessage(error)}`);
          count('rejected');
          throw error;
        }
        const folderDeletes = outcome.folderDeletes ?? [];
        if (folderDeletes.length > 0) {
          const queued = await submitFolderDeletesRecorded(
            deps,
            activityId,
            folderDeletes,
            `${source} ${eventType}`,
          );
          count(queued ? 'queued' : 'ignored');
          return reply.code(queued ? 202 : 200).send(
            queued
              ? {
                  status: 'queued',
                  message: `queued ${queued.jobIds.length} folder removal job(s) in batch ${queued.batchId}`,
                  batchId: queued.batchId,
                  jobIds: queued.jobIds,
                }
              : { status: 'ignored', message: 'nothing to do: the folder is in no library' },
          );
        }
        const events = outcome.events;
        if (events.length === 0) {
          const isTest = eventType === 'Test';
          const message = isTest
            ? 'Kodi Sync received the test'
            : `nothing to do: ${outcome.ignoredReason ?? 'no known item'}`;
          await recordOutcome(
            deps,
            activityId,
            isTest ? 'test' : `ignored: ${outcome.ignoredReason ?? 'no known item'}`,
          );
          count(isTest ? 'test' : 'ignored');
          return reply.code(200).send({ status: isTest ? 'test' : 'ignored', message });
        }
        try {
          const result = await submitRecorded(deps, activityId, events, `${source} ${eventType}`);
          count('queued');
          return await reply.code(202).send({
            status: 'queued',
            message: `queued ${result.jobIds.length} job(s) in batch ${result.batchId}`,
            batchId: result.batchId,
            jobIds: result.jobIds,
          });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          request.log.warn(
            { source, eventType, activityId, err: error.message },
            'webhook event could not be routed',
          );
          count('rejected');
          return reply.code(200).send({ status: 'rejected', message: deps.secrets.scrub(error.message) });
        }
      },
    });
  }
}
