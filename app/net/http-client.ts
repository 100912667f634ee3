import axios, { type AxiosInstance } from 'axios';
import Bottleneck from 'bottleneck';
import { AppError } from '../domain/errors';
import { systemClock, type Clock } from '../ports/clock';
import { SecretRedactor, redactUrl } from './redact';
import { assertSecureTransport } from './secure-url';
import { CONNECT_TIMEOUT_CODE, connectTimeoutAgents } from './connect-timeout';
import { secondEdgeMs, waitPastSecondEdge } from './window-edge';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Relative to the client's base URL. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined | null>>;
  readonly body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead of JSON (OAuth token calls). */
  readonly form?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Whether repeating the request is harmless. GET/PUT/DELETE default to true. A non-idempotent request is retried
   * only when the server provably did not act on it (429, connection refused).
   */
  readonly idempotent?: boolean;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: T;
}

export interface RateLimits {
  readonly perSecond?: number;
  readonly perMinute?: number;
  readonly maxConcurrent?: number;
}

/** What the connector decides about a finished exchange; the HTTP layer stays CRM-agnostic. */
export type ResponseVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry'; readonly reason: string; readonly delayMs?: number }
  | { readonly kind: 'fail'; readonly error: AppError };

export interface HttpClientOptions {
  readonly baseURL: string;
  readonly headers?: () => Promise<Record<string, string>> | Record<string, string>;
  readonly limits?: RateLimits;
  readonly timeoutMs?: number;
  /** How long a server may take to accept a connection (default 5 s); an unreachable one fails then. */
  readonly connectTimeoutMs?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Connector hook: inspect status/headers/body (throttle headers, error bodies) and decide. */
  readonly judge?: (response: HttpResponse, request: HttpRequest) => ResponseVerdict | undefined;
  /** Told about every wait, so a sync can show "waiting for the CRM's rate limit". */
  readonly onWait?: (info: {
    readonly reason: string;
    readonly delayMs: number;
    readonly attempt: number;
  }) => void;
  /** Count of requests actually sent, for benchmarks and tests. */
  readonly onRequest?: (request: HttpRequest) => void;
}

const NETWORK_RETRYABLE = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_BAD_RESPONSE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', CONNECT_TIMEOUT_CODE]);
/**
 * The server could not be reached at all. Retrying these for minutes (with backoff) only makes the user wait: one
 * quick retry covers a server that is restarting or a DNS hiccup, then the error is the answer.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  CONNECT_TIMEOUT_CODE,
]);
const UNREACHABLE_RETRIES = 1;
const UNREACHABLE_DELAY_MS = 250;

/**
 * The one HTTP layer for every external call: a per-connection rate limiter, timeouts, retries with exponential
 * backoff and full jitter on 429/5xx/network errors, `Retry-After` when the server sends one, and errors typed for
 * the UI. Bodies are parsed here so that a malformed payload is a clear error and not a crash deeper down.
 */
export class HttpClient {
  private readonly http: AxiosInstance;
  private readonly limiter: Bottleneck;
  private readonly clock: Clock;
  private readonly random: () => number;
  private pausedUntil = 0;
  private sent = 0;
  /** Requests are not started this close to the end of a calendar second (see window-edge.ts); 0 = no per-second limit. */
  private readonly edgeMs: number;
  /** Every credential this client has sent; nothing leaves the HTTP layer without passing through it. */
  private readonly redactor = new SecretRedactor();

  constructor(private readonly options: HttpClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    assertSecureTransport(options.baseURL);
    this.http = axios.create({
      baseURL: options.baseURL.replace(/\/+$/, ''),
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      maxRedirects: 0,
      decompress: true,
      ...connectTimeoutAgents(options.connectTimeoutMs ?? 5_000),
    });
    this.limiter = createLimiter(options.limits);
    this.edgeMs = options.limits?.perSecond ? secondEdgeMs(options.limits.perSecond) : 0;
  }

  /** Requests put on the wire so far, retries and refused ones included. */
  get requestsSent(): number {
    return this.sent;
  }

