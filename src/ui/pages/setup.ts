/**
 * Setup: libraries, groups, Kodis (with Test), path mappings (with a path test) and notification channels
 * (with Test). Every form posts through the REST API; the whole setup area is rendered again, with the
 * API's error under the field it names, so the words on the page are the API's words.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from '../../api/app.js';
import {
  listGroupLibraries,
  listLibraries,
  listNotificationChannels,
  listPathMappings,
  listPlayerGroups,
  listPlayers,
} from '../../store/index.js';
import type { ApiError } from '../api-call.js';
import type { PageContext, UiDeps } from '../deps.js';
import type { FormBody } from '../form-values.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import { contextOf, sendHtml } from '../respond.js';
import { groupsSection, groupRequests } from './setup-groups.js';
import { librariesSection, libraryRequests } from './setup-libraries.js';
import { mappingsSection, mappingRequests } from './setup-mappings.js';
import { notificationsSection, notificationRequests, renderChannelTest } from './setup-notifications.js';
import { playersSection, playerRequests, renderPlayerTest } from './setup-players.js';

export type SectionId = 'libraries' | 'groups' | 'players' | 'mappings' | 'notifications';

/** What one section shows after a post: the fields as typed and the API's error, or a success notice. */
export interface SectionState {
  section: SectionId;
  body?: FormBody;
  error?: ApiError;
  notice?: Html;
}

export type SetupData = Awaited<ReturnType<typeof loadSetup>>;

async function loadSetup(deps: UiDeps) {
  const db = deps.store.db;
  const groups = await listPlayerGroups(db);
  return {
    libraries: await listLibraries(db),
    groups: await Promise.all(
      groups.map(async (g) => ({ ...g, libraryIds: await listGroupLibraries(db, g.id) })),
    ),
    players: await listPlayers(db),
    mappings: await listPathMappings(db),
    channels: await listNotificationChannels(db),
    states: deps.players.states(),
  };
}

async function setupArea(deps: UiDeps, ctx: PageContext, state?: SectionState): Promise<Html> {
  const data = await loadSetup(deps);
  return html`<div id="setup">
    ${librariesSection(ctx, data, state)} ${groupsSection(ctx, data, state)}
    ${playersSection(ctx, data, state)} ${mappingsSection(ctx, data, state)}
    ${notificationsSection(ctx, data, state)}
  </div>`;
}

/** A post handler of one section: calls the API and says what the section should show. */
export type SectionRequest = (
  deps: UiDeps,
  request: FastifyRequest,
  body: FormBody,
  id: string | undefined,
) => Promise<SectionState>;

export function registerSetupPages(app: ApiApp, deps: UiDeps): void {
  const opts = { config: { auth: 'page' as const }, schema: { hide: true } };
  app.get('/setup', opts, async (request, reply) => {
    const ctx = contextOf(deps, request);
    return sendHtml(reply, page(ctx, 'Setup', await setupArea(deps, ctx)));
  });
  const handlers: Record<string, SectionRequest> = {
    ...libraryRequests,
    ...groupRequests,
    ...playerRequests,
    ...mappingRequests,
    ...notificationRequests,
  };
  const handle = async (request: FastifyRequest, reply: FastifyReply, name: string, id?: string) => {
    const handler = handlers[name];
    if (handler === undefined) return reply.code(404).send();
    const state = await handler(deps, request, (request.body ?? {}) as FormBody, id);
    return sendHtml(reply, await setupArea(deps, contextOf(deps, request), state));
  };
  app.post<{ Params: { section: string } }>('/ui/setup/:section', opts, (request, reply) =>
    handle(request, reply, request.params.section),
  );
  app.post<{ Params: { section: string; action: string } }>(
    '/ui/setup/:section/:action',
    opts,
    (request, reply) => handle(request, reply, `${request.params.section}/${request.params.action}`),
  );
  app.post<{ Params: { section: string; id: string; action: string } }>(
    '/ui/setup/:section/:id/:action',
    opts,
    (request, reply) =>
      handle(request, reply, `${request.params.section}/${request.params.action}`, request.params.id),
  );
  // A Kodi test answers into its own row only (it takes seconds; the rest of the page stays as it is).
  app.post<{ Params: { id: string } }>('/ui/setup/players/:id/test', opts, async (request, reply) =>
    sendHtml(reply, await renderPlayerTest(deps, request, request.params.id)),
  );
  app.post<{ Params: { id: string } }>('/ui/setup/notifications/:id/test', opts, async (request, reply) =>
    sendHtml(reply, await renderChannelTest(deps, request, request.params.id)),
  );
}
