/**
 * Setup › Path mappings: the manager's folder → the same folder as Kodi sees it, per group, and a test
 * that maps a manager path and asks a member Kodi whether it can list it.
 */
import { maskUrlCredentials } from '../../config/mask.js';
import { callApi } from '../api-call.js';
import type { PageContext } from '../deps.js';
import { numberOr, text } from '../form-values.js';
import { html, type Html } from '../html.js';
import { formError, selectField, textField } from '../layout.js';
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
} from './setup-parts.js';

interface MappingTest {
  ok: boolean;
  managerPath: string;
  kodiPath?: string;
  player?: string;
  message: string;
  fix?: string;
  entries?: number;
}

function testResult(result: MappingTest): Html {
  return html`<div class="${result.ok ? 'success' : 'error'}" role="status">
    <dl class="facts">
      <dt>Manager path</dt>
      <dd><code>${result.managerPath}</code></dd>
      <dt>Kodi path</dt>
      <dd>
        ${result.kodiPath !== undefined ? html`<code>${result.kodiPath}</code>` : 'no mapping covers it'}
      </dd>
      ${
        result.player !== undefined
          ? html`<dt>Asked</dt>
              <dd>${result.player}</dd>`
          : ''
      }
      <dt>Result</dt>
      <dd>${result.message}${result.entries !== undefined ? ` (${result.entries} entries listed)` : ''}</dd>
      ${
        result.fix !== undefined
          ? html`<dt>Fix</dt>
              <dd>${result.fix}</dd>`
          : ''
      }
    </dl>
  </div>`;
}

export function mappingsSection(ctx: PageContext, data: SetupData, state?: SectionState): Html {
  const s = stateFor(state, 'mappings');
  const body = s.body ?? {};
  const groups = data.groups.map((g) => [String(g.id), g.name] as const);
  const groupName = (id: number) => data.groups.find((g) => g.id === id)?.name ?? `#${id}`;
  const testing = text(body, 'form') === 'test';
  return sectionBox(
    'mappings',
    'Path mappings',
    html`<p class="muted">
        Manager paths are never Kodi paths: say where each manager folder is for Kodi (<code>/mnt/…</code>,
        <code>smb://…</code>, <code>nfs://…</code>, <code>D:…</code>).
      </p>
      ${entryTable({
        entries: data.mappings,
        none: 'No mapping yet.',
        columns: ['Group', 'Manager folder', 'Kodi folder'],
        actionsTitle: 'Action',
        cells: (m) => [
          groupName(m.groupId),
          html`<code>${m.managerPrefix}</code>`,
          html`<code>${maskUrlCredentials(m.kodiPrefix)}</code>`,
        ],
        actions: (m) =>
          deleteButton(ctx, 'mappings', m.id, {
            confirm: 'Delete this mapping?',
            label: `Delete mapping ${m.managerPrefix}`,
          }),
      })}
      ${addForm(
        ctx,
        {
          section: 'mappings',
          title: 'Add a mapping',
          label: 'Add a path mapping',
          submit: 'Add mapping',
          error: testing ? undefined : s.error,
          notice: testing ? undefined : s.notice,
        },
        html`<div class="fields">
          ${selectField({ form: 'mapping', name: 'groupId', label: 'Group', value: text(body, 'groupId') ?? '', options: groups, error: testing ? undefined : s.error })}
          ${textField({ form: 'mapping', name: 'managerPrefix', label: 'Manager folder', value: testing ? '' : (text(body, 'managerPrefix') ?? ''), placeholder: '/data/media/movies', error: testing ? undefined : s.error })}
          ${textField({ form: 'mapping', name: 'kodiPrefix', label: 'Kodi folder', value: testing ? '' : maskUrlCredentials(text(body, 'kodiPrefix') ?? ''), placeholder: 'smb://nas/movies/', error: testing ? undefined : s.error })}
        </div>`,
      )}
      <form ${posts(ctx, 'mappings/test')} aria-label="Test a path">
        <h3>Test a path</h3>
        <input type="hidden" name="form" value="test" />
        ${testing ? html`${formError(s.error)}${s.notice ?? ''}` : ''}
        <div class="fields">
          ${selectField({ form: 'maptest', name: 'groupId', label: 'Group', value: text(body, 'groupId') ?? '', options: groups, error: testing ? s.error : undefined })}
          ${textField({ form: 'maptest', name: 'path', label: 'Folder or file (manager side)', value: testing ? (text(body, 'path') ?? '') : '', placeholder: '/data/media/movies/Heat (1995)', error: testing ? s.error : undefined })}
        </div>
        <button type="submit" class="secondary">Test</button>
      </form>`,
  );
}

export const mappingRequests: Record<string, SectionRequest> = {
  mappings: async (deps, request, body) => {
    const answer = await callApi(deps, request, 'POST', '/api/v1/mappings', {
      groupId: numberOr(body, 'groupId') ?? 0,
      managerPrefix: text(body, 'managerPrefix') ?? '',
      kodiPrefix: text(body, 'kodiPrefix') ?? '',
    });
    return outcome('mappings', answer, 'Mapping added. Test a path below.', body);
  },
  'mappings/test': async (deps, request, body) => {
    const group = numberOr(body, 'groupId');
    const answer = await callApi<MappingTest>(
      deps,
      request,
      'POST',
      `/api/v1/groups/${encodeURIComponent(String(group ?? 0))}/test-mapping`,
      { path: text(body, 'path') ?? '' },
    );
    return answer.ok
      ? { section: 'mappings', body, notice: testResult(answer.body) }
      : { section: 'mappings', body, error: answer.error };
  },
  'mappings/delete': deleteRequest('mappings', 'Mapping deleted.'),
};
