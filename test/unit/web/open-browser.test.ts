import { describe, expect, it } from 'vitest';
import { browserCommand } from '../../../main/web/open-browser';

describe('--open', () => {
  const url = 'http://127.0.0.1:5000/#token=a&b';
  it('uses the platform opener and keeps the URL one argument', () => {
    expect(browserCommand(url, 'linux')).toEqual({ command: 'xdg-open', args: [url] });
    expect(browserCommand(url, 'darwin')).toEqual({ command: 'open', args: [url] });
    const win = browserCommand(url, 'win32');
    expect(win.command).toBe('cmd');
    expect(win.args.at(-1)).toBe('http://127.0.0.1:5000/#token=a^&b');
  });
});
