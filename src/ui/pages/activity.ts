/** Activity: every event received (API, Radarr, Sonarr webhooks) and what became of it, newest first. */
import type { FastifyRequest } from 'fastify';
import type { ApiApp } from '../../api/app.js';
import { listActivities } from '../../store/index.js';
import type { PageContext, UiDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { ago, page, selectField } from '../layout.js';
import { contextOf, redact, sendHtml } from '../respond.js';

const SOURCES = ['api', 'radarr', 'sonarr'] as const;

async function activityPage(deps: UiDeps, ctx: PageContext, request: FastifyRequest): Promise<Html> {
  const q = request.query as { source?: string };
  const source = SOURCES.find((s) => s === q.source);
  const rows = await listActivities(deps.store.db, { ...(source && { source }), limit: 200 });
  return page(
    ctx,
    'Activity',
    html`<form
        method="get"
        action="${ctx.base}/activity"
        class="panel fields"
        role="search"
        aria-label="Filter activity"
      >
        ${selectField({ form: 'activity', name: 'source', label: 'Source', value: source ?? '', options: [['', 'any'], ...SOURCES.map((s) => [s, s] as const)] })}
        <div class="field"><span aria-hidden="true">&nbsp;</span><button type="submit">Filter</button></div>
      </form>
      ${
        rows.length === 0
          ? html`<p class="muted">
              Nothing received yet. Connect Radarr/Sonarr (see the dashboard) or publish an item.
            </p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Source</th>
                  <th>Event</th>
                  <th>Summary</th>
                  <th>Outcome</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (a) =>
                    html`<tr>
                      <td data-label="When">${ago(a.at)}</td>
                      <td data-label="Source">${a.source}</td>
                      <td data-label="Event">${a.kind}</td>
                      <td data-label="Summary">${redact(deps, a.summary)}</td>
                      <td data-label="Outcome">
                        ${a.outcome === null ? html`<span class="muted">pending</span>` : redact(deps, a.outcome)}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`,
  );
}

export function registerActivityPage(app: ApiApp, deps: UiDeps): void {
  app.get('/activity', { config: { auth: 'page' }, schema: { hide: true } }, async (request, reply) =>
    sendHtml(reply, await activityPage(deps, contextOf(deps, request), request)),
  );
}
