/**
 * Items: desired state, what each group verified in Kodi, and publish / re-publish / delete from the page
 * (through the items API, so the same rules and error words apply).
 */
import type { FastifyRequest } from 'fastify';
import type { ApiApp } from '../../api/app.js';
import {
  getItem,
  listGroupsForLibrary,
  listItems,
  listItemSync,
  listLibraries,
  listPlayerGroups,
  type Item,
} from '../../store/index.js';
import { callApi, type ApiError } from '../api-call.js';
import type { PageContext, UiDeps } from '../deps.js';
import { given, numberOr, text, type FormBody } from '../form-values.js';
import { html, type Html } from '../html.js';
import { ago, formError, liveStatus, page, selectField, stateBadge, textField } from '../layout.js';
import { contextOf, redact, sendHtml } from '../respond.js';
import { jobActions } from './jobs.js';

interface Accepted {
  batchId: number;
  jobIds: number[];
  itemIds: number[];
}

function itemName(item: Item): string {
  const episode =
    item.season !== null && item.episode !== null
      ? ` S${String(item.season).padStart(2, '0')}E${String(item.episode).padStart(2, '0')}`
      : '';
  return `${item.title ?? item.path.split('/').pop() ?? item.path}${item.year !== null ? ` (${item.year})` : ''}${episode}`;
}

function accepted(ctx: PageContext, what: string, answer: Accepted): Html {
  return html`<p class="success" role="status">
    ${what}: ${answer.jobIds.length} job(s) queued in
    <a href="${ctx.base}/jobs?batch=${answer.batchId}">batch ${answer.batchId}</a
    >${answer.itemIds[0] !== undefined ? html` for <a href="${ctx.base}/items/${answer.itemIds[0]}">item ${answer.itemIds[0]}</a>` : ''}.
  </p>`;
}

function publishForm(ctx: PageContext, body: FormBody = {}, error?: ApiError, result?: Html): Html {
  const f = 'publish';
  return html`<form
    id="publish-form"
    class="panel"
    hx-post="${ctx.base}/ui/items/publish"
    hx-swap="outerHTML"
    aria-labelledby="publish-heading"
  >
    <h2 id="publish-heading">Publish an item</h2>
    ${formError(error)}${result ?? ''}
    <div class="fields">
      ${selectField({
        form: f,
        name: 'kind',
        label: 'Kind',
        value: text(body, 'kind') ?? 'movie',
        options: [
          ['movie', 'movie'],
          ['episode', 'episode'],
        ],
        error,
      })}
      ${textField({ form: f, name: 'path', label: 'File (as the manager sees it)', value: text(body, 'path') ?? '', placeholder: '/data/movies/Heat (1995)/Heat (1995).mkv', error })}
      ${textField({ form: f, name: 'title', label: 'Title', value: text(body, 'title') ?? '', error })}
      ${textField({ form: f, name: 'year', label: 'Year', value: text(body, 'year') ?? '', error })}
      ${textField({ form: f, name: 'season', label: 'Season (episodes)', value: text(body, 'season') ?? '', error })}
      ${textField({ form: f, name: 'episode', label: 'Episode (episodes)', value: text(body, 'episode') ?? '', error })}
    </div>
    <button type="submit">Publish</button>
  </form>`;
}

