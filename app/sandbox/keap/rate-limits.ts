/**
 * Keap's per-credential limits as fixed calendar windows (second, minute, UTC day), plus a tenant-wide throttle
 * reported in the pipe form Keap uses. The clock is injected so tests can cross midnight without waiting.
 */
export interface KeapLimits {
  readonly perSecond: number;
  readonly perMinute: number;
  readonly perDay: number;
  readonly tenantPerMinute: number;
  readonly tenantPerDay: number;
}

export const PAT_LIMITS: KeapLimits = {
  perSecond: 10,
  perMinute: 240,
  perDay: 30_000,
  tenantPerMinute: 10_000,
  tenantPerDay: 250_000,
};

/** OAuth2 limits per client: 1,500 a minute and 150,000 a day, with Keap's 25-a-second spike policy. */
export const OAUTH_LIMITS: KeapLimits = {
  perSecond: 25,
  perMinute: 1500,
  perDay: 150_000,
  tenantPerMinute: 10_000,
  tenantPerDay: 250_000,
};

interface Window {
  start: number;
  used: number;
}

export type LimitVerdict =
  | { readonly ok: true; readonly headers: Record<string, string> }
  | {
      readonly ok: false;
      readonly window: 'second' | 'minute' | 'day';
      readonly headers: Record<string, string>;
    };

const SECOND = 1000;
const MINUTE = 60_000;
const DAY = 86_400_000;

export class RateLimiter {
  private readonly keys = new Map<string, { second: Window; minute: Window; day: Window }>();
  private readonly tenant = { minute: { start: 0, used: 0 }, day: { start: 0, used: 0 } };

  constructor(
    public limits: KeapLimits,
    private readonly now: () => number,
  ) {}

  /** Counts the request if it fits every window; a refused request is not counted. */
  take(key: string): LimitVerdict {
    const t = this.now();
    const w = this.keys.get(key) ?? {
      second: { start: 0, used: 0 },
      minute: { start: 0, used: 0 },
      day: { start: 0, used: 0 },
    };
    this.keys.set(key, w);
    roll(w.second, t, SECOND);
    roll(w.minute, t, MINUTE);
    roll(w.day, t, DAY);
    roll(this.tenant.minute, t, MINUTE);
    roll(this.tenant.day, t, DAY);
    let refused: 'second' | 'minute' | 'day' | null = null;
    if (w.day.used >= this.limits.perDay || this.tenant.day.used >= this.limits.tenantPerDay) refused = 'day';
    else if (w.minute.used >= this.limits.perMinute || this.tenant.minute.used >= this.limits.tenantPerMinute)
      refused = 'minute';
    else if (w.second.used >= this.limits.perSecond) refused = 'second';
    if (!refused) {
      w.second.used++;
      w.minute.used++;
      w.day.used++;
      this.tenant.minute.used++;
      this.tenant.day.used++;
    }
    const headers = this.headers(w, t);
    return refused ? { ok: false, window: refused, headers } : { ok: true, headers };
  }

  /** Headers for a request that never reached the limiter (a bad key, say). */
  headersFor(key: string): Record<string, string> {
    const w = this.keys.get(key);
    const t = this.now();
    return w
      ? this.headers(w, t)
      : this.headers({ minute: { start: 0, used: 0 }, day: { start: 0, used: 0 } }, t);
  }

  private headers(w: { minute: Window; day: Window }, t: number): Record<string, string> {
    const l = this.limits;
    const dayStart = Math.floor(t / DAY) * DAY;
    const minuteUsed = w.minute.start === Math.floor(t / MINUTE) * MINUTE ? w.minute.used : 0;
    const dayUsed = w.day.start === dayStart ? w.day.used : 0;
    return {
      'x-keap-product-quota-limit': String(l.perDay),
      'x-keap-product-quota-time-unit': 'day',
      'x-keap-product-quota-interval': '1',
      'x-keap-product-quota-used': String(dayUsed),
      'x-keap-product-quota-available': String(Math.max(0, l.perDay - dayUsed)),
      'x-keap-product-quota-expiry-time': String(dayStart + DAY),
      'x-keap-product-throttle-limit': String(l.perMinute),
      'x-keap-product-throttle-time-unit': 'minute',
      'x-keap-product-throttle-interval': '1',
      'x-keap-product-throttle-used': String(minuteUsed),
      'x-keap-product-throttle-available': String(Math.max(0, l.perMinute - minuteUsed)),
      'x-keap-tenant-throttle-limit': `${l.tenantPerMinute}|${l.tenantPerDay}`,
      'x-keap-tenant-throttle-time-unit': 'minute|day',
      'x-keap-tenant-throttle-interval': '1|1',
      'x-keap-tenant-throttle-used': `${this.tenant.minute.used}|${this.tenant.day.used}`,
      'x-keap-tenant-throttle-available': `${Math.max(0, l.tenantPerMinute - this.tenant.minute.used)}|${Math.max(0, l.tenantPerDay - this.tenant.day.used)}`,
    };
  }
}

function roll(w: Window, t: number, size: number) {
  const start = Math.floor(t / size) * size;
  if (w.start !== start) {
    w.start = start;
    w.used = 0;
  }
}
