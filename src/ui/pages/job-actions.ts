/**
 * Retry and cancel, from any page that lists jobs: the button posts through the API and is replaced by
 * what happened (the lists refresh themselves over the live stream).
 */
import type { ApiApp } from '../../api/app.js';
import { callApi } from '../api-call.js';
import type { PageContext, UiDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { sendHtml } from '../respond.js';

export function retryButton(ctx: PageContext, jobId: number): Html {
  return html`<button
    type="button"
    hx-post="${ctx.base}/ui/jobs/${jobId}/retry"
    hx-swap="outerHTML"
    aria-label="Retry job ${jobId}"
  >
    Retry
  </button>`;
}

export function cancelButton(ctx: PageContext, jobId: number): Html {
  return html`<button
    type="button"
    class="danger"
    hx-post="${ctx.base}/ui/jobs/${jobId}/cancel"
    hx-swap="outerHTML"
    aria-label="Cancel job ${jobId}"
  >
    Cancel
  </button>`;
}

export function batchButton(ctx: PageContext, batchId: number, action: 'retry' | 'cancel'): Html {
  const label = action === 'retry' ? 'Retry failed' : 'Cancel';
  return html`<button
    type="button"
    class="${action === 'retry' ? '' : 'danger'}"
    hx-post="${ctx.base}/ui/batches/${batchId}/${action}"
    hx-swap="outerHTML"
    aria-label="${label} in batch ${batchId}"
  >
    ${label}
  </button>`;
}

export function registerJobActions(app: ApiApp, deps: UiDeps): void {
  for (const action of ['retry', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(
      `/ui/batches/:id/${action}`,
      { config: { auth: 'page' }, schema: { hide: true } },
      async (request, reply) => {
        const answer = await callApi<{ retried?: number; cancelled?: number; requested?: number }>(
          deps,
          request,
          'POST',
          `/api/v1/batches/${encodeURIComponent(request.params.id)}/${action}`,
        );
        if (!answer.ok)
          return sendHtml(reply, html`<span class="error" role="alert">${answer.error.message}</span>`);
        const n =
          action === 'retry'
            ? (answer.body.retried ?? 0)
            : (answer.body.cancelled ?? 0) + (answer.body.requested ?? 0);
        return sendHtml(
          reply,
          html`<span class="badge ok" role="status"
            >${action === 'retry' ? `${n} queued again` : `${n} cancelled`}</span
          >`,
        );
      },
    );
  }
  for (const action of ['retry', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(
      `/ui/jobs/:id/${action}`,
      { config: { auth: 'page' }, schema: { hide: true } },
      async (request, reply) => {
        const answer = await callApi<{ state: string }>(
          deps,
          request,
          'POST',
          `/api/v1/jobs/${encodeURIComponent(request.params.id)}/${action}`,
        );
        const done = action === 'retry' ? 'queued again' : 'cancel requested';
        return sendHtml(
          reply,
          answer.ok
            ? html`<span class="badge ok" role="status">${done}</span>`
            : html`<span class="error" role="alert">${answer.error.message}</span>`,
        );
      },
    );
  }
}
