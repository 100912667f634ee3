import type { App, Session, WebContents, WebPreferences } from 'electron';
import { isAppUrl, isSafeExternalUrl, parseUrl } from './trusted-url';

/**
 * The renderer needs nothing from the network: every call goes through IPC and the page, scripts and styles come
 * from app://. So the policy allows only our own origin and forbids everything else, inline code included.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every app:// response carries (the protocol handler) and every other response gets (onHeadersReceived). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** BrowserWindow preferences: isolated, sandboxed, no Node anywhere, web security on, nothing experimental. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export type NavigationDecision = 'allow' | 'open-externally' | 'deny';

/**
 * What to do when the page tries to leave: stay only within the bundled renderer; a safe web link goes to the
 * user's browser; everything else is dropped.
 */
export function decideNavigation(url: string): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  if (isSafeExternalUrl(url)) return 'open-externally';
  return 'deny';
}

/** Schemes the renderer may load subresources from; the rest (http, ws, file, ftp…) is cancelled outright. */
export function isAllowedRequestUrl(raw: string): boolean {
  const url = parseUrl(raw);
  if (!url) return false;
  if (isAppUrl(raw)) return true;
  return url.protocol === 'data:' || url.protocol === 'devtools:' || url.protocol === 'blob:';
}

export interface SecurityOptions {
  /** Opens a link in the user's browser (safeOpenExternal bound to electron.shell). */
  readonly openExternal: (url: string) => void;
}

/**
 * Guards for every web contents the app ever creates: navigation and redirects stay inside app://, new windows are
 * refused (web links open in the browser instead), and <webview> can never be attached.
 */
export function hardenWebContents(contents: WebContents, options: SecurityOptions): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    const decision = decideNavigation(url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-externally') options.openExternal(url);
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  // Sub-frames are forbidden by the CSP already; should one appear anyway it may not navigate out of app://.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !isAppUrl(event.url)) event.preventDefault();
  });
  // A redirect is never something the bundled renderer asks for, so even one to an app:// page is refused.
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) options.openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Session-wide policy: no permission is ever granted (notifications, camera, geolocation, clipboard-read, HID,
 * serial…), the CSP is added to every response, and requests to anything but app:// are cancelled.
 */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequestUrl(details.url) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string | string[]> = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(responseHeaders)) {
      if (name.toLowerCase() === 'content-security-policy') delete responseHeaders[name];
    }
    callback({ responseHeaders: { ...responseHeaders, ...SECURITY_HEADERS } });
  });
}

/** Applies the guards to every web contents as it is created, including ones nobody asked for. */
export function installContentsGuards(app: App, options: SecurityOptions): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, options));
}
