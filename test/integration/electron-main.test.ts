import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/workspace';

const MAIN = 'dist/electron/main.mjs';
const built = existsSync(MAIN) && existsSync('dist/renderer/index.html');

interface Report {
  calls: { name: string; data?: unknown }[];
  page: {
    status: number;
    csp: string;
    html: string;
    info: { ok: boolean; data?: { host: string; workspaceDir: string; secretStorage: { backend: string } } };
    fromStranger: { ok: boolean; error?: { code: string } };
    navigationToWebPrevented: boolean;
    newWindow: { action: string };
  } | null;
}

/** Runs the built Electron main process on Node with a recording fake `electron` module. */
function runMain(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { report: Report; status: number | null; stderr: string } {
  const dir = tempDir('md-emain-');
  dirs.push(dir);
  const reportFile = join(dir, 'report.json');
  const res = spawnSync(
    process.execPath,
    ['--import', './test/helpers/fake-electron/register.mjs', MAIN, ...args],
    {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, FAKE_ELECTRON_REPORT: reportFile, FAKE_USER_DATA: join(dir, 'profile'), ...env },
    },
  );
  return {
    report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report,
    status: res.status,
    stderr: res.stderr,
  };
}
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!built)('Electron main process (built, on a fake electron module)', () => {
  it('secures the app before ready, opens the core in main and wires the window to it', () => {
    const ws = tempDir('md-emain-ws-');
    dirs.push(ws);
    const { report, status } = runMain(['--workspace', ws]);
    expect(status).toBe(0);
    const call = (name: string) => report.calls.find((c) => c.name === name);
    expect(call('protocol.registerSchemesAsPrivileged')?.data).toMatchObject({ beforeReady: true });
    expect(call('app.enableSandbox')?.data).toEqual({ beforeReady: true });
    expect(call('app.requestSingleInstanceLock')).toBeDefined();
    expect(call('session.setPermissionRequestHandler')).toBeDefined();
    expect(call('session.webRequest.onHeadersReceived')).toBeDefined();
    expect(call('ipcMain.handle')?.data).toBe('mergedesk:invoke');
    expect(call('new BrowserWindow')?.data).toMatchObject({
      minWidth: 1024,
      show: false,
      preloadExists: true,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
    expect(call('BrowserWindow.loadURL')?.data).toBe('app://mergedesk/index.html');
    expect(call('Menu.setApplicationMenu')?.data).toEqual(expect.arrayContaining(['&File', '&Go', '&View']));

    expect(report.page).toMatchObject({
      status: 200,
      navigationToWebPrevented: true,
      newWindow: { action: 'deny' },
      fromStranger: { ok: false, error: { code: 'FORBIDDEN' } },
    });
    expect(report.page?.csp).toContain("script-src 'self'");
    expect(report.page?.html).toContain('<title>Mergedesk</title>');
    expect(report.page?.info).toMatchObject({
      ok: true,
      data: {
        host: 'electron',
        workspaceDir: ws,
        secretStorage: { backend: 'safeStorage (gnome_libsecret)' },
      },
    });
    expect(existsSync(join(ws, 'mergedesk.db'))).toBe(true);
  });

  it('takes the workspace from MERGEDESK_HOME and falls back to the file store without a keychain', () => {
    const ws = tempDir('md-emain-ws-');
    dirs.push(ws);
    const { report, stderr } = runMain([], { MERGEDESK_HOME: ws, FAKE_KEYCHAIN: 'basic_text' });
    expect(report.page?.info.data).toMatchObject({
      workspaceDir: ws,
      secretStorage: { backend: 'aes-256-gcm-file' },
    });
    expect(stderr).toContain('No desktop keychain was found');
  });

  it('a second instance hands over and quits without opening anything', () => {
    const { report, status } = runMain([], { FAKE_SECOND_INSTANCE: '1' });
    expect(status).toBe(0);
    expect(report.calls.map((c) => c.name)).toContain('app.quit');
    expect(report.calls.map((c) => c.name)).not.toContain('new BrowserWindow');
  });
});
