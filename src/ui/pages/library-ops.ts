/**
 * The Tasks page's library-wide operations per group, through the API in-process: the clean's dry run with the
 * guard's verdict (read-only: which entries Kodi itself cannot reach now, and why a real clean would be refused),
 * and the drift report with its Repair button (which only queues ordinary sync jobs; it never removes what Kodi Sync
 * does not know). Each answers into its own panel.
 */
import type { ApiApp } from '../../api/app.js';
import type { CleanPreview } from '../../library/operations.js';
import type { DriftItem, DriftReport } from '../../library/drift.js';
import { callApi } from '../api-call.js';
import type { PageContext, UiDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { contextOf, redact, sendHtml } from '../respond.js';

const SHOWN = 20;

function fileList(deps: UiDeps, files: readonly string[]): Html {
  if (files.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul>
    ${files.slice(0, SHOWN).map((f) => html`<li><code>${redact(deps, f)}</code></li>`)}
    ${files.length > SHOWN ? html`<li class="muted">… and ${files.length - SHOWN} more</li>` : ''}
  </ul>`;
}

function dryRunResult(deps: UiDeps, preview: CleanPreview): Html {
  return html`<div class="${preview.wouldRun ? 'success' : 'error'}" role="status">
    <p>
      <strong
        >${
          preview.wouldRun
            ? 'A clean would pass the guard now.'
            : 'A clean would be refused now: nothing would be removed.'
        }</strong
      >
      Limits: at most ${preview.limits.maxItems} entries and ${preview.limits.maxPercent} % of the library.
    </p>
    ${preview.members.map(
      ({ dryRun, refusals }) =>
        html`<dl class="facts">
          <dt>Asked</dt>
          <dd>${dryRun.member}</dd>
          <dt>Library</dt>
          <dd>${dryRun.libraryCount} entries, ${dryRun.foldersListed} folders listed</dd>
          <dt>Source roots</dt>
          <dd>
            ${dryRun.roots.map(
              (r) =>
                html`<div>
                  <code>${redact(deps, r.root)}</code>:
                  ${r.listable ? `${r.entries} entries listed` : `cannot be listed (${r.error ?? 'error'})`}
                </div>`,
            )}
          </dd>
          <dt>Kodi cannot reach (${dryRun.unreachable.length})</dt>
          <dd>
            ${fileList(
              deps,
              dryRun.unreachable.map((e) => `${e.file} (${e.reason})`),
            )}
          </dd>
          <dt>Guard</dt>
          <dd>
            ${
              refusals.length === 0
                ? 'passes'
                : html`<ul>
                    ${refusals.map((r) => html`<li>${r.message}</li>`)}
                  </ul>`
            }
          </dd>
        </dl>`,
    )}
  </div>`;
}

const paths = (items: readonly DriftItem[]): string[] => items.map((i) => i.kodiFile);

function driftResult(deps: UiDeps, ctx: PageContext, report: DriftReport): Html {
  const repairable = report.missing.length + report.deletedButPresent.length + report.stale.length;
  return html`<div role="status">
    <dl class="facts">
      <dt>Compared</dt>
      <dd>
        ${report.itemsCompared} items with ${report.kodiEntries} Kodi entries on ${report.member} (listing
        ${report.listingMs} ms)
      </dd>
      <dt>Missing in Kodi (${report.missing.length})</dt>
      <dd>${fileList(deps, paths(report.missing))}</dd>
      <dt>Still in Kodi though deleted (${report.deletedButPresent.length})</dt>
      <dd>${fileList(deps, paths(report.deletedButPresent))}</dd>
      <dt>Newer revision not applied (${report.stale.length})</dt>
      <dd>${fileList(deps, paths(report.stale))}</dd>
      <dt>Unknown to Kodi Sync (${report.unknown.length}, left alone)</dt>
      <dd>
        ${fileList(
          deps,
          report.unknown.map((e) => e.file),
        )}
      </dd>
    </dl>
    ${
      repairable > 0
        ? html`<button
            type="button"
            hx-post="${ctx.base}/ui/library/groups/${report.groupId}/drift/repair"
            hx-target="#drift-${report.groupId}"
            hx-confirm="Queue ${repairable} sync job(s) to make Kodi match?"
          >
            Repair (${repairable})
          </button>`
        : html`<p class="success">Kodi matches the desired state.</p>`
    }
  </div>`;
}

/** The buttons and answer areas of one group, for the Tasks page. */
export function libraryOperationsPanel(ctx: PageContext, group: { id: number; name: string }): Html {
  return html`<section class="panel" aria-labelledby="ops-${group.id}">
    <h3 id="ops-${group.id}">${group.name}</h3>
    <div class="actions">
      <button
        type="button"
        hx-post="${ctx.base}/ui/library/groups/${group.id}/dry-run"
        hx-target="#dry-run-${group.id}"
        aria-label="Clean dry run for ${group.name}"
      >
        Clean dry run
      </button>
      <button
        type="button"
        hx-post="${ctx.base}/ui/library/groups/${group.id}/drift"
        hx-target="#drift-${group.id}"
        aria-label="Drift report for ${group.name}"
      >
        Drift report
      </button>
    </div>
    <div id="dry-run-${group.id}" aria-live="polite"></div>
    <div id="drift-${group.id}" aria-live="polite"></div>
  </section>`;
}

export function registerLibraryOperationFragments(app: ApiApp, deps: UiDeps): void {
  const opts = { config: { auth: 'page' as const }, schema: { hide: true } };
  const failed = (message: string): Html => html`<p class="error" role="alert">${redact(deps, message)}</p>`;
  app.post<{ Params: { id: string } }>('/ui/library/groups/:id/dry-run', opts, async (request, reply) => {
    const answer = await callApi<CleanPreview>(
      deps,
      request,
      'GET',
      `/api/v1/groups/${encodeURIComponent(request.params.id)}/clean/dry-run`,
    );
    return sendHtml(reply, answer.ok ? dryRunResult(deps, answer.body) : failed(answer.error.message));
  });
  app.post<{ Params: { id: string } }>('/ui/library/groups/:id/drift', opts, async (request, reply) => {
    const answer = await callApi<DriftReport>(
      deps,
      request,
      'GET',
      `/api/v1/groups/${encodeURIComponent(request.params.id)}/drift`,
    );
    return sendHtml(
      reply,
      answer.ok ? driftResult(deps, contextOf(deps, request), answer.body) : failed(answer.error.message),
    );
  });
  app.post<{ Params: { id: string } }>(
    '/ui/library/groups/:id/drift/repair',
    opts,
    async (request, reply) => {
      const answer = await callApi<{ batch?: { batchId: number; jobIds: number[] } }>(
        deps,
        request,
        'POST',
        `/api/v1/groups/${encodeURIComponent(request.params.id)}/drift/repair`,
        {},
      );
      return sendHtml(
        reply,
        answer.ok
          ? html`<p class="success" role="status">
              Queued ${answer.body.batch?.jobIds.length ?? 0} sync
              job(s)${
                answer.body.batch === undefined
                  ? ''
                  : html` in
                      <a href="${deps.urlBase}/jobs?batch=${answer.body.batch.batchId}"
                        >batch ${answer.body.batch.batchId}</a
                      >`
              }.
            </p>`
          : failed(answer.error.message),
      );
    },
  );
}
