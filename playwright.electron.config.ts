import { defineConfig } from '@playwright/test';

/**
 * Desktop tests: Playwright's Electron driver launches the unpackaged app (`electron .`), one per test, over a
 * fresh workspace. They need an Electron binary (ELECTRON_PATH or an installed `electron` package) and a display
 * (xvfb-run on CI); without a binary every test reports itself skipped.
 */
export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.spec.ts',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/electron-results.json' }]],
  outputDir: 'test-results/electron',
});
