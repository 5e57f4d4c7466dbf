/**
 * package.json `overrides` pins two transitive dependencies to their last Node 20 releases (no EBADENGINE on
 * `npm ci`, research/stack.md pitfall 2): cookie 1.1.1 under fastify's inject (light-my-request) and
 * content-disposition 2.0.1 under @fastify/static. This proves the code paths that use them still work.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The version in the package.json of the package a resolved file belongs to. */
function versionOf(file: string): string | undefined {
  for (let folder = dirname(file); folder !== dirname(folder); folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (parsed.name !== undefined) return parsed.version;
  }
  return undefined;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-overrides-'));
  await writeFile(join(dir, 'liste.txt'), 'hello');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dependencies pinned for Node 20', () => {
  it('are the pinned versions', () => {
    const require = createRequire(import.meta.url);
    const fromStatic = createRequire(require.resolve('@fastify/static'));
    const fromInject = createRequire(createRequire(require.resolve('fastify')).resolve('light-my-request'));
    expect(versionOf(fromStatic.resolve('content-disposition'))).toBe('2.0.1');
    expect(versionOf(fromInject.resolve('cookie'))).toBe('1.1.1');
  });

  it('send cookies through inject and name a UTF-8 download through @fastify/static', async () => {
    const app = Fastify();
    await app.register(fastifyStatic, { root: dir, serve: false });
    app.get('/cookie', (request) => ({ cookie: request.headers.cookie ?? null }));
    app.get('/download', (_request, reply) => reply.download('liste.txt', 'Liste für Kodi — ü.txt'));
    try {
      const cookie = await app.inject({
        method: 'GET',
        url: '/cookie',
        cookies: { session: 'a b', theme: 'dark' },
      });
      expect(cookie.json()).toEqual({ cookie: 'session=a%20b; theme=dark' });
      const download = await app.inject({ method: 'GET', url: '/download' });
      expect(download.statusCode).toBe(200);
      expect(download.body).toBe('hello');
      expect(download.headers['content-disposition']).toBe(
        `attachment; filename="Liste f?r Kodi ? ?.txt"; filename*=UTF-8''Liste%20f%C3%BCr%20Kodi%20%E2%80%94%20%C3%BC.txt`,
      );
    } finally {
      await app.close();
    }
  });
});