  /** Requests queued in the rate limiter, waiting for their turn. */
  get requestsWaiting(): number {
    return this.limiter.counts().QUEUED;
  }

  /** Stop sending until `untilMs` (e.g. a throttle header said the window is spent). */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /**
   * Sends a request. Whatever comes back, a response body and header values or a thrown error with its message and
   * details, has had every credential this client sent replaced first: servers and proxies echo request headers in
   * error pages, and those messages end up in the UI, logs and stored sync runs.
   */
  async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    try {
      return await this.attempt<T>(request);
    } catch (error) {
      throw this.redactor.error(error);
    }
  }

  /** Redacts credentials this client sent from any text (for connectors that quote a body themselves). */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  private async attempt<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const maxRetries = this.options.maxRetries ?? 6;
    const idempotent = request.idempotent ?? request.method !== 'POST';
    let unreachable = 0;
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(request.signal);
      await this.waitForPause(request.signal);
      let response: HttpResponse;
      try {
        response = await this.limiter.schedule(async () => {
          const hold = waitPastSecondEdge(this.clock.now(), this.edgeMs);
          if (hold > 0) await this.clock.sleep(hold, request.signal);
          return this.send(request);
        });
      } catch (error) {
        if (isAbort(error, request.signal)) throw new AppError('CANCELLED', 'The request was cancelled.');
        const code = networkCode(error);
        if (code !== undefined && UNREACHABLE.has(code)) {
          if (++unreachable > UNREACHABLE_RETRIES || attempt >= maxRetries || code === CONNECT_TIMEOUT_CODE)
            throw toNetworkError(error, request, redactUrl(this.options.baseURL));
          this.options.onWait?.({
            reason: `network error (${code})`,
            delayMs: UNREACHABLE_DELAY_MS,
            attempt: attempt + 1,
          });
          await this.sleep(UNREACHABLE_DELAY_MS, request.signal);
          continue;
        }
        const retryable =
          code !== undefined && NETWORK_RETRYABLE.has(code) && (idempotent || NOT_SENT.has(code));
        if (!retryable || attempt >= maxRetries)
          throw toNetworkError(error, request, redactUrl(this.options.baseURL));
        await this.backoff(attempt, `network error (${code})`, undefined, request.signal);
        continue;
      }
      const verdict = this.options.judge?.(response, request) ?? defaultVerdict(response, idempotent);
      if (verdict.kind === 'ok') return response as HttpResponse<T>;
      if (verdict.kind === 'fail') throw verdict.error;
      if (attempt >= maxRetries) {
        throw new AppError(
          response.status === 429 ? 'RATE_LIMITED' : 'REMOTE_ERROR',
          `${describe(request)} still failed after ${maxRetries + 1} attempts: ${verdict.reason}.`,
          { status: response.status },
        );
      }
      const retryAfter =
        verdict.delayMs ?? parseRetryAfter(response.headers['retry-after'], this.clock.now());
      await this.backoff(attempt, verdict.reason, retryAfter, request.signal);
    }
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    this.sent++;
    this.options.onRequest?.(request);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(await this.options.headers?.()),
      ...request.headers,
    };
    this.redactor.addHeaders(headers);
    this.redactor.addFields(request.form);
    this.redactor.addFields(request.query ?? undefined);
    if (typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body))
      this.redactor.addFields(request.body as Record<string, unknown>);
    let data: string | undefined;
    if (request.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      data = new URLSearchParams(request.form).toString();
    } else if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      data = JSON.stringify(request.body);
    }
    const res = await this.http.request<string>({
      method: request.method,
      url: request.path,
      params: cleanQuery(request.query),
      data,
      headers,
      timeout: request.timeoutMs ?? this.options.timeoutMs ?? 30_000,
      signal: request.signal,
    });
    const flatHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined && v !== null)
        flatHeaders[k.toLowerCase()] = this.redactor.text(Array.isArray(v) ? v.join(', ') : String(v), false);
    }
    // An error body is also cleaned of credentials written out by name (a dumped request); a success body only of
    // the exact values sent, so data that merely mentions a "token" field stays intact.
    const failed = res.status < 200 || res.status >= 300;
    const text = typeof res.data === 'string' ? this.redactor.text(res.data, failed) : res.data;
    return {
      status: res.status,
      headers: flatHeaders,
      data: parseBody(text, flatHeaders, request, res.status),
    };
  }

  private async waitForPause(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - this.clock.now();
    if (wait > 0) {
      this.options.onWait?.({ reason: 'rate limit window spent', delayMs: wait, attempt: 0 });
      await this.clock.sleep(wait, signal);
    }
  }

  private async backoff(attempt: number, reason: string, minDelay: number | undefined, signal?: AbortSignal) {
    const base = this.options.baseDelayMs ?? 500;
    const cap = this.options.maxDelayMs ?? 30_000;
    // Full jitter: spreads retries from many requests so they do not hit the server in lock-step.
    const exp = Math.min(cap, base * 2 ** attempt);
    const delay = Math.max(minDelay ?? 0, Math.round(exp / 2 + (this.random() * exp) / 2));
    this.options.onWait?.({ reason, delayMs: delay, attempt: attempt + 1 });
    await this.sleep(delay, signal);
  }

  private async sleep(ms: number, signal?: AbortSignal) {
    try {
      await this.clock.sleep(ms, signal);
    } catch {
      throw new AppError('CANCELLED', 'The request was cancelled.');
    }
  }
}

