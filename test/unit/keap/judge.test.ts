import { describe, expect, it } from 'vitest';
import { classifyRateLimit, createKeapJudge, readQuotaHeaders } from '../../../app/connectors/keap/judge';
import type { HttpRequest } from '../../../app/net/http-client';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 30);
const GET: HttpRequest = { method: 'GET', path: '/rest/v2/contacts' };
const POST: HttpRequest = { method: 'POST', path: '/rest/v2/contacts:merge' };
const QUOTA_FAULT = {
  fault: {
    faultstring: 'Rate limit quota violation. Quota limit exceeded. Identifier : abc',
    detail: { errorcode: 'policies.ratelimit.QuotaViolation' },
  },
};
const API_429 = { code: 429, message: 'Quota Exceeded', status: 'Request Throttled', details: null };

function judge() {
  const pauses: number[] = [];
  const j = createKeapJudge({ now: () => NOW, pauseUntil: (ms) => pauses.push(ms) });
  return { j, pauses };
}

describe('Keap throttle and quota headers', () => {
  it('reads product and pipe-separated tenant headers', () => {
    const q = readQuotaHeaders({
      'x-keap-product-throttle-available': '12',
      'x-keap-product-throttle-limit': '240',
      'x-keap-product-quota-available': '29000',
      'x-keap-product-quota-limit': '30000',
      'x-keap-product-quota-expiry-time': '1796083200000',
      'x-keap-tenant-throttle-time-unit': 'minute|day',
      'x-keap-tenant-throttle-available': '9999|249999',
    });
    expect(q).toMatchObject({ throttleAvailable: 12, quotaAvailable: 29000, quotaResetsAt: 1796083200000 });
    expect(q.tenantAvailable).toEqual({ minute: 9999, day: 249999 });
  });

  it('tells a spent daily quota from a throttle, for both 429 bodies', () => {
    expect(classifyRateLimit({ 'x-keap-product-quota-available': '0' }, QUOTA_FAULT, NOW)).toEqual({
      kind: 'quota',
      resetsAt: Date.UTC(2026, 11, 1),
    });
    expect(classifyRateLimit({ 'x-keap-product-quota-available': '0' }, API_429, NOW).kind).toBe('quota');
    expect(
      classifyRateLimit(
        { 'x-keap-tenant-throttle-time-unit': 'minute|day', 'x-keap-tenant-throttle-available': '5|0' },
        API_429,
        NOW,
      ).kind,
    ).toBe('quota');
    expect(
      classifyRateLimit(
        { 'x-keap-product-quota-available': '100', 'x-keap-product-throttle-available': '0' },
        QUOTA_FAULT,
        NOW,
      ),
    ).toEqual({ kind: 'throttle', window: 'minute' });
    expect(
      classifyRateLimit(
        {},
        {
          fault: {
            faultstring: 'Spike arrest violation',
            detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' },
          },
        },
        NOW,
      ),
    ).toEqual({ kind: 'throttle', window: 'second' });
    expect(classifyRateLimit({}, API_429, NOW)).toEqual({ kind: 'throttle', window: 'unknown' });
  });

  it('fails a spent quota with QUOTA_EXHAUSTED and the reset time, and pauses until then', () => {
    const { j, pauses } = judge();
    const v = j({ status: 429, headers: { 'x-keap-product-quota-available': '0' }, data: QUOTA_FAULT }, GET);
    expect(v.kind).toBe('fail');
    expect(v.kind === 'fail' && v.error.code).toBe('QUOTA_EXHAUSTED');
    expect(v.kind === 'fail' && v.error.details).toEqual({ resetsAt: '2026-12-01T00:00:00.000Z' });
    expect(pauses).toContain(Date.UTC(2026, 11, 1));
  });

  it('retries a minute throttle after the window, and pauses as soon as available hits 0 on a success', () => {
    const { j, pauses } = judge();
    const v = j(
      { status: 429, headers: { 'x-keap-product-throttle-available': '0' }, data: QUOTA_FAULT },
      GET,
    );
    expect(v).toMatchObject({ kind: 'retry', delayMs: 30_050 });
    pauses.length = 0;
    expect(
      j({ status: 200, headers: { 'x-keap-product-throttle-available': '0' }, data: { contacts: [] } }, GET),
    ).toEqual({ kind: 'ok' });
    expect(pauses).toEqual([Date.UTC(2026, 10, 30, 12, 1, 0) + 50]);
  });

  it('maps 401 to AUTH_FAILED, 404 to ok (callers return null), 409 to CONFLICT', () => {
    const { j } = judge();
    const auth = j(
      {
        status: 401,
        headers: {},
        data: {
          fault: {
            faultstring: 'Invalid Access Token',
            detail: { errorcode: 'keymanagement.service.invalid_access_token' },
          },
        },
      },
      GET,
    );
    expect(auth.kind === 'fail' && auth.error.code).toBe('AUTH_FAILED');
    expect(j({ status: 404, headers: {}, data: { code: 404 } }, GET)).toEqual({ kind: 'ok' });
    const conflict = j(
      { status: 409, headers: {}, data: { code: 409, message: 'Busy', status: 'Conflict' } },
      POST,
    );
    expect(conflict.kind === 'fail' && conflict.error.code).toBe('CONFLICT');
  });

  it('retries 5xx only when repeating is harmless, and retries a 2xx GET whose body is not JSON', () => {
    const { j } = judge();
    expect(j({ status: 503, headers: {}, data: null }, GET).kind).toBe('retry');
    const merge = j({ status: 503, headers: {}, data: null }, POST);
    expect(merge.kind === 'fail' && merge.error.code).toBe('REMOTE_ERROR');
    expect(j({ status: 200, headers: {}, data: '<html>proxy</html>' }, GET).kind).toBe('retry');
    expect(j({ status: 204, headers: {}, data: null }, { method: 'DELETE', path: '/x' }).kind).toBe('ok');
  });
});
