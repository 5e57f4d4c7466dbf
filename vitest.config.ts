import { defineConfig } from 'vitest/config';

// Three projects: `fast` (unit + integration against the simulator and the local databases) runs files
// in parallel; `real-kodi` drives real headless Kodi instances, which each eat a CPU core, so its files
// run one at a time; `browser` drives Debian's Chromium through the web UI, one file at a time too.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fast',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'real-kodi',
          include: ['test/real-kodi/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
