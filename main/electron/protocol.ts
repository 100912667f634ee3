import type { Protocol } from 'electron';
import { resolve } from 'node:path';
import { readStatic } from '../shared/static-files';
import { APP_HOST, APP_SCHEME, parseUrl } from './trusted-url';
import { SECURITY_HEADERS } from './security';

/**
 * `app://mergedesk/` serves the built renderer. A standard, secure scheme gives the page a real origin (so the
 * IPC router can check it), module scripts and a secure context, without the extra powers `file://` carries.
 * Must be called before the app is ready.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));
}

/**
 * Answers one app:// request from `rendererDir`: GET only (the renderer never needs more), our host only, never a
 * file outside the folder (the traversal guard lives in readStatic), every response with the CSP.
 */
export async function serveAppRequest(
  rendererDir: string,
  request: Pick<Request, 'method' | 'url'>,
): Promise<Response> {
  const url = parseUrl(request.url);
  if (request.method !== 'GET') return plain(405, 'Method not allowed.');
  if (
    !url ||
    url.protocol !== `${APP_SCHEME}:` ||
    url.hostname.toLowerCase() !== APP_HOST ||
    url.username ||
    url.password
  ) {
    return plain(404, 'Not found.');
  }
  const file = await readStatic(resolve(rendererDir), url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file) return plain(404, 'Not found.');
  return new Response(new Uint8Array(file.body), {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Cache-Control': 'no-cache' },
  });
}

function plain(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
