/**
 * Demo mode: two simulated Kodis (src/kodi-sim) on this machine sharing one small generated library on disk, set up
 * through the service's own REST API like a person would (libraries, two groups, players, path mappings), then a
 * publish of every demo item — so a newcomer sees jobs run, progress and verification at once.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { KodiSimulator, writeDemoLibrary, type DemoLibrary } from '../kodi-sim/index.js';
import type { ApiClient } from './api-client.js';

export const DEMO_SUFFIX = '(demo)';
const MANAGER_MOVIES = '/data/demo/movies';
const MANAGER_TV = '/data/demo/tv';

export interface RunningDemo {
  batchId: number;
  jobCount: number;
  stop(): Promise<void>;
}

interface Named {
  id: number;
  name: string;
}

/** True when the service has no Kodi configured, or only demo ones: then `demo: auto` starts the demo. */
export async function demoWanted(api: ApiClient): Promise<boolean> {
  const players = await api.get<Named[]>('/api/v1/players');
  return players.every((p) => p.name.endsWith(DEMO_SUFFIX));
}

async function findOrCreate(
  api: ApiClient,
  path: string,
  body: { name: string } & Record<string, unknown>,
): Promise<Named> {
  const existing = (await api.get<Named[]>(path)).find((r) => r.name === body.name);
  if (existing) return api.put<Named>(`${path}/${existing.id}`, body);
  return api.post<Named>(path, body);
}

export async function startDemo(api: ApiClient, dataDir: string, logger: Logger): Promise<RunningDemo> {
  const mediaDir = join(dataDir, 'demo-media');
  const sims: KodiSimulator[] = [];
  try {
    for (const room of ['Living room', 'Bedroom']) {
      sims.push(await KodiSimulator.start({ name: `${room} ${DEMO_SUFFIX}`, mediaDir }));
    }
    const first = sims[0] as KodiSimulator;
    const library = await writeDemoLibrary({ moviesRoot: first.moviesRoot, tvRoot: first.tvRoot });
    const movies = await findOrCreate(api, '/api/v1/libraries', {
      name: `Movies ${DEMO_SUFFIX}`,
      kind: 'movies',
      rootPath: MANAGER_MOVIES,
    });
    const tv = await findOrCreate(api, '/api/v1/libraries', {
      name: `TV ${DEMO_SUFFIX}`,
      kind: 'tvshows',
      rootPath: MANAGER_TV,
    });
    for (const sim of sims) {
      const name = sim.endpoint.name;
      const group = await findOrCreate(api, '/api/v1/groups', { name, libraryIds: [movies.id, tv.id] });
      await findOrCreate(api, '/api/v1/players', {
        name,
        groupId: group.id,
        host: sim.endpoint.host,
        httpPort: sim.endpoint.httpPort,
        wsPort: sim.endpoint.wsPort ?? null,
      });
      const mappings = await api.get<{ id: number; managerPrefix: string }[]>('/api/v1/mappings', {
        group: group.id,
      });
      for (const [managerPrefix, kodiPrefix] of [
        [MANAGER_MOVIES, sim.moviesRoot],
        [MANAGER_TV, sim.tvRoot],
      ] as const) {
        const existing = mappings.find((m) => m.managerPrefix === managerPrefix);
        if (existing) await api.put(`/api/v1/mappings/${existing.id}`, { kodiPrefix });
        else await api.post('/api/v1/mappings', { groupId: group.id, managerPrefix, kodiPrefix });
      }
    }
    const answer = await api.post<{ batchId: number; jobIds: number[] }>('/api/v1/items/publish', {
      items: demoItems(library, first),
    });
    logger.info(
      { batchId: answer.batchId, jobs: answer.jobIds.length, kodis: sims.map((s) => s.endpoint.name) },
      'demo mode: two simulated Kodis configured, demo library published',
    );
    return {
      batchId: answer.batchId,
      jobCount: answer.jobIds.length,
      stop: async () => {
        await Promise.all(sims.map((s) => s.stop()));
      },
    };
  } catch (error) {
    await Promise.all(sims.map((s) => s.stop()));
    throw error;
  }
}

function demoItems(library: DemoLibrary, sim: KodiSimulator): Record<string, unknown>[] {
  const movies = library.movies.map((m) => ({
    kind: 'movie',
    path: `${MANAGER_MOVIES}/${m.file.slice(sim.moviesRoot.length)}`,
    ids: { imdb: m.imdb },
    title: m.title,
    year: m.year,
  }));
  const episodes = library.episodes.map((e) => ({
    kind: 'episode',
    path: `${MANAGER_TV}/${e.file.slice(sim.tvRoot.length)}`,
    title: e.title,
    season: e.season,
    episode: e.episode,
  }));
  return [...movies, ...episodes];
}
