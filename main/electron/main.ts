// The desktop host. The core (SQLite cache, credentials, HTTP clients) is opened here in the main process, which
// is the only place safeStorage exists and the only process that ever sees a secret; CPU-heavy detection runs in
// worker threads started by the core, so the window stays responsive. The renderer reaches the core only through
// the validated IPC router.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Core } from '../../app/api/core';
import { AppError, toErrorShape } from '../../app/domain/errors';
import { openCore } from '../shared/open-core';
import { rendererDir } from '../shared/paths';
import { parseElectronArgs } from './args';
import { forwardEvents, registerIpc } from './ipc';
import { buildMenuTemplate } from './menu';
import { safeOpenExternal } from './open-external';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { chooseSecretStore } from './safe-storage-secret-store';
import { hardenSession, installContentsGuards, secureWebPreferences } from './security';
import { APP_ENTRY_URL } from './trusted-url';
import { askBeforeDroppingEdits } from './unload-prompt';

const here = dirname(fileURLToPath(import.meta.url));
const args = parseElectronArgs(process.argv.slice(1));

app.setName('Mergedesk');
// A separate profile (window state, single-instance lock) for tests and portable set-ups.
if (process.env.MERGEDESK_USER_DATA) app.setPath('userData', resolve(process.env.MERGEDESK_USER_DATA));
// Before `ready`: the scheme must be privileged before any session exists, and every renderer is sandboxed.
registerAppScheme(protocol);
app.enableSandbox();

let core: Core | undefined;
let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  // Another window already owns this user-data folder (and its workspace): hand over to it and leave.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  installContentsGuards(app, { openExternal: (url) => void safeOpenExternal(shell, url) });
  app.whenReady().then(start, fail);
}

function workspaceDir(): string {
  if (args.workspace) return resolve(args.workspace);
  if (process.env.MERGEDESK_HOME) return resolve(process.env.MERGEDESK_HOME);
  return join(app.getPath('userData'), 'workspaces', 'default');
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  const renderer = rendererDir();
  if (!existsSync(join(renderer, 'index.html'))) {
    throw new AppError(
      'NOT_FOUND',
      `The user interface has not been built (${renderer} is missing). Run \`npm run build\`.`,
    );
  }
  handleAppProtocol(protocol, renderer);

  const dir = workspaceDir();
  const secrets = await chooseSecretStore(dir, safeStorage);
  if (secrets.fallbackReason) {
    process.stderr.write(`mergedesk: ${secrets.fallbackReason} Credentials use the encrypted file store.\n`);
  }
  core = openCore({
    host: 'electron',
    workspace: dir,
    secrets: secrets.store,
    // The renderer never names a file: the user chooses one in the system dialog, opened here in the main process.
    pickFile: async ({ title, extensions }) => {
      const options = {
        title,
        properties: ['openFile' as const],
        filters: [{ name: 'CSV files', extensions: [...extensions] }],
      };
      const window = mainWindow ?? BrowserWindow.getAllWindows()[0];
      const chosen = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
    },
  });
  const openedCore = core;

  registerIpc(ipcMain, {
    core: openedCore,
    // Playwright can report an empty senderFrame.url; only an unpackaged test run may fall back to the page URL.
    allowSenderUrlFallback: !app.isPackaged && process.env.MERGEDESK_E2E === '1',
  });
  forwardEvents(openedCore, () => BrowserWindow.getAllWindows().map((w) => w.webContents));

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        showScreen: (screen) => runInWindow(`location.hash = ${JSON.stringify(`#/${screen}`)}`),
        showShortcuts: () => runInWindow(`window.dispatchEvent(new Event('mergedesk:shortcuts'))`),
        openWorkspaceFolder: () => void shell.openPath(dir),
      }),
    ),
  );

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Mergedesk',
    backgroundColor: '#f5f6f8',
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  mainWindow = window;
  askBeforeDroppingEdits(window, dialog);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  void window.loadURL(APP_ENTRY_URL);
}

/** Runs a fixed snippet (never user input) in the page: menu commands that the renderer's router understands. */
function runInWindow(code: string): void {
  const window = mainWindow ?? BrowserWindow.getAllWindows()[0];
  if (window && !window.webContents.isDestroyed()) void window.webContents.executeJavaScript(code);
}

function fail(error: unknown): void {
  const { message } = toErrorShape(error);
  process.stderr.write(`mergedesk: ${message}\n`);
  dialog.showErrorBox('Mergedesk could not start', message);
  app.exit(1);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  core?.close();
  core = undefined;
});
