import { defineConfig } from 'vitest/config';

/**
 * The connector contract suite against real WordPress + MariaDB (started by `scripts/wordpress-ci.sh test`).
 * Separate from the default run because it needs PHP, MariaDB and root; the sandbox half runs in the default run.
 */
export default defineConfig({
  test: {
    include: ['test/wordpress/real-*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    setupFiles: ['test/setup/detect-in-process.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
