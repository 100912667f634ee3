import type { Shell } from 'electron';
import { isSafeExternalUrl } from './trusted-url';

/**
 * The only way the app hands a URL to the operating system (lint bans `shell.openExternal` elsewhere). Only http(s)
 * links with a host and no credentials pass: `file:` or exotic protocol handlers would run code outside the sandbox.
 * Returns whether the link was opened.
 */
export async function safeOpenExternal(shell: Pick<Shell, 'openExternal'>, url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  try {
    // eslint-disable-next-line no-restricted-properties -- this wrapper is the one allowed caller.
    await shell.openExternal(new URL(url).href, { activate: true });
    return true;
  } catch {
    return false;
  }
}
