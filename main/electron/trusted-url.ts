/**
 * Pure predicates on URLs for the Electron host. Every check parses the URL first: prefix checks such as
 * `url.startsWith('app://mergedesk')` are fooled by `app://mergedesk.evil/` or embedded credentials.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'mergedesk';
/** The renderer's origin. The scheme is registered as standard, so Chromium gives it a real origin. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True only for `app://mergedesk/...` with no credentials and no port: the bundled renderer and nothing else. */
export function isAppUrl(raw: unknown): boolean {
  const url = parseUrl(raw);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname.toLowerCase() === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * Links the app may hand to the operating system's browser: http(s) with a host name, no credentials. Anything
 * else (file:, javascript:, custom protocol handlers such as ms-msdt:) could run code outside the sandbox.
 */
export function isSafeExternalUrl(raw: unknown): boolean {
  const url = parseUrl(raw);
  return (
    url !== null &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === ''
  );
}
