// A recording stand-in for the parts of Electron the main process uses. It lets a test run the real, built main
// process: every call is logged, the window "loads" its page through the registered app:// handler and calls the
// core through the registered IPC handler, then the report is written to FAKE_ELECTRON_REPORT and the process exits.
import { EventEmitter } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';

const report = { calls: [], page: null };
const log = (name, data) => report.calls.push(data === undefined ? { name } : { name, data });
let isReady = false;
let resolveReady;
const ready = new Promise((r) => (resolveReady = r));
let protocolHandler;
const ipcHandlers = {};

function finish(code) {
  writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(report, null, 2));
  process.exit(code);
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  setName(name) {
    log('app.setName', name);
  }
  setPath(key, value) {
    log('app.setPath', [key, value]);
  }
  getPath() {
    return process.env.FAKE_USER_DATA;
  }
  enableSandbox() {
    log('app.enableSandbox', { beforeReady: !isReady });
  }
  requestSingleInstanceLock() {
    log('app.requestSingleInstanceLock', { beforeReady: !isReady });
    return process.env.FAKE_SECOND_INSTANCE !== '1';
  }
  whenReady() {
    return ready;
  }
  quit() {
    log('app.quit');
    finish(0);
  }
  exit(code) {
    log('app.exit', code);
    finish(code);
  }
}

export const app = new FakeApp();

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    log('protocol.registerSchemesAsPrivileged', { schemes, beforeReady: !isReady });
  },
  handle(scheme, handler) {
    log('protocol.handle', scheme);
    protocolHandler = handler;
  },
};

const handlerSetter = (name) => () => log(name);
export const session = {
  defaultSession: {
    setPermissionRequestHandler: handlerSetter('session.setPermissionRequestHandler'),
    setPermissionCheckHandler: handlerSetter('session.setPermissionCheckHandler'),
    setDevicePermissionHandler: handlerSetter('session.setDevicePermissionHandler'),
    webRequest: {
      onBeforeRequest: handlerSetter('session.webRequest.onBeforeRequest'),
      onHeadersReceived: handlerSetter('session.webRequest.onHeadersReceived'),
    },
  },
};

export const ipcMain = {
  handle(channel, handler) {
    log('ipcMain.handle', channel);
    ipcHandlers[channel] = handler;
  },
  removeHandler(channel) {
    delete ipcHandlers[channel];
  },
};

export const safeStorage = {
  isAsyncEncryptionAvailable: async () => true,
  getSelectedStorageBackend: () => process.env.FAKE_KEYCHAIN ?? 'gnome_libsecret',
  encryptStringAsync: async (text) => Buffer.from(text, 'utf8').reverse(),
  decryptStringAsync: async (buf) => ({
    result: Buffer.from(buf).reverse().toString('utf8'),
    shouldReEncrypt: false,
  }),
};

export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu(menu) {
    log(
      'Menu.setApplicationMenu',
      menu.template.map((item) => item.label ?? item.role),
    );
  },
};

export const shell = { openExternal: async () => undefined, openPath: async () => '' };

export const dialog = {
  showErrorBox(title, message) {
    log('dialog.showErrorBox', [title, message]);
  },
};

class FakeContents extends EventEmitter {
  sent = [];
  windowOpenHandler;
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return false;
  }
  send(channel, payload) {
    this.sent.push({ channel, payload });
  }
  getURL() {
    return '';
  }
  executeJavaScript() {
    return Promise.resolve();
  }
  /** Emits an Electron-style event; true when a listener called preventDefault. */
  fire(name, url) {
    let prevented = false;
    this.emit(name, { url, isMainFrame: true, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static all = [];
  static getAllWindows() {
    return BrowserWindow.all;
  }
  constructor(options) {
    super();
    const prefs = options.webPreferences;
    log('new BrowserWindow', {
      minWidth: options.minWidth,
      show: options.show,
      webPreferences: prefs,
      preloadExists: existsSync(prefs.preload),
    });
    this.webContents = new FakeContents();
    BrowserWindow.all.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  isMinimized() {
    return false;
  }
  focus() {}
  restore() {}
  show() {}
  async loadURL(url) {
    log('BrowserWindow.loadURL', url);
    const page = await protocolHandler(new Request(url));
    const invoke = ipcHandlers['mergedesk:invoke'];
    const asWindow = { senderFrame: { url, parent: null }, sender: this.webContents };
    const asStranger = {
      senderFrame: { url: 'https://evil.example/', parent: null },
      sender: this.webContents,
    };
    report.page = {
      status: page.status,
      csp: page.headers.get('content-security-policy'),
      html: (await page.text()).slice(0, 200),
      info: await invoke(asWindow, { method: 'app/info', input: {} }),
      fromStranger: await invoke(asStranger, { method: 'app/info', input: {} }),
      navigationToWebPrevented: this.webContents.fire('will-navigate', 'https://evil.example/'),
      newWindow: this.webContents.windowOpenHandler?.({ url: 'https://example.org/' }),
    };
    app.emit('will-quit');
    finish(0);
  }
}

// Electron becomes ready after the main module's top-level code has run.
setTimeout(() => {
  isReady = true;
  resolveReady();
}, 0);
