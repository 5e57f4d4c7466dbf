/**
 * The dashboard: every Kodi live (connected, WebSocket, playing, scanning), queue counts, recent batches
 * with per-group progress, recent failures with Retry — refreshed over Server-Sent Events. With no Kodi
 * configured it is the first-run guide instead; in demo mode it says so.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiApp } from '../../api/app.js';
import { countJobsByState, listRecentBatchIds } from '../../queue/index.js';
import type { BatchProgress } from '../../queue/types.js';
import { listPlayerGroups } from '../../store/index.js';
import type { PlayerLiveState } from '../../sync/player-monitor.js';
import type { PageContext, UiDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { ago, flag, liveStatus, page } from '../layout.js';
import { contextOf, redact, sendHtml } from '../respond.js';
import { firstRunGuide } from './first-run.js';
import { batchButton, retryButton } from './job-actions.js';

const QUEUE_STATES = ['queued', 'running', 'deferred', 'failed', 'succeeded'] as const;

function playerCard(state: PlayerLiveState, group: string): Html {
  return html`<article class="panel" aria-label="${state.name}">
    <h3>${state.name}</h3>
    <p class="muted">${group}</p>
    <p class="actions">
      ${flag(state.connected, 'connected', 'offline')}
      ${flag(state.connected === null ? null : state.webSocket, 'WebSocket', 'no WebSocket')}
      ${state.playing ? html`<span class="badge warn">playing</span>` : html`<span class="badge muted">idle</span>`}
      ${state.scanning ? html`<span class="badge info">scanning</span>` : ''}
    </p>
    ${state.lastError !== null ? html`<p class="bad">${state.lastError}</p>` : ''}
    <p class="muted">Checked ${ago(state.checkedAt)}</p>
  </article>`;
}

function batchRow(ctx: PageContext, batch: BatchProgress, groupName: (id: number) => string): Html {
  const open = batch.queued + batch.running + batch.deferred;
  return html`<tr>
    <td data-label="Batch">
      <a href="${ctx.base}/jobs?batch=${batch.batchId}">${batch.label ?? `Batch ${batch.batchId}`}</a>
    </td>
    <td data-label="State">
      ${open > 0 ? html`<span class="badge info">running</span>` : batch.failed > 0 ? html`<span class="badge bad">finished with failures</span>` : html`<span class="badge ok">done</span>`}
    </td>
    <td data-label="Progress">
      ${batch.lanes.map(
        (lane) =>
          html`<div>
            <span
              >${groupName(lane.lane)}:
              <strong>${lane.succeeded}/${lane.total}</strong
              >${lane.failed > 0 ? html` <span class="bad">(${lane.failed} failed)</span>` : ''}</span
            >
            <progress
              max="${lane.total}"
              value="${lane.succeeded}"
              aria-label="${groupName(lane.lane)} ${lane.succeeded} of ${lane.total}"
            ></progress>
          </div>`,
      )}
    </td>
    <td data-label="Started">${ago(batch.createdAt)}</td>
    <td>
      ${
        open > 0
          ? batchButton(ctx, batch.batchId, 'cancel')
          : batch.failed > 0
            ? batchButton(ctx, batch.batchId, 'retry')
            : ''
      }
    </td>
  </tr>`;
}

export async function dashboardFragment(
  deps: UiDeps,
  ctx: PageContext,
  request: FastifyRequest,
): Promise<Html> {
  const groups = await listPlayerGroups(deps.store.db);
  const names = new Map(groups.map((g) => [g.id, g.name]));
  const groupName = (id: number) => names.get(id) ?? `group ${id}`;
  const states = deps.players.states();
  const demo = deps.demo();
  const body: Html[] = [];
  if (states.length === 0 && !demo.running) {
    body.push(await firstRunGuide(deps, ctx, request));
  } else {
    if (demo.running)
      body.push(
        html`<p class="callout">
          Demo mode: two simulated Kodis with a small library. Watch the publishes below being verified, then
          add your own Kodi under <a href="${ctx.base}/setup">Setup</a>.
        </p>`,
      );
    body.push(
      html`<h2>Kodis</h2>
        <div class="grid">${states.map((s) => playerCard(s, groupName(s.groupId)))}</div>`,
    );
  }
  const counts = await countJobsByState(deps.store);
  const batches = await Promise.all(
    (await listRecentBatchIds(deps.store, 5)).map((id) => deps.queue.batchProgress(id)),
  );
  const failures = await deps.queue.listJobs({ states: ['failed'], limit: 5 });
  body.push(
    html`<h2>Queue</h2>
      <div class="cards">
        ${QUEUE_STATES.map(
          (state) =>
            html`<a class="count" href="${ctx.base}/jobs?state=${state}"
              ><strong>${counts[state] ?? 0}</strong>${state}</a
            >`,
        )}
      </div>
      <h2>Batches</h2>
      ${
        batches.length === 0
          ? html`<p class="muted">Nothing published yet.</p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>Batch</th>
                  <th>State</th>
                  <th>Verified per group</th>
                  <th>Started</th>
                  <th><span class="muted">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${batches.map((b) => batchRow(ctx, b, groupName))}
              </tbody>
            </table>`
      }
      <h2>Recent failures</h2>
      ${
        failures.length === 0
          ? html`<p class="muted">No failed jobs.</p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Group</th>
                  <th>Message</th>
                  <th>When</th>
                  <th><span class="muted">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${failures.map(
                  (job) =>
                    html`<tr>
                      <td data-label="Job"><a href="${ctx.base}/jobs/${job.id}">#${job.id}</a></td>
                      <td data-label="Group">${groupName(job.lane)}</td>
                      <td data-label="Message">${redact(deps, job.lastError ?? 'no reason recorded')}</td>
                      <td data-label="When">${ago(job.finishedAt ?? job.updatedAt)}</td>
                      <td>${retryButton(ctx, job.id)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`,
  );
  return html`<div
    id="dashboard"
    data-live
    hx-get="${ctx.base}/ui/fragments/dashboard"
    hx-trigger="live from:body"
    hx-swap="outerHTML"
  >
    ${body}
  </div>`;
}

export function registerDashboardPage(app: ApiApp, deps: UiDeps): void {
  app.get('/', { config: { auth: 'page' }, schema: { hide: true } }, async (request, reply) => {
    const ctx = contextOf(deps, request);
    return sendHtml(
      reply,
      page(ctx, 'Dashboard', html`${liveStatus()}${await dashboardFragment(deps, ctx, request)}`),
    );
  });
  app.get(
    '/ui/fragments/dashboard',
    { config: { auth: 'page' }, schema: { hide: true } },
    async (request, reply) =>
      sendHtml(reply, await dashboardFragment(deps, contextOf(deps, request), request)),
  );
}
