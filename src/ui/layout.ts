/**
 * The page shell every UI page shares (dark by default, navigation, skip link, htmx with the session's
 * CSRF token on every request), and small renderers for times, states and form fields.
 */
import type { ApiError } from './api-call.js';
import type { PageContext } from './deps.js';
import { html, type Html } from './html.js';

const NAV = [
  ['/', 'Dashboard'],
  ['/jobs', 'Jobs'],
  ['/items', 'Items'],
  ['/setup', 'Setup'],
  ['/tasks', 'Tasks'],
  ['/activity', 'Activity'],
] as const;

export function page(ctx: PageContext, title: string, main: Html): Html {
  const current = (href: string) => (href === '/' ? ctx.path === '/' : ctx.path.startsWith(href));
  const headers = JSON.stringify({ 'X-CSRF-Token': ctx.csrf });
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
        <meta name="kodi-sync-base" content="${ctx.base}" />
        <title>${title} · Kodi Sync</title>
        <link rel="stylesheet" href="${ctx.base}/ui/assets/app.css" />
        <script src="${ctx.base}/ui/assets/htmx.min.js" defer></script>
        <script src="${ctx.base}/ui/assets/app.js" defer></script>
      </head>
      <body hx-headers="${headers}">
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="${ctx.base}/">Kodi Sync</a>
          <nav aria-label="Main">
            <ul>
              ${NAV.map(
                ([href, label]) =>
                  html`<li>
                    <a href="${ctx.base}${href}" ${current(href) ? html` aria-current="page"` : ''}
                      >${label}</a
                    >
                  </li>`,
              )}
            </ul>
          </nav>
          <form method="post" action="${ctx.base}/logout" class="logout">
            <input type="hidden" name="_csrf" value="${ctx.csrf}" />
            <button type="submit" class="link">Sign out</button>
          </form>
        </header>
        <main id="main">
          <h1>${title}</h1>
          ${main}
        </main>
      </body>
    </html>`;
}

/** A bare page (login) without navigation. */
export function barePage(base: string, title: string, main: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark" />
        <title>${title} · Kodi Sync</title>
        <link rel="stylesheet" href="${base}/ui/assets/app.css" />
      </head>
      <body>
        <main id="main" class="narrow">${main}</main>
      </body>
    </html>`;
}

export function ago(ms: number | null, now = Date.now()): Html {
  if (ms === null) return html`<span class="muted">never</span>`;
  const seconds = Math.round((now - ms) / 1000);
  const text =
    Math.abs(seconds) < 60
      ? `${Math.abs(seconds)} s`
      : Math.abs(seconds) < 3600
        ? `${Math.round(Math.abs(seconds) / 60)} min`
        : Math.abs(seconds) < 86_400
          ? `${Math.round(Math.abs(seconds) / 3600)} h`
          : `${Math.round(Math.abs(seconds) / 86_400)} d`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" title="${iso.replace('T', ' ').slice(0, 19)} UTC"
    >${seconds >= 0 ? `${text} ago` : `in ${text}`}</time
  >`;
}

const STATE_CLASS: Record<string, string> = {
  succeeded: 'ok',
  running: 'info',
  queued: 'muted',
  deferred: 'warn',
  failed: 'bad',
  cancelled: 'muted',
};

export function stateBadge(state: string): Html {
  return html`<span class="badge ${STATE_CLASS[state] ?? 'muted'}">${state}</span>`;
}

export function flag(on: boolean | null, yes: string, no: string, unknown = 'checking…'): Html {
  if (on === null) return html`<span class="badge muted">${unknown}</span>`;
  return html`<span class="badge ${on ? 'ok' : 'bad'}">${on ? yes : no}</span>`;
}

/** The API's error, shown where the form can see it (screen readers hear it at once). */
export function formError(error: ApiError | undefined): Html {
  if (error === undefined) return html``;
  return html`<p class="error" role="alert">${error.message}</p>`;
}

export interface FieldOptions {
  form: string;
  name: string;
  label: string;
  value?: string | number | null;
  type?: 'text' | 'number' | 'password' | 'url';
  hint?: string;
  placeholder?: string;
  required?: boolean;
  autocomplete?: string;
  /** The API error: when its field is this one, the field is marked invalid and the message shown under it. */
  error?: ApiError | undefined;
}

function fieldMatches(error: ApiError | undefined, name: string): boolean {
  const field = error?.field;
  return (
    field !== undefined && (field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`))
  );
}

export function textField(o: FieldOptions): Html {
  const id = `${o.form}-${o.name}`;
  const invalid = fieldMatches(o.error, o.name);
  const describedBy = [o.hint !== undefined ? `${id}-hint` : '', invalid ? `${id}-error` : '']
    .filter((s) => s !== '')
    .join(' ');
  return html`<div class="field">
    <label for="${id}">${o.label}</label>
    <input
      id="${id}"
      name="${o.name}"
      type="${o.type ?? 'text'}"
      ${o.value !== undefined && o.value !== null ? html` value="${String(o.value)}"` : ''}${o.placeholder !== undefined ? html` placeholder="${o.placeholder}"` : ''}${o.required === true ? html` required` : ''}${html` autocomplete="${o.autocomplete ?? 'off'}"`}${invalid ? html` aria-invalid="true"` : ''}${describedBy !== '' ? html` aria-describedby="${describedBy}"` : ''}
    />
    ${o.hint !== undefined ? html`<small id="${id}-hint" class="hint">${o.hint}</small>` : ''}
    ${invalid ? html`<small id="${id}-error" class="field-error">${o.error?.message}</small>` : ''}
  </div>`;
}

export function selectField(
  o: Omit<FieldOptions, 'type' | 'placeholder'> & { options: readonly (readonly [string, string])[] },
): Html {
  const id = `${o.form}-${o.name}`;
  const invalid = fieldMatches(o.error, o.name);
  return html`<div class="field">
    <label for="${id}">${o.label}</label>
    <select
      id="${id}"
      name="${o.name}"
      ${invalid ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}
    >
      ${o.options.map(([value, label]) => html`<option value="${value}" ${String(o.value ?? '') === value ? html` selected` : ''}>${label}</option>`)}
    </select>
    ${o.hint !== undefined ? html`<small class="hint">${o.hint}</small>` : ''}
    ${invalid ? html`<small id="${id}-error" class="field-error">${o.error?.message}</small>` : ''}
  </div>`;
}

export function checkboxField(o: { form: string; name: string; label: string; checked: boolean }): Html {
  const id = `${o.form}-${o.name}`;
  return html`<div class="field check">
    <input id="${id}" name="${o.name}" type="checkbox" value="on" ${o.checked ? html` checked` : ''} /><label
      for="${id}"
      >${o.label}</label
    >
  </div>`;
}

/** Says whether the page's live updates (Server-Sent Events) are connected. */
export function liveStatus(): Html {
  return html`<p class="muted live" aria-live="polite">
    Updates: <span id="live-status">connecting…</span>
  </p>`;
}
