/** Setup › Libraries: one per manager root folder (movies or TV shows). */
import { callApi } from '../api-call.js';
import type { PageContext } from '../deps.js';
import { text } from '../form-values.js';
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
} from './setup-parts.js';

export function librariesSection(ctx: PageContext, data: SetupData, state?: SectionState): Html {
  const s = stateFor(state, 'libraries');
  const body = s.body ?? {};
  const f = 'library';
  return sectionBox(
    'libraries',
    'Libraries',
    html`<p class="muted">A library is a root folder your manager publishes to, as the manager sees it.</p>
      ${entryTable({
        entries: data.libraries,
        none: 'No library yet.',
        columns: ['Name', 'Kind', 'Root folder'],
        actionsTitle: 'Action',
        cells: (l) => [l.name, l.kind, html`<code>${l.rootPath}</code>`],
        actions: (l) =>
          deleteButton(ctx, 'libraries', l.id, {
            confirm: `Delete the library ${l.name}?`,
            label: `Delete library ${l.name}`,
          }),
      })}
      ${addForm(
        ctx,
        {
          section: 'libraries',
          title: 'Add a library',
          submit: 'Add library',
          error: s.error,
          notice: s.notice,
        },
        html`<div class="fields">
          ${textField({ form: f, name: 'name', label: 'Name', value: text(body, 'name') ?? '', placeholder: 'Movies', error: s.error })}
          ${selectField({
            form: f,
            name: 'kind',
            label: 'Kind',
            value: text(body, 'kind') ?? 'movies',
            options: [
              ['movies', 'movies'],
              ['tvshows', 'TV shows'],
            ],
            error: s.error,
          })}
          ${textField({ form: f, name: 'rootPath', label: 'Root folder (manager side)', value: text(body, 'rootPath') ?? '', placeholder: '/data/media/movies', error: s.error })}
        </div>`,
      )}`,
  );
}

export const libraryRequests: Record<string, SectionRequest> = {
  libraries: async (deps, request, body) => {
    const answer = await callApi(deps, request, 'POST', '/api/v1/libraries', {
      name: text(body, 'name') ?? '',
      kind: text(body, 'kind'),
      rootPath: text(body, 'rootPath') ?? '',
    });
    return outcome('libraries', answer, `Library "${text(body, 'name') ?? ''}" added.`, body);
  },
  'libraries/delete': deleteRequest('libraries', 'Library deleted.'),
};
