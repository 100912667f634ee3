import { describe, expect, it } from 'vitest';
import { hasValidToken, isAllowedHost, isAllowedOrigin } from '../../../main/web/request-guard';

describe('web host request guard', () => {
  it('accepts only our loopback Host on our port', () => {
    expect(isAllowedHost('127.0.0.1:5000', 5000)).toBe(true);
    expect(isAllowedHost('localhost:5000', 5000)).toBe(true);
    expect(isAllowedHost('127.0.0.1:5001', 5000)).toBe(false);
    expect(isAllowedHost('evil.example:5000', 5000)).toBe(false);
    expect(isAllowedHost(undefined, 5000)).toBe(false);
  });

  it('accepts a missing Origin or our own, refuses others and malformed ones', () => {
    expect(isAllowedOrigin(undefined, 5000)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:5000', 5000)).toBe(true);
    expect(isAllowedOrigin('http://evil.example', 5000)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:5000', 5000)).toBe(false);
    expect(isAllowedOrigin('null', 5000)).toBe(false);
  });

  it('compares the bearer token exactly', () => {
    expect(hasValidToken('Bearer abc', 'abc')).toBe(true);
    expect(hasValidToken('Bearer abd', 'abc')).toBe(false);
    expect(hasValidToken('Bearer ab', 'abc')).toBe(false);
    expect(hasValidToken('abc', 'abc')).toBe(false);
    expect(hasValidToken(undefined, 'abc')).toBe(false);
  });
});
