import { AppError } from '../../domain/errors';
import type { HttpRequest, HttpResponse, ResponseVerdict } from '../../net/http-client';

/**
 * Keap's throttle and quota headers (`x-keap-product-*` for the key, `x-keap-tenant-*` for the app, the tenant ones
 * pipe-separated with one value per window) and its two documented 429 bodies, turned into decisions.
 */
export interface KeapQuotaState {
  readonly throttleAvailable: number | null;
  readonly throttleLimit: number | null;
  readonly quotaAvailable: number | null;
  readonly quotaLimit: number | null;
  /** Epoch ms when the daily quota resets. */
  readonly quotaResetsAt: number | null;
  /** Per tenant window unit (`minute`, `day`) → available. */
  readonly tenantAvailable: Readonly<Record<string, number>>;
}

export function readQuotaHeaders(headers: Readonly<Record<string, string>>): KeapQuotaState {
  const units = (headers['x-keap-tenant-throttle-time-unit'] ?? '').split('|');
  const available = (headers['x-keap-tenant-throttle-available'] ?? '').split('|');
  const tenantAvailable: Record<string, number> = {};
  units.forEach((u, i) => {
    const n = num(available[i]);
    if (u && n !== null) tenantAvailable[u.trim().toLowerCase()] = n;
  });
  return {
    throttleAvailable: num(headers['x-keap-product-throttle-available']),
    throttleLimit: num(headers['x-keap-product-throttle-limit']),
    quotaAvailable: num(headers['x-keap-product-quota-available']),
    quotaLimit: num(headers['x-keap-product-quota-limit']),
    quotaResetsAt: parseExpiry(headers['x-keap-product-quota-expiry-time']),
    tenantAvailable,
  };
}

export type RateLimitKind =
  | { readonly kind: 'quota'; readonly resetsAt: number }
  | { readonly kind: 'throttle'; readonly window: 'second' | 'minute' | 'unknown' };

/** Tells a spent daily quota (stop until reset) from a throttle (wait a moment and retry). */
export function classifyRateLimit(
  headers: Readonly<Record<string, string>>,
  body: unknown,
  nowMs: number,
): RateLimitKind {
  const q = readQuotaHeaders(headers);
  const resetsAt = q.quotaResetsAt ?? nextUtcMidnight(nowMs);
  if (q.quotaAvailable === 0 || q.tenantAvailable.day === 0) return { kind: 'quota', resetsAt };
  const { code, text } = describeBody(body);
  if (/spikearrest/i.test(code)) return { kind: 'throttle', window: 'second' };
  if (/\b(daily|per day|day quota)\b/i.test(text)) return { kind: 'quota', resetsAt };
  if (q.throttleAvailable === 0 || q.tenantAvailable.minute === 0)
    return { kind: 'throttle', window: 'minute' };
  return { kind: 'throttle', window: 'unknown' };
}

export interface JudgeHooks {
  readonly now: () => number;
  /** Stop sending until this time (a window is spent). */
  readonly pauseUntil: (ms: number) => void;
  readonly onQuota?: (state: KeapQuotaState) => void;
}

export function createKeapJudge(hooks: JudgeHooks) {
  return (response: HttpResponse, request: HttpRequest): ResponseVerdict => {
    const now = hooks.now();
    const quota = readQuotaHeaders(response.headers);
    hooks.onQuota?.(quota);
    if (quota.throttleAvailable === 0 || quota.tenantAvailable.minute === 0)
      hooks.pauseUntil(nextMinute(now));
    const s = response.status;
    const idempotent = request.idempotent ?? request.method !== 'POST';
    if (s >= 200 && s < 300) {
      // A 2xx GET whose body is not JSON (a proxy page, a cut-off stream) is a transient fault, not data.
      if (
        request.method === 'GET' &&
        s !== 204 &&
        (typeof response.data !== 'object' || response.data === null)
      )
        return { kind: 'retry', reason: `HTTP ${s} with a body that is not JSON` };
      return { kind: 'ok' };
    }
    if (s === 404) return { kind: 'ok' };
    const { code, text } = describeBody(response.data);
    if (s === 401) {
      return {
        kind: 'fail',
        error: new AppError(
          'AUTH_FAILED',
          `Keap rejected the credentials (${text || 'Invalid Access Token'}). Check the API key or reconnect the account.`,
          { status: s, errorcode: code || undefined },
        ),
      };
    }
    if (s === 403) {
      return {
        kind: 'fail',
        error: new AppError('FORBIDDEN', `Keap refused access: ${text || 'Forbidden'}.`, { status: s }),
      };
    }
    if (s === 429) {
      const kind = classifyRateLimit(response.headers, response.data, now);
      if (kind.kind === 'quota') {
        hooks.pauseUntil(kind.resetsAt);
        return {
          kind: 'fail',
          error: new AppError(
            'QUOTA_EXHAUSTED',
            `The Keap daily API quota is used up; it resets at ${new Date(kind.resetsAt).toISOString()}.`,
            { resetsAt: new Date(kind.resetsAt).toISOString() },
          ),
        };
      }
      const delayMs =
        kind.window === 'minute' ? nextMinute(now) - now : kind.window === 'second' ? 1000 : undefined;
      return {
        kind: 'retry',
        reason: `HTTP 429 (${kind.window === 'unknown' ? 'throttled' : `${kind.window} limit`})`,
        ...(delayMs !== undefined ? { delayMs } : {}),
      };
    }
    if (s === 409) {
      return {
        kind: 'fail',
        error: new AppError('CONFLICT', `Keap reported a conflict: ${text || 'Conflict'}.`, { status: s }),
      };
    }
    if (s >= 500 && idempotent) return { kind: 'retry', reason: `HTTP ${s}` };
    return {
      kind: 'fail',
      error: new AppError(
        'REMOTE_ERROR',
        `Keap answered ${request.method} ${request.path} with HTTP ${s}${text ? `: ${text}` : ''}.`,
        { status: s },
      ),
    };
  };
}

function describeBody(body: unknown): { code: string; text: string } {
  if (typeof body !== 'object' || body === null)
    return { code: '', text: typeof body === 'string' ? body.slice(0, 200) : '' };
  const b = body as Record<string, unknown>;
  const fault = b.fault as { faultstring?: unknown; detail?: { errorcode?: unknown } } | undefined;
  if (fault) return { code: String(fault.detail?.errorcode ?? ''), text: String(fault.faultstring ?? '') };
  const message = typeof b.message === 'string' ? b.message : '';
  const status = typeof b.status === 'string' ? b.status : '';
  return { code: String(b.code ?? ''), text: [message, status].filter(Boolean).join(' — ') };
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function parseExpiry(v: string | undefined): number | null {
  if (!v) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return n < 1e11 ? n * 1000 : n;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export function nextUtcMidnight(nowMs: number): number {
  return (Math.floor(nowMs / 86_400_000) + 1) * 86_400_000;
}

function nextMinute(nowMs: number): number {
  return (Math.floor(nowMs / 60_000) + 1) * 60_000 + 50;
}
