import { AppError } from '../../domain/errors';
import { isLoopbackHost } from '../../net/secure-url';

export { isLoopbackHost };

/**
 * The site address the user typed, reduced to `scheme://host[:port][/path]` without a trailing slash or `/wp-json`.
 * Application Passwords are sent with every request, so plain http is refused except on this computer.
 */
export function normaliseSiteUrl(input: string): string {
  const trimmed = input.trim();
  if (!trimmed)
    throw new AppError('INVALID_INPUT', 'Enter the WordPress site address, e.g. https://example.com.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    throw new AppError('INVALID_INPUT', `"${trimmed.slice(0, 200)}" is not a web address.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('INVALID_INPUT', `The site address must start with https:// (got ${url.protocol}).`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new AppError(
      'INVALID_INPUT',
      `Refusing plain http:// for ${url.hostname}: the Application Password would travel unencrypted. ` +
        'Use the https:// address of the site.',
    );
  }
  if (url.username || url.password) {
    throw new AppError(
      'INVALID_INPUT',
      'Put the username and Application Password in their own fields, not in the address.',
    );
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/wp-json$/, '');
  return `${url.protocol}//${url.host}${path}`;
}
