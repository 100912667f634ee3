import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

// electron-builder's own loader and schema: the packaging config is checked here without packaging anything.
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, path: string | null, extra: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it('matches electron-builder’s schema', async () => {
    const config = await getConfig(process.cwd(), 'electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('flips the security fuses but keeps the inspector Playwright needs', async () => {
    const config = (await getConfig(process.cwd(), 'electron-builder.yml', null)) as {
      electronFuses: Record<string, boolean>;
    };
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      enableNodeCliInspectArguments: true,
    });
  });

  it('ships an allowlist, unpacks native modules and pins Electron', async () => {
    const config = (await getConfig(process.cwd(), 'electron-builder.yml', null)) as Record<
      string,
      unknown
    > & {
      deb: { depends: string[] };
      mac: { hardenedRuntime: boolean; entitlements: string };
    };
    // The loader normalises `files` into file sets.
    const files = (config.files as { filter: string[] }[]).flatMap((set) => set.filter);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/electron/**', 'dist/renderer/**']));
    expect(files).not.toContain('**/*');
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.electronVersion).toBe('45.5.0');
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(existsSync(config.mac.entitlements)).toBe(true);
  });
});
