/**
 * Setup › Kodis: the players of each group, their live state, and Test (reachable, authentication,
 * WebSocket, version, sources). The password is write-only: the page only says whether one is set.
 */
import type { FastifyRequest } from 'fastify';
import type { PublicPlayer } from '../../store/index.js';
import { callApi } from '../api-call.js';
import type { PageContext, UiDeps } from '../deps.js';
import { checked, numberOr, text } from '../form-values.js';
import { html, type Html } from '../html.js';
import { checkboxField, flag, formError, selectField, textField } from '../layout.js';
import type { SectionRequest, SectionState, SetupData } from './setup.js';
import {
  addForm,
  deleteButton,
  deleteRequest,
  entryTable,
  outcome,
  posts,
  sectionBox,
  stateFor,
  testButton,
} from './setup-parts.js';

interface TestResult {
  ok: boolean;
  checks: { name: string; ok: boolean; message: string }[];
}

const CHECK_NAMES: Record<string, string> = {
  connect: 'Reachable',
  auth: 'Authentication',
  version: 'Version',
  webSocket: 'WebSocket',
  sources: 'Video sources',
};

export function playersSection(ctx: PageContext, data: SetupData, state?: SectionState): Html {
  const s = stateFor(state, 'players');
  // A refused edit belongs to its player's row, not to the "Add a Kodi" form.
  const adding = s.body === undefined || text(s.body, 'editId') === undefined;
  const body = adding ? (s.body ?? {}) : {};
  const addError = adding ? s.error : undefined;
  const f = 'player';
  const groupName = (id: number) => data.groups.find((g) => g.id === id)?.name ?? `#${id}`;
  return sectionBox(
    'players',
    'Kodis',
    html`${entryTable({
      entries: data.players,
      none: 'No Kodi yet.',
      columns: ['Name', 'Group', 'Address', 'State'],
      actionsTitle: 'Actions',
      cells: (p) => {
        const live = data.states.find((st) => st.playerId === p.id);
        return [
          html`${p.name}${p.enabled ? '' : html` <span class="badge muted">disabled</span>`}`,
          groupName(p.groupId),
          html`<code>${p.host}:${p.httpPort}</code
            >${p.wsPort !== null ? html` <span class="muted">WebSocket ${p.wsPort}</span>` : ''}${p.username !== null ? html` <span class="muted">user ${p.username}${p.hasPassword ? ', password set' : ''}</span>` : ''}`,
          live === undefined
            ? html`<span class="badge muted">not watched</span>`
            : flag(live.connected, 'connected', 'offline'),
        ];
      },
      actions: (p) =>
        html`<div class="actions">
            ${testButton(ctx, 'players', p.id, { target: `player-test-${p.id}`, label: `Test ${p.name}` })}
            ${deleteButton(ctx, 'players', p.id, { confirm: `Delete the Kodi ${p.name}?`, label: `Delete ${p.name}` })}
          </div>
          <div id="player-test-${p.id}" aria-live="polite"></div>
          ${editForm(ctx, p, s)}`,
    })}
    ${addForm(
      ctx,
      { section: 'players', title: 'Add a Kodi', submit: 'Add Kodi', error: addError, notice: s.notice },
      html`${data.groups.length === 0 ? html`<p class="muted">Add a group first.</p>` : ''}
        <div class="fields">
          ${selectField({ form: f, name: 'groupId', label: 'Group', value: text(body, 'groupId') ?? '', options: data.groups.map((g) => [String(g.id), g.name] as const), error: addError })}
          ${textField({ form: f, name: 'name', label: 'Name', value: text(body, 'name') ?? '', placeholder: 'Living room', error: addError })}
          ${textField({ form: f, name: 'host', label: 'Host or IP address', value: text(body, 'host') ?? '', placeholder: '192.168.1.20', error: addError })}
          ${textField({ form: f, name: 'httpPort', label: 'Web server port', value: text(body, 'httpPort') ?? '8080', error: addError })}
          ${textField({ form: f, name: 'wsPort', label: 'WebSocket port (empty: HTTP only)', value: text(body, 'wsPort') ?? '9090', error: addError })}
          ${textField({ form: f, name: 'username', label: 'User name', value: text(body, 'username') ?? '', autocomplete: 'off', error: addError })}
          ${textField({ form: f, name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: 'Stored for Kodi only; never shown again.', error: addError })}
        </div>`,
    )}`,
  );
}

