import { defineConfig } from 'vitest/config';

// Five projects: `fast` (unit + integration against the simulator and the local databases) runs files
// in parallel; `db-restart` restarts the local PostgreSQL, so it runs alone after `fast`; `soak` is one
// accelerated hour of events and faults against the service process (scripts/test.sh runs it alone); `real-kodi`
// drives real headless Kodi instances, which each eat a CPU core, so its files run one at a time;
// `browser` drives Debian's Chromium through the web UI, one file at a time too.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fast',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          pool: 'forks',
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Restarts the machine's PostgreSQL: alone, after the fast project's files (which use that server).
        test: {
          name: 'db-restart',
          include: ['test/db-restart/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'real-kodi',
          include: ['test/real-kodi/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The soak: an accelerated hour of events and faults against the service process, alone (≤ 8 min).
        test: {
          name: 'soak',
          include: ['test/soak/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          sequence: { groupOrder: 4 },
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          sequence: { groupOrder: 3 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
