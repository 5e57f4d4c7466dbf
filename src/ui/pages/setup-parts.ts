/**
 * The pieces every Setup section is built from: its box, its list of entries with their Delete buttons, its
 * "Add a …" form, and what it shows after the API answered one of its posts.
 */
import { callApi, type ApiAnswer, type ApiError } from '../api-call.js';
import type { PageContext } from '../deps.js';
import type { FormBody } from '../form-values.js';
import { html, type Html, type Value } from '../html.js';
import { formError } from '../layout.js';
import type { SectionId, SectionRequest, SectionState } from './setup.js';

export function stateFor(state: SectionState | undefined, section: SectionId): Partial<SectionState> {
  return state?.section === section ? state : {};
}

export function sectionBox(id: SectionId, title: string, content: Html): Html {
  return html`<section id="${id}" class="panel" aria-labelledby="${id}-title">
    <h2 id="${id}-title">${title}</h2>
    ${content}
  </section>`;
}

/** Attributes of every setup form and button: post, then swap the whole setup area. */
export function posts(ctx: PageContext, path: string): Html {
  return html`hx-post="${ctx.base}/ui/setup/${path}" hx-target="#setup" hx-swap="outerHTML"`;
}

export function notice(success: string): Html {
  return html`<p class="success" role="status">${success}</p>`;
}

/** A section's entries, one row each with its actions last; each cell carries its column's name for phones. */
export function entryTable<T>(o: {
  entries: readonly T[];
  /** What the section says while it has no entry. */
  none: string;
  columns: readonly string[];
  actionsTitle: 'Action' | 'Actions';
  cells: (entry: T) => readonly Value[];
  actions: (entry: T) => Html;
}): Html {
  if (o.entries.length === 0) return html`<p class="muted">${o.none}</p>`;
  return html`<table class="stack">
    <thead>
      <tr>
        ${o.columns.map((column) => html`<th>${column}</th>`)}
        <th><span class="muted">${o.actionsTitle}</span></th>
      </tr>
    </thead>
    <tbody>
      ${o.entries.map(
        (entry) =>
          html`<tr>
            ${o.cells(entry).map((cell, i) => html`<td data-label="${o.columns[i]}">${cell}</td>`)}
            <td>${o.actions(entry)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** An entry's Delete button: asks first, then posts `<section>/<id>/delete` (see `deleteRequest`). */
export function deleteButton(
  ctx: PageContext,
  section: SectionId,
  id: number,
  o: { confirm: string; label: string },
): Html {
  return html`<button
    type="button"
    class="danger"
    ${posts(ctx, `${section}/${id}/delete`)}
    hx-confirm="${o.confirm}"
    aria-label="${o.label}"
  >
    Delete
  </button>`;
}

/** An entry's Test button: its answer takes seconds, so it goes into the entry's own `target` only. */
export function testButton(
  ctx: PageContext,
  section: SectionId,
  id: number,
  o: { target: string; label: string },
): Html {
  return html`<button
    type="button"
    class="secondary"
    hx-post="${ctx.base}/ui/setup/${section}/${id}/test"
    hx-target="#${o.target}"
    hx-swap="innerHTML"
    aria-label="${o.label}"
  >
    Test
  </button>`;
}

/**
 * A section's "Add a …" form, posting to the section: the API's error or the last success above the
 * fields, the submit button below them.
 */
export function addForm(
  ctx: PageContext,
  o: {
    section: SectionId;
    title: string;
    /** The form's accessible name when it says more than the title. */
    label?: string;
    submit: string;
    error: ApiError | undefined;
    notice: Html | undefined;
  },
  fields: Html,
): Html {
  return html`<form ${posts(ctx, o.section)} aria-label="${o.label ?? o.title}">
    <h3>${o.title}</h3>
    ${formError(o.error)}${o.notice ?? ''} ${fields}
    <button type="submit">${o.submit}</button>
  </form>`;
}

/** What a section shows once the API answered: the success notice, or the API's error over the fields as typed. */
export function outcome(
  section: SectionId,
  answer: ApiAnswer<unknown>,
  done: string,
  typed?: FormBody,
): SectionState {
  if (answer.ok) return { section, notice: notice(done) };
  return { section, ...(typed !== undefined && { body: typed }), error: answer.error };
}

/** Deletes the entry `<id>` of the section's API collection, which bears the section's name. */
export function deleteRequest(section: SectionId, done: string): SectionRequest {
  return async (deps, request, _body, id) => {
    const answer = await callApi(
      deps,
      request,
      'DELETE',
      `/api/v1/${section}/${encodeURIComponent(id ?? '')}`,
    );
    return outcome(section, answer, done);
  };
}
