import { timingSafeEqual } from 'node:crypto';

/**
 * Pure checks for the loopback host. A page on another site can make the browser send requests to 127.0.0.1, and
 * DNS rebinding can make such a page same-origin in name only, so every request must carry our exact Host, any
 * Origin must be ours, and API calls must carry the per-run token that only the opened URL knows.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader !== undefined && allowedHosts(port).has(hostHeader.toLowerCase());
}

export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true;
  try {
    const origin = new URL(originHeader);
    return (
      origin.protocol === 'http:' && allowedHosts(port).has(origin.host.toLowerCase()) && !origin.username
    );
  } catch {
    return false;
  }
}

export function hasValidToken(authorization: string | undefined, token: string): boolean {
  if (!authorization?.startsWith('Bearer ')) return false;
  const given = Buffer.from(authorization.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Exactly one Host header: with two, a proxy and this host could each read a different one. */
export function hasSingleHost(rawHeaders: readonly string[]): boolean {
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === 'host') hosts++;
  return hosts === 1;
}

/**
 * The path of an origin-form request target (`/api/invoke?x`), or null for anything else: absolute-form
 * (`http://host/x`, meant for proxies), authority-form, `*`, or a target that does not parse.
 */
export function requestPath(target: string | undefined): string | null {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

const TOKEN_LIKE = /^[A-Za-z0-9_~.+/=-]{20,}$/;

/**
 * What a request log may show of a target: the path without query or fragment, capped, with the session token and
 * any segment that looks like a token (long opaque strings, `token=` pairs) replaced.
 */
export function loggablePath(target: string | undefined, token: string): string {
  let path = (target ?? '/').split(/[?#]/)[0] ?? '/';
  if (token) path = path.split(token).join(':token');
  path = path
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // A malformed escape is logged as sent (its token-likeness is judged on the raw text).
      }
      return TOKEN_LIKE.test(decoded) || /token|secret|key=/i.test(decoded) ? ':redacted' : segment;
    })
    .join('/');
  path = path.replace(/[^\x21-\x7e]/g, '?');
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
