import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/crm/**/*.test.ts',
      'test/wordpress/sandbox*.test.ts',
    ],
    environment: 'node',
    setupFiles: ['test/setup/detect-in-process.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
