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
