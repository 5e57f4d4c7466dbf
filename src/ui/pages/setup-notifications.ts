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
import { selectField, textField } from '../layout.js';
import type { SectionRequest, SectionState, SetupData } from './setup.js';
import {
  addForm,
  deleteButton,
  deleteRequest,
  entryTable,
  outcome,
  sectionBox,
  stateFor,
  testButton,
} from './setup-parts.js';

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
    html`${entryTable({
      entries: data.channels,
      none: 'No channel yet.',
      columns: ['Name', 'Type', 'Events'],
      actionsTitle: 'Actions',
      cells: (c) => [
        html`${c.name}${c.enabled ? '' : html` <span class="badge muted">disabled</span>`}`,
        c.type,
        c.events.join(', '),
      ],
      actions: (c) =>
        html`<div class="actions">
            ${testButton(ctx, 'notifications', c.id, { target: `channel-test-${c.id}`, label: `Test ${c.name}` })}
            ${deleteButton(ctx, 'notifications', c.id, {
              confirm: `Delete the channel ${c.name}?`,
              label: `Delete ${c.name}`,
            })}
          </div>
          <div id="channel-test-${c.id}" aria-live="polite"></div>`,
    })}
    ${addForm(
      ctx,
      {
        section: 'notifications',
        title: 'Add a channel',
        label: 'Add a notification channel',
        submit: 'Add channel',
        error: s.error,
        notice: s.notice,
      },
      html`<div class="fields">
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
        </fieldset>`,
    )}`,
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
    return outcome(
      'notifications',
      answer,
      `Channel "${text(body, 'name') ?? ''}" added. Press Test to send a test message.`,
      typed,
    );
  },
  'notifications/delete': deleteRequest('notifications', 'Channel deleted.'),
};
