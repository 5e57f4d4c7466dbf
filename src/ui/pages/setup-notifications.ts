/**
 * Setup › Notifications: channels (Discord, Pushover, ntfy, Gotify, Apprise, a toast on Kodi), which events
 * each gets, and Test. Settings hold secrets (webhook URLs, tokens), so the page never shows them: it lists
 * name, type and events only, and settings are typed once as JSON when the channel is added.
 */
import type { FastifyRequest } from 'fastify';
import { AGENT_TYPES, NOTIFICATION_EVENT_TYPES } from '../../notify/index.js';
import { callApi } from '../api-call.js';
import type { PageContext, UiDeps } from '../deps.js';
import { list, text } from '../form-values.js';
import { html, type Html } from '../html.js';
import { formError, selectField, textField } from '../layout.js';
import {
  notice,
  posts,
  sectionBox,
  stateFor,
  type SectionRequest,
  type SectionState,
  type SetupData,
} from './setup.js';

const EXAMPLES =
  'discord {"webhookUrl":"https://discord.com/api/webhooks/…"} · ntfy {"topic":"kodi-sync"} · gotify {"serverUrl":"https://gotify.example","token":"…"} · pushover {"token":"…","user":"…"} · kodi-toast {}';

export function notificationsSection(ctx: PageContext, data: SetupData, state?: SectionState): Html {
  const s = stateFor(state, 'notifications');
  const body = s.body ?? {};
  const f = 'channel';
  const events = new Set(
    s.body === undefined
      ? ['job-failed', 'batch-finished', 'kodi-offline', 'kodi-back']
      : list(body, 'events'),
  );
  const settingsInvalid = s.error?.field?.startsWith('settings') === true;
  return sectionBox(
    'notifications',
    'Notifications',
    html`${
        data.channels.length === 0
          ? html`<p class="muted">No channel yet.</p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Events</th>
                  <th><span class="muted">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${data.channels.map(
                  (c) =>
                    html`<tr>
                      <td data-label="Name">
                        ${c.name}${c.enabled ? '' : html` <span class="badge muted">disabled</span>`}
                      </td>
                      <td data-label="Type">${c.type}</td>
                      <td data-label="Events">${c.events.join(', ')}</td>
                      <td>
                        <div class="actions">
                          <button
                            type="button"
                            class="secondary"
                            hx-post="${ctx.base}/ui/setup/notifications/${c.id}/test"
                            hx-target="#channel-test-${c.id}"
                            hx-swap="innerHTML"
                            aria-label="Test ${c.name}"
                          >
                            Test
                          </button>
                          <button
                            type="button"
                            class="danger"
                            ${posts(ctx, `notifications/${c.id}/delete`)}
                            hx-confirm="Delete the channel ${c.name}?"
                            aria-label="Delete ${c.name}"
                          >
                            Delete
                          </button>
                        </div>
                        <div id="channel-test-${c.id}" aria-live="polite"></div>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <form ${posts(ctx, 'notifications')} aria-label="Add a notification channel">
        <h3>Add a channel</h3>
        ${formError(s.error)}${s.notice ?? ''}
        <div class="fields">
          ${textField({ form: f, name: 'name', label: 'Name', value: text(body, 'name') ?? '', placeholder: 'Phone', error: s.error })}
          ${selectField({ form: f, name: 'type', label: 'Type', value: text(body, 'type') ?? 'ntfy', options: AGENT_TYPES.map((t) => [t, t] as const), error: s.error })}
        </div>
        <div class="field">
          <label for="${f}-settings">Settings (JSON)</label>
          <textarea
            id="${f}-settings"
            name="settings"
            aria-describedby="${f}-settings-hint${settingsInvalid ? ` ${f}-settings-error` : ''}"
            ${settingsInvalid ? html` aria-invalid="true"` : ''}
          >
${text(body, 'settings') ?? '{}'}</textarea>
          <small id="${f}-settings-hint" class="hint"
            >${EXAMPLES}. Secrets are stored, never shown again.</small
          >
          ${settingsInvalid ? html`<small id="${f}-settings-error" class="field-error">${s.error?.message}</small>` : ''}
        </div>
        <fieldset class="field">
          <legend>Events</legend>
          ${NOTIFICATION_EVENT_TYPES.map((e) => html`<div class="field check"><input id="${f}-event-${e}" type="checkbox" name="events" value="${e}" ${events.has(e) ? html` checked` : ''} /><label for="${f}-event-${e}">${e}</label></div>`)}
        </fieldset>
        <button type="submit">Add channel</button>
      </form>`,
  );
}

export async function renderChannelTest(deps: UiDeps, request: FastifyRequest, id: string): Promise<Html> {
  const answer = await callApi<{ ok: boolean; message: string }>(
    deps,
    request,
    'POST',
    `/api/v1/notifications/${encodeURIComponent(id)}/test`,
  );
  if (!answer.ok) return html`<p class="error" role="alert">${answer.error.message}</p>`;
  return html`<p class="${answer.body.ok ? 'success' : 'error'}" role="status">${answer.body.message}</p>`;
}

export const notificationRequests: Record<string, SectionRequest> = {
  notifications: async (deps, request, body) => {
    let settings: unknown;
    try {
      settings = JSON.parse(text(body, 'settings') ?? '{}');
    } catch {
      return {
        section: 'notifications',
        body,
        error: {
          error: 'ValidationError',
          field: 'settings',
          message: 'settings: not valid JSON; write an object such as {"topic":"kodi-sync"}.',
        },
      };
    }
    const answer = await callApi(deps, request, 'POST', '/api/v1/notifications', {
      name: text(body, 'name') ?? '',
      type: text(body, 'type'),
      settings,
      events: list(body, 'events'),
    });
    // Settings may hold secrets: after a refusal they are not sent back into the page.
    const { settings: _settings, ...typed } = body;
    return answer.ok
      ? {
          section: 'notifications',
          notice: notice(`Channel "${text(body, 'name') ?? ''}" added. Press Test to send a test message.`),
        }
      : { section: 'notifications', body: typed, error: answer.error };
  },
  'notifications/delete': async (deps, request, _body, id) => {
    const answer = await callApi(
      deps,
      request,
      'DELETE',
      `/api/v1/notifications/${encodeURIComponent(id ?? '')}`,
    );
    return answer.ok
      ? { section: 'notifications', notice: notice('Channel deleted.') }
      : { section: 'notifications', error: answer.error };
  },
};