export class MalformedResponseError extends AppError {}

function parseBody(
  text: string,
  headers: Record<string, string>,
  request: HttpRequest,
  status: number,
): unknown {
  if (text === undefined || text === null || text === '') return null;
  const type = headers['content-type'] ?? '';
  if (!type.includes('json') && !/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedResponseError(
      'REMOTE_ERROR',
      `${describe(request)} returned a malformed JSON body (HTTP ${status}, ${text.length} bytes).`,
      { status, sample: text.slice(0, 200) },
    );
  }
}

function defaultVerdict(response: HttpResponse, idempotent: boolean): ResponseVerdict {
  const s = response.status;
  if (s === 429) return { kind: 'retry', reason: 'HTTP 429 (rate limited)' };
  if (s >= 500 && idempotent) return { kind: 'retry', reason: `HTTP ${s}` };
  return { kind: 'ok' };
}

export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function createLimiter(limits: RateLimits | undefined): Bottleneck {
  const perSecond = limits?.perSecond;
  const perMinute = limits?.perMinute;
  const second = new Bottleneck({
    maxConcurrent: limits?.maxConcurrent ?? 4,
    minTime: perSecond ? Math.ceil(1000 / perSecond) : 0,
  });
  if (!perMinute) return second;
  const minute = new Bottleneck({
    reservoir: perMinute,
    reservoirRefreshAmount: perMinute,
    reservoirRefreshInterval: 60_000,
  });
  return second.chain(minute);
}

function cleanQuery(query: HttpRequest['query']): Record<string, string> | undefined {
  if (!query) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

function networkCode(error: unknown): string | undefined {
  if (error instanceof MalformedResponseError) return 'ERR_BAD_RESPONSE';
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || axios.isCancel(error);
}

function throwIfAborted(signal?: AbortSignal) {
  if (signal?.aborted) throw new AppError('CANCELLED', 'The request was cancelled.');
}

function describe(request: HttpRequest): string {
  return `${request.method} ${request.path}`;
}

function toNetworkError(error: unknown, request: HttpRequest, baseURL: string): AppError {
  if (error instanceof AppError) return error;
  const code = networkCode(error);
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_SOCKET_CONNECTION_TIMEOUT') {
    return new AppError('TIMEOUT', `${describe(request)} to ${baseURL} timed out.`, { code });
  }
  if (code === CONNECT_TIMEOUT_CODE) {
    return new AppError('CONNECTION_FAILED', `Could not reach ${baseURL}: it did not accept a connection.`, {
      code,
    });
  }
  return new AppError(
    'CONNECTION_FAILED',
    `Could not reach ${baseURL} (${code ?? (error instanceof Error ? error.message : 'unknown error')}).`,
    { code },
  );
}
