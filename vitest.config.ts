import { defineConfig } from 'vitest/config';

/**
 * Suites that start, kill or fault child processes (the built CLI, helper scripts) spend most of their time waiting
 * on them, so they are a project of their own: `scripts/test.mjs` runs it beside the rest (`--project processes`
 * and `--project core`), and its files run several at once. `vitest run <file>` still finds any file in either
 * project.
 */
const PROCESS_SUITES = [
  // Every write of a merge killed (kill -9) or faulted, Keap and ActiveCampaign.
  'test/integration/merge-faults/**/*.test.ts',
  'test/integration/merge/kill.test.ts',
  // A sync killed mid-way, and resumed.
  'test/integration/keap/resilience.test.ts',
  // The built CLI, run as a user runs it.
  'test/integration/cli.test.ts',
  'test/integration/detect-cli.test.ts',
  'test/integration/keap/cli-keap.test.ts',
  'test/integration/keap/cli-oauth.test.ts',
  'test/integration/wordpress/cli-wordpress.test.ts',
  'test/integration/sandbox-owner.test.ts',
  'test/integration/concurrent-writers.test.ts',
];

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
          exclude: PROCESS_SUITES,
          // Most integration files wait on loopback sandboxes (rate limits, child processes): two at a time keep
          // both cores busy (the suite takes about half the time of one at a time).
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...shared,
          name: 'processes',
          include: PROCESS_SUITES,
          // Each file mostly waits for the processes it starts, so three share two cores without starving.
          maxWorkers: 3,
        },
      },
    ],
  },
});
