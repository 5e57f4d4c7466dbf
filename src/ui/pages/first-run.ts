/**
 * The first-run guide, shown on the dashboard while no Kodi is configured: from "add your Kodi" to
 * "connect Radarr/Sonarr", with the webhook URLs and the API key behind copy buttons. The key is never in
 * the page: "Show and copy" fetches it with the signed-in session (POST /ui/api-key).
 */
import type { FastifyRequest } from 'fastify';
import { listLibraries, listPathMappings, listPlayerGroups } from '../../store/index.js';
import type { PageContext, UiDeps } from '../deps.js';
import { html, type Html } from '../html.js';

function done(ok: boolean): Html {
  return ok ? html` <span class="badge ok">done</span>` : html``;
}

export async function firstRunGuide(deps: UiDeps, ctx: PageContext, request: FastifyRequest): Promise<Html> {
  const db = deps.store.db;
  const [libraries, groups, mappings] = await Promise.all([
    listLibraries(db),
    listPlayerGroups(db),
    listPathMappings(db),
  ]);
  const origin = `${request.protocol}://${request.headers.host ?? 'localhost'}`;
  const webhook = (source: string) => `${origin}${ctx.base}/api/v1/webhooks/${source}`;
  const demoHint = deps.demo().hint;
  return html`<section class="panel" aria-labelledby="guide-title">
    <h2 id="guide-title">Set up Kodi Sync</h2>
    <p>
      No Kodi is configured yet. Five steps, each checked as you
      go.${demoHint !== undefined ? html` To look around first, restart with <code>--demo auto</code> for two simulated Kodis.` : ''}
    </p>
    <ol class="steps">
      <li>
        <strong>Let Kodi be controlled.</strong> In Kodi: Settings › Services › Control — turn on
        <em>Allow remote control via HTTP</em> (note the port, usually 8080, and set a user name and password)
        and <em>Allow remote control from applications on other systems</em> (WebSocket, port 9090).
      </li>
      <li>
        <strong>Add your library.</strong> The folder your manager (Radarr, Sonarr) publishes to, as the
        manager sees it.${done(libraries.length > 0)}
        <a href="${ctx.base}/setup#libraries">Setup › Libraries</a>
      </li>
      <li>
        <strong>Add your Kodi</strong> to a group (one group per Kodi library; Kodis sharing one MySQL/MariaDB
        library go in one group), then press <em>Test</em>: it checks the connection, the login, the
        WebSocket, the version and Kodi's video
        sources.${groups.length > 0 ? html` <span class="badge ok">group added</span>` : ''}
        <a href="${ctx.base}/setup#players">Setup › Kodis</a>
      </li>
      <li>
        <strong>Map the paths</strong>: the manager's folder → the same folder as Kodi sees it
        (<code>/mnt/…</code>, <code>smb://…</code>, <code>nfs://…</code>), and test a
        path.${done(mappings.length > 0)} <a href="${ctx.base}/setup#mappings">Setup › Path mappings</a>
      </li>
      <li>
        <strong>Connect Radarr and Sonarr.</strong> In each: Settings › Connect › + › Webhook, method POST,
        events <em>On Import</em>, <em>On Upgrade</em>, <em>On Rename</em> and the deletes; leave the user
        name empty and put the API key in the password field.
        <div class="field">
          <label for="guide-radarr">Radarr webhook URL</label>
          <div class="key-row">
            <input id="guide-radarr" readonly value="${webhook('radarr')}" /><button
              type="button"
              class="secondary"
              data-copy="guide-radarr"
            >
              Copy
            </button>
          </div>
        </div>
        <div class="field">
          <label for="guide-sonarr">Sonarr webhook URL</label>
          <div class="key-row">
            <input id="guide-sonarr" readonly value="${webhook('sonarr')}" /><button
              type="button"
              class="secondary"
              data-copy="guide-sonarr"
            >
              Copy
            </button>
          </div>
        </div>
        <div class="field">
          <label for="guide-key">API key (password)</label>
          <div class="key-row">
            <input
              id="guide-key"
              type="password"
              readonly
              value=""
              placeholder="hidden until you ask"
            /><button type="button" class="secondary" data-reveal-key="guide-key">Show and copy</button>
          </div>
        </div>
      </li>
    </ol>
  </section>`;
}
