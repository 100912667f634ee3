import { _electron, test as base, expect, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Electron binary to test with: ELECTRON_PATH, else the `electron` package's downloaded binary, else none. */
export function electronBinary(): string | null {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export const ELECTRON = electronBinary();
export const SKIP_REASON =
  'No Electron binary on this machine (set ELECTRON_PATH or install electron@45.5.0).';

export interface DesktopApp {
  readonly app: ElectronApplication;
  readonly window: Page;
  readonly workspace: string;
}

/** Launches the unpackaged app over a fresh workspace and profile; closes it and removes both afterwards. */
export const test = base.extend<{ desktop: DesktopApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  desktop: async ({}, use) => {
    const root = mkdtempSync(join(tmpdir(), 'md-electron-'));
    const workspace = join(root, 'workspace');
    const app = await _electron.launch({
      executablePath: ELECTRON!,
      // Chromium refuses to start as root without --no-sandbox (CI containers); renderers stay sandboxed by flags.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '.', '--workspace', workspace],
      env: {
        ...process.env,
        MERGEDESK_USER_DATA: join(root, 'profile'),
        MERGEDESK_E2E: '1',
      } as Record<string, string>,
    });
    try {
      const window = await app.firstWindow();
      await expect(window).toHaveURL(/^app:\/\/mergedesk\//);
      await use({ app, window, workspace });
    } finally {
      await app.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    }
  },
});

export { expect };
