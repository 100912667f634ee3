import { defineConfig } from 'vitest/config';

/**
 * The merge fault suites kill and fault the built CLI at every write and spend most of their time waiting on those
 * child processes, so they are a project of their own: `scripts/test.mjs` runs it beside the rest (`--project
 * merge-faults` and `--project core`), and its files run several at once. `vitest run <file>` still finds any
 * file in either project.
 */
const MERGE_FAULTS = 'test/integration/merge-faults/**/*.test.ts';

const shared = {
  environment: 'node' as const,
  setupFiles: ['test/setup/detect-in-process.ts'],
  pool: 'forks' as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          ...shared,
          name: 'core',
          include: [
            'test/unit/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/crm/**/*.test.ts',
            'test/wordpress/sandbox*.test.ts',
          ],
          exclude: [MERGE_FAULTS],
          // Most integration files wait on loopback sandboxes (rate limits, child processes): two at a time keep
          // both cores busy (the suite takes about half the time of one at a time).
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...shared,
          name: 'merge-faults',
          include: [MERGE_FAULTS],
          // Each file mostly waits for the CLI processes it starts, so three share two cores without starving.
          maxWorkers: 3,
        },
      },
    ],
  },
});