/** Edit in place: open when it was just refused, with the API's error under the field. */
function editForm(ctx: PageContext, p: PublicPlayer, s: Partial<SectionState>): Html {
  const mine = s.body !== undefined && text(s.body, 'editId') === String(p.id);
  const body = mine ? (s.body ?? {}) : {};
  const error = mine ? s.error : undefined;
  const f = `player-${p.id}`;
  const value = (name: string, current: string | number | null) =>
    mine ? (text(body, name) ?? '') : (current ?? '');
  const t = html;
  return t`<details${mine ? t` open` : ''}>
<summary>Edit ${p.name}</summary>
<form ${posts(ctx, `players/${p.id}/edit`)} aria-label="Edit ${p.name}">
<input type="hidden" name="editId" value="${p.id}">
${formError(error)}
<div class="fields">
${textField({ form: f, name: 'name', label: 'Name', value: value('name', p.name), error })}
${textField({ form: f, name: 'host', label: 'Host or IP address', value: value('host', p.host), error })}
${textField({ form: f, name: 'httpPort', label: 'Web server port', value: value('httpPort', p.httpPort), error })}
${textField({ form: f, name: 'wsPort', label: 'WebSocket port (empty: HTTP only)', value: value('wsPort', p.wsPort), error })}
${textField({ form: f, name: 'username', label: 'User name', value: value('username', p.username), error })}
${textField({ form: f, name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: p.hasPassword ? 'Empty keeps the stored one.' : 'None stored.', error })}
</div>
${checkboxField({ form: f, name: 'enabled', label: 'Enabled', checked: mine ? checked(body, 'enabled') : p.enabled })}
<button type="submit">Save ${p.name}</button>
</form>
</details>`;
}

export async function renderPlayerTest(deps: UiDeps, request: FastifyRequest, id: string): Promise<Html> {
  const answer = await callApi<TestResult>(
    deps,
    request,
    'POST',
    `/api/v1/players/${encodeURIComponent(id)}/test`,
  );
  if (!answer.ok) return html`<p class="error" role="alert">${answer.error.message}</p>`;
  return html`<ul class="checks" aria-label="Test result">
      ${answer.body.checks.map((c) => html`<li><span class="badge ${c.ok ? 'ok' : c.name === 'webSocket' ? 'warn' : 'bad'}">${c.ok ? 'OK' : 'failed'}</span> <strong>${CHECK_NAMES[c.name] ?? c.name}</strong>: ${c.message}</li>`)}
    </ul>
    <p class="${answer.body.ok ? 'success' : 'error'}">
      ${answer.body.ok ? 'Kodi is ready.' : 'Fix the failed check, then test again.'}
    </p>`;
}

export const playerRequests: Record<string, SectionRequest> = {
  players: async (deps, request, body) => {
    const wsPort = text(body, 'wsPort') === undefined ? null : numberOr(body, 'wsPort');
    const answer = await callApi(deps, request, 'POST', '/api/v1/players', {
      groupId: numberOr(body, 'groupId') ?? 0,
      name: text(body, 'name') ?? '',
      host: text(body, 'host') ?? '',
      httpPort: numberOr(body, 'httpPort') ?? 8080,
      wsPort,
      username: text(body, 'username') ?? null,
      password: text(body, 'password') ?? null,
    });
    // The password is never sent back into the form, even when the API refused the rest.
    const { password: _password, ...typed } = body;
    return outcome(
      'players',
      answer,
      `Kodi "${text(body, 'name') ?? ''}" added. Press Test to check it.`,
      typed,
    );
  },
  'players/edit': async (deps, request, body, id) => {
    const password = text(body, 'password');
    const answer = await callApi(deps, request, 'PUT', `/api/v1/players/${encodeURIComponent(id ?? '')}`, {
      name: text(body, 'name') ?? '',
      host: text(body, 'host') ?? '',
      httpPort: numberOr(body, 'httpPort') ?? '',
      wsPort: text(body, 'wsPort') === undefined ? null : numberOr(body, 'wsPort'),
      username: text(body, 'username') ?? null,
      enabled: checked(body, 'enabled'),
      ...(password !== undefined && { password }),
    });
    const { password: _password, ...typed } = body;
    return outcome('players', answer, `Kodi "${text(body, 'name') ?? ''}" saved.`, typed);
  },
  'players/delete': deleteRequest('players', 'Kodi deleted.'),
};
