import { AppError } from '../domain/errors';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Every connector sends a credential with each request, so a server is reached over https only; plain http is
 * allowed on this computer alone (sandboxes, local test servers), where nothing travels over a network.
 */
export function assertSecureTransport(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AppError('INVALID_INPUT', `"${baseUrl.slice(0, 200)}" is not a valid URL.`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  if (url.protocol === 'http:') {
    throw new AppError(
      'INVALID_INPUT',
      `Refusing plain http:// for ${url.hostname}: the credentials would travel unencrypted. ` +
        'Use the https:// address.',
    );
  }
  throw new AppError('INVALID_INPUT', `The address must start with https:// (got ${url.protocol}).`);
}
