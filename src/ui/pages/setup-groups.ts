/** Setup › Groups: one per Kodi library (one Kodi, or several sharing a MySQL/MariaDB database). */
import { callApi } from '../api-call.js';
import type { PageContext } from '../deps.js';
import { checked, list, text } from '../form-values.js';
import { html, type Html } from '../html.js';
import { checkboxField, formError, textField } from '../layout.js';
import {
  notice,
  posts,
  sectionBox,
  stateFor,
  type SectionRequest,
  type SectionState,
  type SetupData,
} from './setup.js';

export function groupsSection(ctx: PageContext, data: SetupData, state?: SectionState): Html {
  const s = stateFor(state, 'groups');
  const body = s.body ?? {};
  const f = 'group';
  const chosen = new Set(list(body, 'libraryIds'));
  const libraryName = (id: number) => data.libraries.find((l) => l.id === id)?.name ?? `#${id}`;
  return sectionBox(
    'groups',
    'Groups',
    html`<p class="muted">A group is one Kodi library: it gets its own queue, one job at a time.</p>
      ${
        data.groups.length === 0
          ? html`<p class="muted">No group yet.</p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Libraries</th>
                  <th>While someone watches</th>
                  <th>Shared database</th>
                  <th><span class="muted">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${data.groups.map(
                  (g) =>
                    html`<tr>
                      <td data-label="Name">${g.name}</td>
                      <td data-label="Libraries">${g.libraryIds.map(libraryName).join(', ') || '—'}</td>
                      <td data-label="While someone watches">${g.skipActive ? 'wait' : 'go ahead'}</td>
                      <td data-label="Shared database">${g.sharedDatabase ? 'yes' : 'no'}</td>
                      <td>
                        <button
                          type="button"
                          class="danger"
                          ${posts(ctx, `groups/${g.id}/delete`)}
                          hx-confirm="Delete the group ${g.name}?"
                          aria-label="Delete group ${g.name}"
                        >
                          Delete
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <form ${posts(ctx, 'groups')} aria-label="Add a group">
        <h3>Add a group</h3>
        ${formError(s.error)}${s.notice ?? ''}
        ${textField({ form: f, name: 'name', label: 'Name', value: text(body, 'name') ?? '', placeholder: 'Living room', error: s.error })}
        <fieldset class="field">
          <legend>Libraries it serves</legend>
          ${data.libraries.length === 0 ? html`<p class="muted">Add a library first.</p>` : data.libraries.map((l) => html`<div class="field check"><input id="group-lib-${l.id}" type="checkbox" name="libraryIds" value="${l.id}" ${chosen.has(String(l.id)) || (s.body === undefined && data.libraries.length === 1) ? html` checked` : ''} /><label for="group-lib-${l.id}">${l.name}</label></div>`)}
        </fieldset>
        ${checkboxField({ form: f, name: 'skipActive', label: 'Never disturb someone watching (recommended)', checked: s.body === undefined || checked(body, 'skipActive') })}
        ${checkboxField({ form: f, name: 'sharedDatabase', label: 'Its Kodis share one MySQL/MariaDB library', checked: checked(body, 'sharedDatabase') })}
        <button type="submit">Add group</button>
      </form>`,
  );
}

export const groupRequests: Record<string, SectionRequest> = {
  groups: async (deps, request, body) => {
    const answer = await callApi(deps, request, 'POST', '/api/v1/groups', {
      name: text(body, 'name') ?? '',
      libraryIds: list(body, 'libraryIds').map((id) => (/^\d+$/.test(id) ? Number(id) : id)),
      skipActive: checked(body, 'skipActive'),
      sharedDatabase: checked(body, 'sharedDatabase'),
    });
    return answer.ok
      ? {
          section: 'groups',
          notice: notice(`Group "${text(body, 'name') ?? ''}" added. Now add its Kodi.`),
        }
      : { section: 'groups', body, error: answer.error };
  },
  'groups/delete': async (deps, request, _body, id) => {
    const answer = await callApi(deps, request, 'DELETE', `/api/v1/groups/${encodeURIComponent(id ?? '')}`);
    return answer.ok
      ? { section: 'groups', notice: notice('Group deleted.') }
      : { section: 'groups', error: answer.error };
  },
};
