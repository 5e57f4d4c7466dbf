/**
 * The web UI: server-rendered pages and fragments with htmx, on the API's own server under the URL base
 * (docs/ui.md says why). Pages need a signed-in session (or the API key); forms carry the session's CSRF
 * token; every change goes through the REST API in-process.
 */
import formbody from '@fastify/formbody';
import type { ApiApp } from '../api/app.js';
import { NotFoundError } from '../util/errors.js';
import { registerAssets } from './assets.js';
import type { UiDeps } from './deps.js';
import { html } from './html.js';
import { barePage } from './layout.js';
import { registerActivityPage } from './pages/activity.js';
import { registerDashboardPage } from './pages/dashboard.js';
import { registerJobActions } from './pages/job-actions.js';
import { registerJobPages } from './pages/jobs.js';
import { registerItemPages } from './pages/items.js';
import { registerLoginPages } from './pages/login.js';
import { registerSetupPages } from './pages/setup.js';
import { registerTaskPages } from './pages/tasks.js';
import { sendHtml } from './respond.js';

export type { UiDeps } from './deps.js';

/** Scripts, styles and connections only from this server; no framing. htmx runs without eval. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

export async function registerUi(app: ApiApp, deps: UiDeps): Promise<void> {
  await app.register(
    async (scoped) => {
      // Forms post as application/x-www-form-urlencoded; only the UI's routes accept that.
      await scoped.register(formbody);
      scoped.addHook('onSend', async (_request, reply, payload) => {
        void reply.header('content-security-policy', CSP);
        void reply.header('x-content-type-options', 'nosniff');
        void reply.header('referrer-policy', 'same-origin');
        return payload;
      });
      scoped.setErrorHandler((error, request, reply) => {
        if (error instanceof NotFoundError) {
          const body = barePage(
            deps.urlBase,
            'Not found',
            html`<h1>Not found</h1>
              <p>${error.message}.</p>
              <p><a href="${deps.urlBase}/">Back to the dashboard</a></p>`,
          );
          return sendHtml(reply, body, 404);
        }
        request.log.error({ err: error, url: request.routeOptions.url }, 'UI request failed');
        return sendHtml(
          reply,
          barePage(
            deps.urlBase,
            'Error',
            html`<h1>Something went wrong</h1>
              <p>See the service log.</p>`,
          ),
          500,
        );
      });
      registerAssets(scoped);
      registerLoginPages(scoped, deps);
      registerDashboardPage(scoped, deps);
      registerJobActions(scoped, deps);
      registerJobPages(scoped, deps);
      registerItemPages(scoped, deps);
      registerSetupPages(scoped, deps);
      registerTaskPages(scoped, deps);
      registerActivityPage(scoped, deps);
    },
    { prefix: deps.urlBase },
  );
}
