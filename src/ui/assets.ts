/**
 * The UI's static files — the stylesheet, the small live/copy script and htmx 2 from its npm package —
 * read once at start and served from memory (no build step, nothing fetched from the internet).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ApiApp } from '../api/app.js';

const require = createRequire(import.meta.url);
// Next to this module: src/ui/assets (tsx), or dist/ui/assets (`npm run build` copies them there).
const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));

interface Asset {
  type: string;
  body: string;
}

function loadAssets(): Map<string, Asset> {
  return new Map([
    ['app.css', { type: 'text/css; charset=utf-8', body: readFileSync(`${ASSETS}app.css`, 'utf8') }],
    ['app.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(`${ASSETS}app.js`, 'utf8') }],
    [
      'htmx.min.js',
      {
        type: 'text/javascript; charset=utf-8',
        body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'),
      },
    ],
  ]);
}

export function registerAssets(app: ApiApp): void {
  const assets = loadAssets();
  app.get<{ Params: { name: string } }>(
    '/ui/assets/:name',
    { config: { auth: 'none' }, schema: { hide: true } },
    (request, reply) => {
      const asset = assets.get(request.params.name);
      if (asset === undefined) return reply.code(404).type('text/plain').send('No such file.');
      return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body);
    },
  );
}
