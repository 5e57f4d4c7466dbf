/** Setup › Groups: one per Kodi library (one Kodi, or several sharing a MySQL/MariaDB database). */
import { callApi } from '../api-call.js';
import type { PageContext } from '../deps.js';
import { checked, list, text } from '../form-values.js';
import { html, type Html } from '../html.js';
import { checkboxField, textField } from '../layout.js';
import type { SectionRequest, SectionState, SetupData } from './setup.js';
import {
  addForm,
  deleteButton,
  deleteRequest,
  entryTable,
  outcome,
  sectionBox,
  stateFor,
} from './setup-parts.js';

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
      ${entryTable({
        entries: data.groups,
        none: 'No group yet.',
        columns: ['Name', 'Libraries', 'While someone watches', 'Shared database'],
        actionsTitle: 'Action',
        cells: (g) => [
          g.name,
          g.libraryIds.map(libraryName).join(', ') || '—',
          g.skipActive ? 'wait' : 'go ahead',
          g.sharedDatabase ? 'yes' : 'no',
        ],
        actions: (g) =>
          deleteButton(ctx, 'groups', g.id, {
            confirm: `Delete the group ${g.name}?`,
            label: `Delete group ${g.name}`,
          }),
      })}
      ${addForm(
        ctx,
        { section: 'groups', title: 'Add a group', submit: 'Add group', error: s.error, notice: s.notice },
        html`${textField({ form: f, name: 'name', label: 'Name', value: text(body, 'name') ?? '', placeholder: 'Living room', error: s.error })}
          <fieldset class="field">
            <legend>Libraries it serves</legend>
            ${data.libraries.length === 0 ? html`<p class="muted">Add a library first.</p>` : data.libraries.map((l) => html`<div class="field check"><input id="group-lib-${l.id}" type="checkbox" name="libraryIds" value="${l.id}" ${chosen.has(String(l.id)) || (s.body === undefined && data.libraries.length === 1) ? html` checked` : ''} /><label for="group-lib-${l.id}">${l.name}</label></div>`)}
          </fieldset>
          ${checkboxField({ form: f, name: 'skipActive', label: 'Never disturb someone watching (recommended)', checked: s.body === undefined || checked(body, 'skipActive') })}
          ${checkboxField({ form: f, name: 'sharedDatabase', label: 'Its Kodis share one MySQL/MariaDB library', checked: checked(body, 'sharedDatabase') })}`,
      )}`,
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
    return outcome('groups', answer, `Group "${text(body, 'name') ?? ''}" added. Now add its Kodi.`, body);
  },
  'groups/delete': deleteRequest('groups', 'Group deleted.'),
};
