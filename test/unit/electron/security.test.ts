import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { App, Session, WebContents } from 'electron';
import {
  CONTENT_SECURITY_POLICY,
  decideNavigation,
  hardenSession,
  hardenWebContents,
  installContentsGuards,
  isAllowedRequestUrl,
  secureWebPreferences,
} from '../../../main/electron/security';
import { safeOpenExternal } from '../../../main/electron/open-external';

/** A stand-in for WebContents: an emitter plus the window-open handler slot. */
class FakeContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  /** Emits an Electron-style event and reports whether a listener prevented it. */
  fire(name: string, params: Record<string, unknown>): boolean {
    let prevented = false;
    this.emit(name, { ...params, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

function guarded() {
  const contents = new FakeContents();
  const openExternal = vi.fn();
  hardenWebContents(contents as unknown as WebContents, { openExternal });
  return { contents, openExternal };
}

describe('Electron security', () => {
  it('window preferences isolate, sandbox and keep Node out', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('the CSP allows only our own origin and no inline or eval code', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('decides navigation: stay in app://, send web links out, drop the rest', () => {
    expect(decideNavigation('app://mergedesk/index.html#/contacts')).toBe('allow');
    expect(decideNavigation('https://help.keap.com/')).toBe('open-externally');
    expect(decideNavigation('file:///etc/passwd')).toBe('deny');
    expect(decideNavigation('app://mergedesk.evil/')).toBe('deny');
  });

  it('blocks navigation away from the app and opens safe links externally', () => {
    const { contents, openExternal } = guarded();
    expect(contents.fire('will-navigate', { url: 'app://mergedesk/index.html' })).toBe(false);
    expect(contents.fire('will-navigate', { url: 'https://example.org/' })).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://example.org/');
    expect(contents.fire('will-navigate', { url: 'file:///etc/passwd' })).toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('blocks every redirect out of the app, sub-frame escapes and <webview>', () => {
    const { contents, openExternal } = guarded();
    expect(contents.fire('will-redirect', { url: 'https://example.org/' })).toBe(true);
    expect(contents.fire('will-redirect', { url: 'app://mergedesk/index.html' })).toBe(false);
    expect(contents.fire('will-frame-navigate', { url: 'https://example.org/', isMainFrame: false })).toBe(
      true,
    );
    expect(contents.fire('will-attach-webview', {})).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('denies every new window, handing only safe links to the browser', () => {
    const { contents, openExternal } = guarded();
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/a' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://mergedesk/index.html' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.org/a']]);
  });

  it('guards every web contents the app creates', () => {
    const app = new EventEmitter();
    installContentsGuards(app as unknown as App, { openExternal: vi.fn() });
    const contents = new FakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.fire('will-navigate', { url: 'file:///x' })).toBe(true);
    expect(contents.windowOpenHandler).toBeDefined();
  });

  it('the session denies all permissions, cancels network requests and stamps the CSP', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let device: (() => boolean) | undefined;
    let before: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
    let headers:
      | ((
          d: { responseHeaders?: Record<string, string[]> },
          cb: (r: { responseHeaders: Record<string, string | string[]> }) => void,
        ) => void)
      | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setDevicePermissionHandler: (h: typeof device) => (device = h),
      webRequest: {
        onBeforeRequest: (h: typeof before) => (before = h),
        onHeadersReceived: (h: typeof headers) => (headers = h),
      },
    };
    hardenSession(session as unknown as Session);

    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      request?.({}, permission, (ok) => granted.push(ok));
    }
    expect(granted).toEqual([false, false, false, false, false]);
    expect(check?.()).toBe(false);
    expect(device?.()).toBe(false);

    const cancelled = (url: string) => {
      let result: boolean | undefined;
      before?.({ url }, (r) => (result = r.cancel));
      return result;
    };
    expect(cancelled('app://mergedesk/assets/index.js')).toBe(false);
    expect(cancelled('https://tracker.example/pixel.gif')).toBe(true);
    expect(cancelled('ws://127.0.0.1:9229/')).toBe(true);
    expect(cancelled('file:///etc/passwd')).toBe(true);

    let stamped: Record<string, string | string[]> = {};
    headers?.(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      (r) => (stamped = r.responseHeaders),
    );
    expect(stamped['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(stamped['content-security-policy']).toBeUndefined();
    expect(stamped['X-Other']).toEqual(['1']);
  });

  it('request allowlist: app://, data: and devtools only', () => {
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(isAllowedRequestUrl('http://127.0.0.1:8080/')).toBe(false);
    expect(isAllowedRequestUrl('nonsense')).toBe(false);
  });

  it('safeOpenExternal opens only safe links, and survives a failing shell', async () => {
    const shell = { openExternal: vi.fn(async () => undefined) };
    expect(await safeOpenExternal(shell, 'https://example.org/x')).toBe(true);
    expect(await safeOpenExternal(shell, 'file:///etc/passwd')).toBe(false);
    expect(await safeOpenExternal(shell, 'javascript:alert(1)')).toBe(false);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    const broken = {
      openExternal: vi.fn(async () => {
        throw new Error('no browser');
      }),
    };
    expect(await safeOpenExternal(broken, 'https://example.org/')).toBe(false);
  });
});
