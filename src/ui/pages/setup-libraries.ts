/** Setup › Libraries: one per manager root folder (movies or TV shows). */
import { callApi } from '../api-call.js';
import type { PageContext } from '../deps.js';
import { text } from '../form-values.js';
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

export function librariesSection(ctx: PageContext, data: SetupData, state?: SectionState): Html {
  const s = stateFor(state, 'libraries');
  const body = s.body ?? {};
  const f = 'library';
  return sectionBox(
    'libraries',
    'Libraries',
    html`<p class="muted">A library is a root folder your manager publishes to, as the manager sees it.</p>
      ${
        data.libraries.length === 0
          ? html`<p class="muted">No library yet.</p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Kind</th>
                  <th>Root folder</th>
                  <th><span class="muted">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${data.libraries.map(
                  (l) =>
                    html`<tr>
                      <td data-label="Name">${l.name}</td>
                      <td data-label="Kind">${l.kind}</td>
                      <td data-label="Root folder"><code>${l.rootPath}</code></td>
                      <td>
                        <button
                          type="button"
                          class="danger"
                          ${posts(ctx, `libraries/${l.id}/delete`)}
                          hx-confirm="Delete the library ${l.name}?"
                          aria-label="Delete library ${l.name}"
                        >
                          Delete
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <form ${posts(ctx, 'libraries')} aria-label="Add a library">
        <h3>Add a library</h3>
        ${formError(s.error)}${s.notice ?? ''}
        <div class="fields">
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
        </div>
        <button type="submit">Add library</button>
      </form>`,
  );
}

export const libraryRequests: Record<string, SectionRequest> = {
  libraries: async (deps, request, body) => {
    const answer = await callApi(deps, request, 'POST', '/api/v1/libraries', {
      name: text(body, 'name') ?? '',
      kind: text(body, 'kind'),
      rootPath: text(body, 'rootPath') ?? '',
    });
    return answer.ok
      ? { section: 'libraries', notice: notice(`Library "${text(body, 'name') ?? ''}" added.`) }
      : { section: 'libraries', body, error: answer.error };
  },
  'libraries/delete': async (deps, request, _body, id) => {
    const answer = await callApi(
      deps,
      request,
      'DELETE',
      `/api/v1/libraries/${encodeURIComponent(id ?? '')}`,
    );
    return answer.ok
      ? { section: 'libraries', notice: notice('Library deleted.') }
      : { section: 'libraries', error: answer.error };
  },
};
