/** Jobs: the list filtered by state, group and batch (refreshed live), and one job's page. */
import type { FastifyRequest } from 'fastify';
import type { ApiApp } from '../../api/app.js';
import type { Job, JobFilter } from '../../queue/types.js';
import { listPlayerGroups } from '../../store/index.js';
import type { PageContext, UiDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { ago, liveStatus, page, selectField, stateBadge, textField } from '../layout.js';
import { contextOf, queryOf, redact, sendHtml } from '../respond.js';
import { cancelButton, retryButton } from './job-actions.js';

const STATES = ['queued', 'running', 'deferred', 'succeeded', 'failed', 'cancelled'] as const;
type JobsQuery = { state?: string; group?: string; batch?: string };

function positive(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,9}$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

export function jobActions(ctx: PageContext, job: Job): Html {
  if (job.state === 'failed' || job.state === 'cancelled') return retryButton(ctx, job.id);
  if (job.state === 'queued' || job.state === 'deferred' || job.state === 'running')
    return job.cancelRequested
      ? html`<span class="badge muted">cancelling</span>`
      : cancelButton(ctx, job.id);
  return html``;
}

function itemLabel(ctx: PageContext, job: Job): Html {
  return job.itemId === null
    ? html`<span class="muted">—</span>`
    : html`<a href="${ctx.base}/items/${job.itemId}">item ${job.itemId}</a>`;
}

async function jobsTable(deps: UiDeps, ctx: PageContext, request: FastifyRequest): Promise<Html> {
  const q = request.query as JobsQuery;
  const filter: JobFilter = { limit: 200 };
  if (q.state !== undefined && (STATES as readonly string[]).includes(q.state))
    filter.states = [q.state as Job['state']];
  const lane = positive(q.group);
  if (lane !== undefined) filter.lane = lane;
  const batch = positive(q.batch);
  if (batch !== undefined) filter.batchId = batch;
  const [jobs, groups] = await Promise.all([deps.queue.listJobs(filter), listPlayerGroups(deps.store.db)]);
  const names = new Map(groups.map((g) => [g.id, g.name]));
  return html`<div
    id="jobs-table"
    data-live
    hx-get="${ctx.base}/ui/fragments/jobs${queryOf(request)}"
    hx-trigger="live from:body"
    hx-swap="outerHTML"
  >
    ${
      jobs.length === 0
        ? html`<p class="muted">No jobs match.</p>`
        : html`<table class="stack">
            <thead>
              <tr>
                <th>Job</th>
                <th>State</th>
                <th>Group</th>
                <th>Item</th>
                <th>Tries</th>
                <th>Updated</th>
                <th>Message</th>
                <th><span class="muted">Action</span></th>
              </tr>
            </thead>
            <tbody>
              ${jobs.map(
                (job) =>
                  html`<tr>
                    <td data-label="Job"><a href="${ctx.base}/jobs/${job.id}">#${job.id}</a></td>
                    <td data-label="State">${stateBadge(job.state)}</td>
                    <td data-label="Group">${names.get(job.lane) ?? job.lane}</td>
                    <td data-label="Item">${itemLabel(ctx, job)}</td>
                    <td data-label="Tries">${job.attempts}</td>
                    <td data-label="Updated">${ago(job.updatedAt)}</td>
                    <td data-label="Message">${job.lastError === null ? '' : redact(deps, job.lastError)}</td>
                    <td>${jobActions(ctx, job)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </div>`;
}

async function jobsPage(deps: UiDeps, ctx: PageContext, request: FastifyRequest): Promise<Html> {
  const q = request.query as JobsQuery;
  const groups = await listPlayerGroups(deps.store.db);
  return page(
    ctx,
    'Jobs',
    html`<form
        method="get"
        action="${ctx.base}/jobs"
        class="panel fields"
        role="search"
        aria-label="Filter jobs"
      >
        ${selectField({ form: 'jobs', name: 'state', label: 'State', value: q.state ?? '', options: [['', 'any'], ...STATES.map((s) => [s, s] as const)] })}
        ${selectField({ form: 'jobs', name: 'group', label: 'Group', value: q.group ?? '', options: [['', 'any'], ...groups.map((g) => [String(g.id), g.name] as const)] })}
        ${textField({ form: 'jobs', name: 'batch', label: 'Batch', value: q.batch ?? '', type: 'number' })}
        <div class="field"><span aria-hidden="true">&nbsp;</span><button type="submit">Filter</button></div>
      </form>
      ${liveStatus()} ${await jobsTable(deps, ctx, request)}`,
  );
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

async function jobDetail(deps: UiDeps, ctx: PageContext, id: number): Promise<Html> {
  const job = await deps.queue.getJob(id);
  const groups = await listPlayerGroups(deps.store.db);
  const group = groups.find((g) => g.id === job.lane)?.name ?? String(job.lane);
  const scrub = (text: string) => redact(deps, text);
  return html`<div
    id="job-detail"
    data-live
    hx-get="${ctx.base}/ui/fragments/jobs/${job.id}"
    hx-trigger="live from:body"
    hx-swap="outerHTML"
  >
    <div class="panel">
      <p class="actions">${stateBadge(job.state)} ${jobActions(ctx, job)}</p>
      <dl class="facts">
        <dt>Group</dt>
        <dd>${group}</dd>
        <dt>Item</dt>
        <dd>${itemLabel(ctx, job)}</dd>
        <dt>Batch</dt>
        <dd>
          ${job.batchId === null ? '—' : html`<a href="${ctx.base}/jobs?batch=${job.batchId}">${job.batchId}</a>`}
        </dd>
        <dt>Kind</dt>
        <dd>${job.kind}</dd>
        <dt>Tries</dt>
        <dd>${job.attempts}</dd>
        <dt>Created</dt>
        <dd>${ago(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>${ago(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>${ago(job.finishedAt)}</dd>
        ${
          job.state === 'queued' || job.state === 'deferred'
            ? html`<dt>Runs</dt>
                <dd>
                  ${ago(job.runAfter)}${job.wakeOn.length > 0 ? html` or on ${job.wakeOn.join(', ')}` : ''}
                </dd>`
            : ''
        }
        ${
          job.lastError !== null
            ? html`<dt>Message</dt>
                <dd class="${job.state === 'failed' ? 'bad' : ''}">
                  ${scrub(job.lastError)}${job.errorClass !== null ? html` <span class="muted">(${job.errorClass})</span>` : ''}
                </dd>`
            : ''
        }
      </dl>
    </div>
    <h2>Evidence</h2>
    ${job.result === null || job.result === undefined ? html`<p class="muted">No result yet.</p>` : html`<pre>${scrub(json(job.result))}</pre>`}
    <h2>Kodi calls</h2>
    ${
      job.steps.length === 0
        ? html`<p class="muted">No calls recorded yet.</p>`
        : html`<table class="stack">
            <thead>
              <tr>
                <th>When</th>
                <th>Call</th>
                <th>Answer</th>
                <th>Took</th>
              </tr>
            </thead>
            <tbody>
              ${job.steps.map(
                (step) =>
                  html`<tr>
                    <td data-label="When">${new Date(step.at).toISOString().slice(11, 23)}</td>
                    <td data-label="Call"><code>${scrub(step.call)}</code></td>
                    <td data-label="Answer">
                      ${step.answer === null ? '' : html`<code>${scrub(step.answer)}</code>`}
                    </td>
                    <td data-label="Took">${step.durationMs} ms</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Payload</h2>
    <pre>${scrub(json(job.payload))}</pre>
  </div>`;
}

function jobId(request: FastifyRequest): number {
  const id = positive((request.params as { id: string }).id);
  return id ?? 0;
}

export function registerJobPages(app: ApiApp, deps: UiDeps): void {
  const opts = { config: { auth: 'page' as const }, schema: { hide: true } };
  app.get('/jobs', opts, async (request, reply) =>
    sendHtml(reply, await jobsPage(deps, contextOf(deps, request), request)),
  );
  app.get('/ui/fragments/jobs', opts, async (request, reply) =>
    sendHtml(reply, await jobsTable(deps, contextOf(deps, request), request)),
  );
  app.get('/jobs/:id', opts, async (request, reply) => {
    const ctx = contextOf(deps, request);
    const id = jobId(request);
    return sendHtml(reply, page(ctx, `Job #${id}`, html`${liveStatus()}${await jobDetail(deps, ctx, id)}`));
  });
  app.get('/ui/fragments/jobs/:id', opts, async (request, reply) =>
    sendHtml(reply, await jobDetail(deps, contextOf(deps, request), jobId(request))),
  );
}
