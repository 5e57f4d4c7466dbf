/**
 * Sign in with the API key (the one secret the service has, printed on first start) for a session cookie;
 * sign out ends the session. Failed attempts count in the auth-failure metric like wrong API keys.
 */
import type { FastifyRequest } from 'fastify';
import { sessionOf, signIn, signOut } from '../../api/session.js';
import type { ApiApp } from '../../api/app.js';
import type { UiDeps } from '../deps.js';
import { html } from '../html.js';
import { barePage } from '../layout.js';
import { text, type FormBody } from '../form-values.js';

function loginPage(base: string, error?: string) {
  return barePage(
    base,
    'Sign in',
    html`<h1>Kodi Sync</h1>
      <form method="post" action="${base}/login" class="panel">
        <h2>Sign in</h2>
        ${error !== undefined ? html`<p class="error" role="alert" id="login-error">${error}</p>` : ''}
        <div class="field">
          <label for="login-apiKey">API key</label>
          <input
            id="login-apiKey"
            name="apiKey"
            type="password"
            autocomplete="current-password"
            required
            autofocus${error !== undefined ? html` aria-invalid="true" aria-describedby="login-error"` : ''}
          />
          <small class="hint"
            >Printed when Kodi Sync first started and saved in <code>api-key.txt</code> in its data folder;
            <code>kodi-sync config show-key</code> prints it again.</small
          >
        </div>
        <button type="submit">Sign in</button>
      </form>`,
  );
}

/** A login form posted from another site is refused (login CSRF); browsers send Origin on POST. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function registerLoginPages(app: ApiApp, deps: UiDeps): void {
  const base = deps.urlBase;
  app.get('/login', { config: { auth: 'none' }, schema: { hide: true } }, async (request, reply) => {
    if ((await sessionOf(deps.store.db, request)) !== undefined) return reply.redirect(`${base}/`, 303);
    return reply.type('text/html; charset=utf-8').send(loginPage(base).text);
  });
  app.post('/login', { config: { auth: 'none' }, schema: { hide: true } }, async (request, reply) => {
    const key = text((request.body ?? {}) as FormBody, 'apiKey');
    if (!sameOrigin(request)) {
      return reply
        .code(403)
        .type('text/html; charset=utf-8')
        .send(loginPage(base, 'Sign in from Kodi Sync’s own page.').text);
    }
    if (key === undefined || !deps.apiKey.matches(key)) {
      deps.metrics.authFailures.inc();
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(
          loginPage(
            base,
            key === undefined
              ? 'Enter the API key.'
              : 'That is not the API key. Check api-key.txt in the data folder.',
          ).text,
        );
    }
    await signIn(deps.store.db, request, reply, base);
    return reply.redirect(`${base}/`, 303);
  });
  app.post('/logout', { config: { auth: 'page' }, schema: { hide: true } }, async (request, reply) => {
    await signOut(deps.store.db, request, reply, base);
    return reply.redirect(`${base}/login`, 303);
  });
  app.post('/ui/api-key', { schema: { hide: true } }, (_request, reply) => {
    const key = deps.apiKeyText();
    void reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8');
    if (key === undefined)
      return reply
        .code(404)
        .send('This process does not know the key in clear: run `kodi-sync config show-key`.');
    return reply.send(key);
  });
}
