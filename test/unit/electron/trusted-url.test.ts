import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl, isSafeExternalUrl, parseUrl } from '../../../main/electron/trusted-url';

describe('trusted URLs', () => {
  it('recognises only the bundled renderer as the app', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://mergedesk/')).toBe(true);
    expect(isAppUrl('app://mergedesk/assets/index.js?x=1#/contacts')).toBe(true);
    expect(isAppUrl('APP://MERGEDESK/index.html')).toBe(true);
  });

  it('is not fooled by look-alikes, credentials, ports or other schemes', () => {
    for (const url of [
      'app://mergedesk.evil.example/index.html',
      'app://evil/mergedesk/index.html',
      'app://user:pw@mergedesk/index.html',
      'app://mergedesk@evil/index.html',
      'app://mergedesk:8080/index.html',
      'file:///mergedesk/index.html',
      'https://mergedesk/index.html',
      'javascript:alert(1)',
      '',
      'not a url',
      undefined,
      42,
    ]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });

  it('lets only plain http(s) links with a host go to the browser', () => {
    expect(isSafeExternalUrl('https://keap.com/pricing')).toBe(true);
    expect(isSafeExternalUrl('http://example.org')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'smb://server/share',
      'https://user:secret@example.org/',
      'app://mergedesk/index.html',
      'data:text/html,<script>alert(1)</script>',
      'https://',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('parses defensively', () => {
    expect(parseUrl('https://a.example/x')?.hostname).toBe('a.example');
    expect(parseUrl('::')).toBeNull();
    expect(parseUrl(`https://a.example/${'x'.repeat(9000)}`)).toBeNull();
    expect(parseUrl(null)).toBeNull();
  });
});
