/**
 * The clean guard's refusal reasons, one row per reason, each arranged on a simulated Kodi (its own source roots on
 * disk) and judged by the product's dry run: what would make a real clean refuse, and nothing else.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CleanSettings } from '../../src/library/clean.js';
import type { RefusalCode } from '../../src/library/guard.js';
import { createLibraryOperations } from '../../src/library/operations.js';
import { setGroupLibraries } from '../../src/store/index.js';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import type { WrittenMovie } from '../fixtures/kodi-under-test.js';
import { memberClient, must, startRig, type Rig } from './sync-rig.js';

interface Row {
  name: string;
  settings?: CleanSettings;
  arrange(bed: { kodi: SimulatedKodi; rig: Rig; movies: WrittenMovie[] }): Promise<void>;
  refusals: RefusalCode[];
}

const dropFiles = async (movies: WrittenMovie[], n: number) => {
  for (const m of movies.slice(0, n)) await rm(m.file);
};

const rows: Row[] = [
  { name: 'every root listable and full, nothing unreachable', arrange: async () => {}, refusals: [] },
  {
    name: 'two of twenty unreachable, within 20 items and 10 %',
    settings: { maxPercent: 10 },
    arrange: ({ movies }) => dropFiles(movies, 2),
    refusals: [],
  },
  {
    name: 'the movies root cannot be listed (renamed away: a share offline)',
    arrange: async ({ kodi }) => {
      await rename(kodi.moviesRoot, `${kodi.moviesRoot.replace(/\/$/, '')}.offline`);
    },
    refusals: ['root-unlistable'],
  },
  {
    name: 'the movies root is empty (an unmounted share behind its mount point)',
    arrange: async ({ kodi }) => {
      const away = `${kodi.moviesRoot.replace(/\/$/, '')}.offline/`;
      await rename(kodi.moviesRoot, away);
      await mkdir(kodi.moviesRoot);
    },
    refusals: ['root-empty'],
  },
  {
    name: 'the anchor file is missing in the movies root',
    settings: { anchorFile: 'anchor.txt' },
    arrange: async ({ kodi }) => writeFile(join(kodi.tvRoot, 'anchor.txt'), ''),
    refusals: ['anchor-missing'],
  },
  {
    name: 'the anchor file is present in every root',
    settings: { anchorFile: 'anchor.txt' },
    arrange: async ({ kodi }) => {
      await writeFile(join(kodi.tvRoot, 'anchor.txt'), '');
      await writeFile(join(kodi.moviesRoot, 'anchor.txt'), '');
    },
    refusals: [],
  },
  {
    name: 'more unreachable entries than maxItems',
    settings: { maxItems: 2, maxPercent: 100 },
    arrange: ({ movies }) => dropFiles(movies, 3),
    refusals: ['over-item-limit'],
  },
  {
    name: 'a larger share of the library than maxPercent (default 5 %)',
    arrange: ({ movies }) => dropFiles(movies, 2),
    refusals: ['over-percent-limit'],
  },
  {
    name: 'the group serves no library',
    arrange: async ({ rig }) => setGroupLibraries(rig.store.db, must(rig.groupIds[0], 'a group'), []),
    refusals: ['no-roots'],
  },
];

describe('the clean guard (simulator)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  for (const row of rows) {
    it(`${row.name} → ${row.refusals.length === 0 ? 'passes' : `refused: ${row.refusals.join(', ')}`}`, async () => {
      const kodi = await startSimulatedKodi();
      cleanup.push(() => kodi.stop());
      const rig = await startRig({
        moviesRoot: kodi.moviesRoot,
        tvRoot: kodi.tvRoot,
        groups: [{ name: 'Den', members: [{ ...kodi.endpoint, name: 'den' }] }],
      });
      cleanup.push(() => rig.close());
      const client = await memberClient(rig);
      const movies: WrittenMovie[] = [];
      for (let i = 1; i <= 20; i++)
        movies.push(await kodi.writeMovie({ title: `Guard ${i}`, year: 2000 + i }));
      await kodi.writeEpisode({ show: 'Keeper', season: 1, episode: 1 });
      await client.scan();
      for (let i = 0; i < 200 && (await client.getMovies()).movies.length < 20; i++)
        await new Promise((r) => setTimeout(r, 25));
      await row.arrange({ kodi, rig, movies });
      const ops = createLibraryOperations({
        db: rig.store.db,
        store: rig.syncStore,
        clientFor: (p) => rig.pool.acquire(p),
        queue: rig.queue,
      });
      const preview = await ops.previewClean(must(rig.groupIds[0], 'a group'), row.settings);
      expect(preview.members.flatMap((m) => m.refusals.map((r) => r.code))).toEqual(row.refusals);
      expect(preview.wouldRun).toBe(row.refusals.length === 0);
    });
  }
});
