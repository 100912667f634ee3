import type { z } from 'zod';
import { AppError } from '../../domain/errors';
import {
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type ResponseVerdict,
} from '../../net/http-client';
import type { Clock } from '../../ports/clock';
import type { WordPressClient, WpMember, WpMemberPage, WpOrder, WpSiteInfo } from '../../ports/wordpress';
import {
  CONTACT_ID_PATTERN,
  bridgeMemberSchema,
  bridgeOrderSchema,
  bridgeStatusSchema,
  rekeyResultSchema,
  relinkResultSchema,
  toMember,
  toOrder,
  toSiteInfo,
} from './bridge-schema';
import { normaliseSiteUrl } from './site-url';

export const BRIDGE_NAMESPACE = 'mergedesk/v1';
export const PLUGIN_MISSING_MESSAGE =
  'The Mergedesk Bridge plugin is not active on this site: install the Mergedesk Bridge plugin ' +
  '(Plugins → Add New → Upload Plugin, choose mergedesk-bridge.zip), activate it, then test again.';

export interface WordPressCredentials {
  readonly url: string;
  readonly username: string;
  /** The Application Password; the 4-character grouping spaces are accepted and removed. */
  readonly appPassword: string;
}

export interface WordPressConnectorOptions extends WordPressCredentials {
  readonly clock?: Clock;
  readonly http?: Partial<
    Pick<
      HttpClientOptions,
      'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs' | 'onWait' | 'onRequest'
    >
  >;
}

export interface CoreUsersCheck {
  /** X-WP-Total of `/wp/v2/users`: how many users the site has. */
  readonly userCount: number;
  readonly login: string;
}

const MAX_PER_PAGE = 100;

/**
 * `WordPressClient` over WordPress's REST API: core `/wp/v2/users` to prove the Application Password can list users,
 * and the Mergedesk Bridge plugin's `/mergedesk/v1/*` routes for contact links, AccessAlly tags and orders.
 */
export class WordPressConnector implements WordPressClient {
  readonly siteUrl: string;
  private readonly http: HttpClient;

  constructor(options: WordPressConnectorOptions) {
    this.siteUrl = normaliseSiteUrl(options.url);
    const password = options.appPassword.replace(/\s+/g, '');
    if (!options.username.trim()) throw new AppError('INVALID_INPUT', 'Enter the WordPress username.');
    if (!password) throw new AppError('INVALID_INPUT', 'Enter the Application Password.');
    const basic = Buffer.from(`${options.username.trim()}:${password}`, 'utf8').toString('base64');
    this.http = new HttpClient({
      baseURL: `${this.siteUrl}/wp-json`,
      headers: () => ({ Authorization: `Basic ${basic}` }),
      limits: { maxConcurrent: 2, perSecond: 10 },
      timeoutMs: 30_000,
      maxRetries: 4,
      ...(options.clock ? { clock: options.clock } : {}),
      ...options.http,
      judge: (response, request) => judge(response, request, this.siteUrl),
    });
  }

  /** Proves the credentials work and may list users (core WordPress, no plugin needed). */
  async checkCoreUsers(signal?: AbortSignal): Promise<CoreUsersCheck> {
    const me = await this.get('/wp/v2/users/me', { context: 'edit' }, signal);
    const list = await this.http.request({
      method: 'GET',
      path: '/wp/v2/users',
      query: { context: 'edit', per_page: 1 },
      ...(signal ? { signal } : {}),
    });
    const login = (me.data as { username?: unknown; slug?: unknown } | null)?.username;
    return {
      userCount: headerInt(list.headers, 'x-wp-total') ?? 0,
      login: typeof login === 'string' ? login : String((me.data as { slug?: unknown } | null)?.slug ?? ''),
    };
  }

  async testConnection(signal?: AbortSignal): Promise<WpSiteInfo> {
    const res = await this.get(`/${BRIDGE_NAMESPACE}/status`, undefined, signal);
    return toSiteInfo(parse(bridgeStatusSchema, res.data, 'status'), this.siteUrl);
  }

