import { defineConfig } from 'vitest/config';

// Two projects: `fast` (unit + integration against the simulator and the local databases) runs files
// in parallel; `real-kodi` drives real headless Kodi instances, which each eat a CPU core, so its files
// run one at a time.
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
    ],
  },
});
