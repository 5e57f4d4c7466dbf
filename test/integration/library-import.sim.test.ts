/**
 * Import on day one: a library that exists on disk and partly in Kodi is adopted without a webhook per file, and the
 * drift report then compares against it — what Kodi lacks is missing, nothing is unknown, and the repair adds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { importLibrary } from '../../src/library/import.js';
import { createLibraryOperations } from '../../src/library/operations.js';
import { getLibrary } from '../../src/store/index.js';
import { startSimulatedKodi } from '../fixtures/sim-kodi.js';
import { memberClient, must, startRig } from './sync-rig.js';

describe('items import (simulator)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('an existing library is adopted: drift then lists exactly what Kodi lacks, and the repair adds it', async () => {
    const kodi = await startSimulatedKodi();
    cleanup.push(() => kodi.stop());
    const rig = await startRig({
      moviesRoot: kodi.moviesRoot,
      tvRoot: kodi.tvRoot,
      groups: [{ name: 'Den', members: [{ ...kodi.endpoint, name: 'den' }] }],
    });
    cleanup.push(() => rig.close());
    const client = await memberClient(rig);
    const inKodi = [
      await kodi.writeMovie({ title: 'Adopted One', year: 2001 }),
      await kodi.writeMovie({ title: 'Adopted Two', year: 2002 }),
    ];
    const episode = await kodi.writeEpisode({ show: 'Adopted Show', season: 2, episode: 5 });
    await client.scan();
    for (let i = 0; i < 200 && (await client.getMovies()).movies.length < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    const notYet = await kodi.writeMovie({ title: 'Not In Kodi Yet', year: 2003 });

    const movies = await importLibrary(rig.store.db, await getLibrary(rig.store.db, rig.moviesLibraryId));
    const tv = await importLibrary(rig.store.db, await getLibrary(rig.store.db, rig.tvLibraryId));
    expect(movies).toMatchObject({ filesSeen: 3, recorded: 3, alreadyKnown: 0 });
    expect(tv).toMatchObject({ filesSeen: 1, recorded: 1 });
    // A second import changes nothing.
    expect(
      await importLibrary(rig.store.db, await getLibrary(rig.store.db, rig.moviesLibraryId)),
    ).toMatchObject({
      recorded: 0,
      alreadyKnown: 3,
    });

    const ops = createLibraryOperations({
      db: rig.store.db,
      store: rig.syncStore,
      clientFor: (p) => rig.pool.acquire(p),
      queue: rig.queue,
    });
    const groupId = must(rig.groupIds[0], 'a group');
    const drift = await ops.drift(groupId);
    expect(drift.missing.map((d) => d.path)).toEqual([notYet.file]);
    expect(drift.unknown).toEqual([]);
    expect(drift.itemsCompared).toBe(4);
    const { batch } = await ops.repair(groupId);
    await rig.waitForBatch(must(batch, 'a repair batch').batchId, (j) => j.state === 'succeeded');
    const files = (await client.getMovies({ properties: ['file'] })).movies.map((m) => m.file);
    expect(files.sort()).toEqual([...inKodi.map((m) => m.file), notYet.file].sort());
    expect((await ops.drift(groupId)).missing).toEqual([]);
    expect(episode.file).toMatch(/S02E05/);
  });
});