async function itemsPage(deps: UiDeps, ctx: PageContext, request: FastifyRequest): Promise<Html> {
  const q = request.query as { state?: string; library?: string };
  const state = q.state === 'published' || q.state === 'deleted' ? q.state : undefined;
  const libraryId = q.library !== undefined && /^\d{1,9}$/.test(q.library) ? Number(q.library) : undefined;
  const [items, libraries] = await Promise.all([
    listItems(deps.store.db, {
      ...(state && { state }),
      ...(libraryId !== undefined && { libraryId }),
      limit: 500,
    }),
    listLibraries(deps.store.db),
  ]);
  return page(
    ctx,
    'Items',
    html`${publishForm(ctx)}
      <form
        method="get"
        action="${ctx.base}/items"
        class="panel fields"
        role="search"
        aria-label="Filter items"
      >
        ${selectField({
          form: 'items',
          name: 'state',
          label: 'Desired state',
          value: state ?? '',
          options: [
            ['', 'any'],
            ['published', 'published'],
            ['deleted', 'deleted'],
          ],
        })}
        ${selectField({ form: 'items', name: 'library', label: 'Library', value: q.library ?? '', options: [['', 'any'], ...libraries.map((l) => [String(l.id), l.name] as const)] })}
        <div class="field"><span aria-hidden="true">&nbsp;</span><button type="submit">Filter</button></div>
      </form>
      ${
        items.length === 0
          ? html`<p class="muted">No items yet: publish one above, or connect Radarr/Sonarr.</p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>Item</th>
                  <th>Kind</th>
                  <th>Desired</th>
                  <th>Revision</th>
                  <th>Path</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                ${items.map(
                  (item) =>
                    html`<tr>
                      <td data-label="Item"><a href="${ctx.base}/items/${item.id}">${itemName(item)}</a></td>
                      <td data-label="Kind">${item.kind}</td>
                      <td data-label="Desired">${item.state}</td>
                      <td data-label="Revision">${item.revision}</td>
                      <td data-label="Path"><code>${redact(deps, item.path)}</code></td>
                      <td data-label="Updated">${ago(item.updatedAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`,
  );
}

async function itemDetail(deps: UiDeps, ctx: PageContext, id: number): Promise<Html> {
  const db = deps.store.db;
  const item = await getItem(db, id);
  const [sync, groups, jobs] = await Promise.all([
    listItemSync(db, { itemId: id }),
    listPlayerGroups(db),
    deps.queue.listJobs({ itemId: id, limit: 20 }),
  ]);
  const serving =
    item.libraryId === null ? groups.map((g) => g.id) : await listGroupsForLibrary(db, item.libraryId);
  const groupIds = [...new Set([...serving, ...sync.map((s) => s.groupId)])];
  const names = new Map(groups.map((g) => [g.id, g.name]));
  const verification = (groupId: number): Html => {
    const row = sync.find((s) => s.groupId === groupId);
    if (row === undefined || row.verifiedAt === null)
      return html`<span class="badge muted">not verified yet</span>`;
    if (item.state === 'deleted')
      return row.kodiId === null
        ? html`<span class="badge ok">verified absent</span>`
        : html`<span class="badge warn">still in Kodi</span>`;
    return row.revisionApplied === item.revision
      ? html`<span class="badge ok">verified in Kodi</span>`
      : html`<span class="badge warn">older revision ${row.revisionApplied ?? '?'}</span>`;
  };
  return html`<div
    id="item-detail"
    data-live
    hx-get="${ctx.base}/ui/fragments/items/${item.id}"
    hx-trigger="live from:body"
    hx-swap="outerHTML"
  >
    <div class="panel">
      <dl class="facts">
        <dt>Desired state</dt>
        <dd>${item.state}</dd>
        <dt>Kind</dt>
        <dd>${item.kind}</dd>
        <dt>File</dt>
        <dd><code>${redact(deps, item.path)}</code></dd>
        <dt>Revision</dt>
        <dd>${item.revision}</dd>
        <dt>Ids</dt>
        <dd>
          ${[item.imdb && `imdb ${item.imdb}`, item.tmdb && `tmdb ${item.tmdb}`, item.tvdb && `tvdb ${item.tvdb}`].filter(Boolean).join(', ') || '—'}
        </dd>
        <dt>Updated</dt>
        <dd>${ago(item.updatedAt)}</dd>
      </dl>
      <p class="actions">
        <button
          type="button"
          hx-post="${ctx.base}/ui/items/${item.id}/republish"
          hx-target="#item-detail"
          hx-swap="outerHTML"
        >
          ${item.state === 'deleted' ? 'Publish again' : 'Republish'}
        </button>
        ${item.state === 'published' ? html`<button type="button" class="danger" hx-post="${ctx.base}/ui/items/${item.id}/delete" hx-target="#item-detail" hx-swap="outerHTML" hx-confirm="Remove this item from every Kodi library?">Delete from Kodi</button>` : ''}
      </p>
    </div>
    <h2>Per group</h2>
    ${
      groupIds.length === 0
        ? html`<p class="muted">No group serves this item's library.</p>`
        : html`<table class="stack">
            <thead>
              <tr>
                <th>Group</th>
                <th>Verified</th>
                <th>Kodi id</th>
                <th>Kodi file</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              ${groupIds.map((groupId) => {
                const row = sync.find((s) => s.groupId === groupId);
                return html`<tr>
                  <td data-label="Group">${names.get(groupId) ?? groupId}</td>
                  <td data-label="Verified">${verification(groupId)}</td>
                  <td data-label="Kodi id">${row?.kodiId ?? '—'}</td>
                  <td data-label="Kodi file">
                    ${row?.kodiFile === null || row?.kodiFile === undefined ? '—' : html`<code>${redact(deps, row.kodiFile)}</code>`}
                  </td>
                  <td data-label="When">${ago(row?.verifiedAt ?? null)}</td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
    <h2>Jobs</h2>
    ${
      jobs.length === 0
        ? html`<p class="muted">No jobs.</p>`
        : html`<ul>
            ${jobs.map((job) => html`<li><a href="${ctx.base}/jobs/${job.id}">#${job.id}</a> ${stateBadge(job.state)} ${names.get(job.lane) ?? job.lane} ${ago(job.updatedAt)} ${jobActions(ctx, job)}</li>`)}
          </ul>`
    }
  </div>`;
}

function idOf(request: FastifyRequest): number {
  const id = (request.params as { id: string }).id;
  return /^\d{1,9}$/.test(id) ? Number(id) : 0;
}

export function registerItemPages(app: ApiApp, deps: UiDeps): void {
  const opts = { config: { auth: 'page' as const }, schema: { hide: true } };
  app.get('/items', opts, async (request, reply) =>
    sendHtml(reply, await itemsPage(deps, contextOf(deps, request), request)),
  );
  app.get('/items/:id', opts, async (request, reply) => {
    const ctx = contextOf(deps, request);
    const item = await getItem(deps.store.db, idOf(request));
    return sendHtml(
      reply,
      page(
        ctx,
        itemName(item),
        html`${liveStatus()}
          <div id="item-notice"></div>
          ${await itemDetail(deps, ctx, item.id)}`,
      ),
    );
  });
  app.get('/ui/fragments/items/:id', opts, async (request, reply) =>
    sendHtml(reply, await itemDetail(deps, contextOf(deps, request), idOf(request))),
  );
  app.post('/ui/items/publish', opts, async (request, reply) => {
    const ctx = contextOf(deps, request);
    const body = (request.body ?? {}) as FormBody;
    const answer = await callApi<Accepted>(
      deps,
      request,
      'POST',
      '/api/v1/items/publish',
      given({
        kind: text(body, 'kind'),
        path: text(body, 'path'),
        title: text(body, 'title'),
        year: numberOr(body, 'year'),
        season: numberOr(body, 'season'),
        episode: numberOr(body, 'episode'),
      }),
    );
    return sendHtml(
      reply,
      answer.ok
        ? publishForm(ctx, {}, undefined, accepted(ctx, 'Published', answer.body))
        : publishForm(ctx, body, answer.error),
    );
  });
  for (const action of ['republish', 'delete'] as const) {
    app.post(`/ui/items/:id/${action}`, opts, async (request, reply) => {
      const ctx = contextOf(deps, request);
      const item = await getItem(deps.store.db, idOf(request));
      const answer = await callApi<Accepted>(
        deps,
        request,
        'POST',
        `/api/v1/items/${action === 'republish' && item.state === 'deleted' ? 'publish' : action}`,
        given({
          kind: item.kind,
          path: item.path,
          libraryId: item.libraryId ?? undefined,
          title: item.title ?? undefined,
          year: item.year ?? undefined,
          season: item.season ?? undefined,
          episode: item.episode ?? undefined,
          ids: given({
            imdb: item.imdb ?? undefined,
            tmdb: item.tmdb ?? undefined,
            tvdb: item.tvdb ?? undefined,
          }),
        }),
      );
      const notice = answer.ok
        ? accepted(ctx, action === 'delete' ? 'Delete' : 'Republish', answer.body)
        : html`<p class="error" role="alert">${answer.error.message}</p>`;
      // The notice goes out of band into #item-notice, so the live refresh of the detail keeps it.
      return sendHtml(
        reply,
        html`<div id="item-notice" hx-swap-oob="true">${notice}</div>
          ${await itemDetail(deps, ctx, item.id)}`,
      );
    });
  }
}