  /** The raw status, including which orders adapter the site uses. */
  async bridgeStatus(signal?: AbortSignal): Promise<z.infer<typeof bridgeStatusSchema>> {
    const res = await this.get(`/${BRIDGE_NAMESPACE}/status`, undefined, signal);
    return parse(bridgeStatusSchema, res.data, 'status');
  }

  async listMembers(options: {
    readonly page: number;
    readonly perPage?: number;
    readonly modifiedSince?: string | null;
    readonly signal?: AbortSignal;
  }): Promise<WpMemberPage> {
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, options.perPage ?? MAX_PER_PAGE));
    const res = await this.get(
      `/${BRIDGE_NAMESPACE}/members`,
      {
        page: Math.max(1, options.page),
        per_page: perPage,
        modified_since: options.modifiedSince ?? undefined,
      },
      options.signal,
    );
    const items = parse(bridgeMemberSchema.array(), res.data, 'members').map(toMember);
    const total = headerInt(res.headers, 'x-wp-total') ?? items.length;
    const totalPages = headerInt(res.headers, 'x-wp-totalpages') ?? Math.ceil(total / perPage);
    return { items, total, totalPages };
  }

  async getMember(wpId: number, signal?: AbortSignal): Promise<WpMember | null> {
    try {
      const res = await this.get(`/${BRIDGE_NAMESPACE}/members/${checkUserId(wpId)}`, undefined, signal);
      return toMember(parse(bridgeMemberSchema, res.data, 'member'));
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  async membersForContact(contactId: string, signal?: AbortSignal): Promise<readonly WpMember[]> {
    const res = await this.get(
      `/${BRIDGE_NAMESPACE}/contacts/${encodeURIComponent(checkContactId(contactId))}/members`,
      undefined,
      signal,
    );
    return parse(bridgeMemberSchema.array(), res.data, 'members for contact').map(toMember);
  }

  async relinkMember(wpId: number, contactId: string, signal?: AbortSignal) {
    const res = await this.http.request({
      method: 'POST',
      path: `/${BRIDGE_NAMESPACE}/members/${checkUserId(wpId)}/contact`,
      body: { contact_id: checkContactId(contactId) },
      // Setting a link to a fixed value is harmless to repeat, but a lost answer is not re-sent blindly: the merge
      // executor reads the link back and relinks only when it is still wrong, so the site sees each change once.
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    const out = parse(relinkResultSchema, res.data, 'relink');
    return { before: out.before, after: out.after, changed: out.changed };
  }

  async listOrders(options: {
    readonly contactId?: string;
    readonly signal?: AbortSignal;
  }): Promise<readonly WpOrder[]> {
    const res = await this.get(
      `/${BRIDGE_NAMESPACE}/orders`,
      options.contactId ? { contact_id: checkContactId(options.contactId) } : undefined,
      options.signal,
    );
    return parse(bridgeOrderSchema.array(), res.data, 'orders').map(toOrder);
  }

  async rekeyOrders(fromContactId: string, toContactId: string, signal?: AbortSignal) {
    const res = await this.http.request({
      method: 'POST',
      path: `/${BRIDGE_NAMESPACE}/orders/rekey`,
      body: { from_contact_id: checkContactId(fromContactId), to_contact_id: checkContactId(toContactId) },
      // Moving A to B twice moves nothing the second time, but a lost answer is not re-sent blindly: the merge
      // executor lists what is still keyed by A and re-keys only then.
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    const out = parse(rekeyResultSchema, res.data, 'rekey orders');
    return { moved: out.moved, orders: out.orders.map(toOrder) };
  }

  async resyncMember(wpId: number, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: `/${BRIDGE_NAMESPACE}/members/${checkUserId(wpId)}/resync`,
      body: {},
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
  }

  private get(path: string, query?: HttpRequest['query'], signal?: AbortSignal): Promise<HttpResponse> {
    return this.http.request({
      method: 'GET',
      path,
      ...(query ? { query } : {}),
      ...(signal ? { signal } : {}),
    });
  }
}

function checkUserId(wpId: number): number {
  if (!Number.isInteger(wpId) || wpId <= 0)
    throw new AppError('INVALID_INPUT', `Not a WordPress user id: ${wpId}.`);
  return wpId;
}

function checkContactId(contactId: string): string {
  if (!CONTACT_ID_PATTERN.test(contactId)) {
    throw new AppError(
      'INVALID_INPUT',
      `Not a valid contact id: "${contactId.slice(0, 80)}" (letters, digits, _ or -).`,
    );
  }
  return contactId;
}

function headerInt(headers: Readonly<Record<string, string>>, name: string): number | undefined {
  const n = Number.parseInt(headers[name] ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function parse<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const out = schema.safeParse(data);
  if (out.success) return out.data;
  const issue = out.error.issues[0];
  throw new AppError(
    'REMOTE_ERROR',
    `The site's ${what} response is not what the Mergedesk Bridge plugin sends` +
      (issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : '') +
      '. Check that the plugin is up to date.',
  );
}

interface WpErrorBody {
  readonly code?: unknown;
  readonly message?: unknown;
}

/** Maps WordPress's `{code, message, data: {status}}` errors to AppErrors a user can act on. */
function judge(response: HttpResponse, request: HttpRequest, siteUrl: string): ResponseVerdict | undefined {
  const s = response.status;
  if (s >= 200 && s < 300) {
    if (typeof response.data === 'string' && request.method === 'GET') {
      return {
        kind: 'fail',
        error: new AppError(
          'REMOTE_ERROR',
          `${siteUrl} answered ${request.path} with a web page instead of JSON: is this the WordPress site address, ` +
            'and is the REST API enabled?',
        ),
      };
    }
    return { kind: 'ok' };
  }
  if (s >= 500 && request.idempotent === false) {
    // The HTTP layer does not repeat a write that may have landed; the merge step reads back before trying again.
    return {
      kind: 'fail',
      error: new AppError(
        'REMOTE_ERROR',
        `${siteUrl} could not complete ${request.path} (HTTP ${s}); it may or may not have been applied.`,
        { status: s },
      ),
    };
  }
  if (s === 429 || s >= 500) return undefined; // the HTTP layer retries these
  const body = (
    typeof response.data === 'object' && response.data !== null ? response.data : {}
  ) as WpErrorBody;
  const code = typeof body.code === 'string' ? body.code : '';
  const message = typeof body.message === 'string' ? stripTags(body.message) : '';
  const details = { status: s, wpCode: code || undefined };
  if (code === 'rest_no_route' && request.path.startsWith(`/${BRIDGE_NAMESPACE}`)) {
    return {
      kind: 'fail',
      error: new AppError('UNSUPPORTED', PLUGIN_MISSING_MESSAGE, { ...details, pluginMissing: true }),
    };
  }
  if (s === 401) {
    return {
      kind: 'fail',
      error: new AppError(
        'AUTH_FAILED',
        `WordPress refused the username or Application Password (HTTP 401${message ? `: ${message}` : ''}). ` +
          'Create a new Application Password under Users → Profile and try again.',
        details,
      ),
    };
  }
  if (s === 403) {
    return {
      kind: 'fail',
      error: new AppError(
        'FORBIDDEN',
        `This WordPress user is not allowed to do that (${message || 'HTTP 403'}). Use an administrator account ` +
          '(it needs the list_users and manage_options capabilities).',
        details,
      ),
    };
  }
  if (s === 404 && code === 'rest_no_route') {
    return {
      kind: 'fail',
      error: new AppError(
        'UNSUPPORTED',
        `${siteUrl} has no REST route ${request.path}: is this a WordPress site with the REST API enabled?`,
        details,
      ),
    };
  }
  if (s === 404) {
    return {
      kind: 'fail',
      error: new AppError(
        'NOT_FOUND',
        message ||
          `${request.path} was not found on ${siteUrl}${typeof response.data === 'string' ? ' (not a WordPress REST API?)' : ''}.`,
        details,
      ),
    };
  }
  return {
    kind: 'fail',
    error: new AppError(
      s === 400 ? 'INVALID_INPUT' : s === 409 ? 'CONFLICT' : 'REMOTE_ERROR',
      `WordPress rejected ${request.method} ${request.path} (HTTP ${s})${message ? `: ${message}` : '.'}`,
      details,
    ),
  };
}

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, '').slice(0, 500);
}
