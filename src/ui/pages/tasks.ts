/**
 * Tasks: the seed's warning before the library Clean, per group the clean's dry run with the guard's verdict and
 * the drift report with Repair (library-ops.ts), and the scheduled tasks with their last runs.
 */
import { Cron } from 'croner';
import type { ApiApp } from '../../api/app.js';
import { listPlayerGroups, listScheduledTasks, listTaskRuns } from '../../store/index.js';
import type { PageContext, UiDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { ago, page } from '../layout.js';
import { contextOf, sendHtml } from '../respond.js';
import { libraryOperationsPanel, registerLibraryOperationFragments } from './library-ops.js';

/** The seed's words (kodi-sync-design.md, "Scheduled VideoLibrary.Clean"). */
export const CLEAN_WARNING =
  '⚠️ This will remove ALL missing files from Kodi. Ensure NAS is mounted and path mappings are correct.';

function nextRun(cron: string, timezone: string, enabled: boolean): number | null {
  if (!enabled) return null;
  return new Cron(cron, { paused: true, timezone }).nextRun()?.getTime() ?? null;
}

async function tasksPage(deps: UiDeps, ctx: PageContext): Promise<Html> {
  const db = deps.store.db;
  const [tasks, groups] = await Promise.all([listScheduledTasks(db), listPlayerGroups(db)]);
  const groupName = (id: number | null) =>
    id === null ? 'every group' : (groups.find((g) => g.id === id)?.name ?? `#${id}`);
  const rows = await Promise.all(
    tasks.map(async (t) => ({ task: t, runs: await listTaskRuns(db, t.id, 5) })),
  );
  return page(
    ctx,
    'Tasks',
    html`<section class="panel" aria-labelledby="clean-title">
        <h2 id="clean-title">Library clean</h2>
        <p class="callout" role="note">
          <strong>${CLEAN_WARNING}</strong> A clean is off by default for every group.
        </p>
        <p>
          The dry run lists the entries Kodi itself cannot reach now and says whether the guard would let a
          clean run: every Kodi idle, every source root listable and not empty (and holding its anchor file,
          if set), the dry run within the limits. It removes nothing. The drift report compares what your
          managers published with Kodi's library; Repair queues ordinary sync jobs and never removes an entry
          Kodi Sync does not know.
        </p>
        ${groups.map((g) => libraryOperationsPanel(ctx, g))}
      </section>
      <h2>Scheduled tasks</h2>
      ${
        rows.length === 0
          ? html`<p class="muted">
              No scheduled task. Tasks are created through the API (<code>POST /api/v1/tasks</code>).
            </p>`
          : html`<table class="stack">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Kind</th>
                  <th>Group</th>
                  <th>Schedule</th>
                  <th>Enabled</th>
                  <th>Next run</th>
                  <th>Last runs</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  ({ task, runs }) =>
                    html`<tr>
                      <td data-label="Name">${task.name}</td>
                      <td data-label="Kind">
                        ${task.kind}${task.kind === 'clean' ? html` <span class="badge warn">removes entries</span>` : ''}
                      </td>
                      <td data-label="Group">${groupName(task.groupId)}</td>
                      <td data-label="Schedule"><code>${task.cron}</code> ${task.timezone}</td>
                      <td data-label="Enabled">${task.enabled ? 'yes' : 'no'}</td>
                      <td data-label="Next run">
                        ${task.enabled ? ago(nextRun(task.cron, task.timezone, task.enabled)) : '—'}
                      </td>
                      <td data-label="Last runs">
                        ${runs.length === 0 ? html`<span class="muted">none</span>` : runs.map((r) => html`<div>${ago(r.startedAt)}: ${r.outcome ?? 'running'}</div>`)}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`,
  );
}

export function registerTaskPages(app: ApiApp, deps: UiDeps): void {
  registerLibraryOperationFragments(app, deps);
  app.get('/tasks', { config: { auth: 'page' }, schema: { hide: true } }, async (request, reply) =>
    sendHtml(reply, await tasksPage(deps, contextOf(deps, request))),
  );
}
