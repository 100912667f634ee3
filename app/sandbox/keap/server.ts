import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import type { WordPressSeed } from '../types';
import { FaultInjector, type FaultKind } from './faults';
import { compare, FilterSyntaxError, parseFilter, textMatches, type FilterClause } from './filter';
import type { GroundTruth, KeapContactRecord, KeapOrderRecord, KeapSubscriptionRecord } from './model';
import { OAUTH_LIMITS, PAT_LIMITS, RateLimiter, type KeapLimits } from './rate-limits';
import { SandboxStore } from './store';
import { SANDBOX_CAMPAIGNS, campaignBody, sequencesBody } from './campaigns';
import { writeHookBefore, type WriteHook } from '../write-hook';

/** What `contacts:merge` does to the duplicate's data; Keap does not document it, so each part is switchable. */
export interface MergeModel {
  readonly unionTags: boolean;
  readonly moveOrders: boolean;
  readonly moveSubscriptions: boolean;
  readonly moveSequences: boolean;
  readonly fillEmptyFields: boolean;
  readonly deleteDuplicate: boolean;
}

export const DEFAULT_MERGE_MODEL: MergeModel = {
  unionTags: true,
  moveOrders: true,
  moveSubscriptions: true,
  moveSequences: false,
  fillEmptyFields: true,
  deleteDuplicate: true,
};

export interface KeapSandboxOptions {
  readonly port?: number;
  /** Folder for the persisted state; omitted = in memory only. */
  readonly stateDir?: string;
  readonly seed?: number;
  readonly contacts?: number;
  readonly apiKey?: string;
  readonly limits?: Partial<KeapLimits>;
  /** Limits for requests made with OAuth2 access tokens (default Keap's 1,500 a minute, 150,000 a day). */
  readonly oauthLimits?: Partial<KeapLimits>;
  /** Which documented 429 body to send. */
  readonly rateLimitBody?: 'apigee' | 'api';
  /** Seconds for a Retry-After header on 429; Keap does not promise one, so none by default. */
  readonly retryAfterSeconds?: number | null;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly merge?: Partial<MergeModel>;
  readonly defaultPageSize?: number;
  /** Added to every response, to look like a distant server in demos and UI tests. */
  readonly latencyMs?: number;
  /** OAuth2 client for `POST /token`; token lifetimes in seconds (defaults: 24 h access, 45 days refresh). */
  readonly oauth?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly accessTtlSeconds?: number;
    readonly refreshTtlSeconds?: number;
  };
}

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly at: string;
}

export interface KeapSandbox {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** What a connector uses as its base URL: `<origin>/crm`, mirroring `https://api.infusionsoft.com/crm`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly port: number;
  readonly store: SandboxStore;
  readonly faults: FaultInjector;
  readonly limiter: RateLimiter;
  readonly calls: RecordedCall[];
  readonly stats: { requests: number; rateLimited: number; byRoute: Record<string, number> };
  readonly world: { readonly truth: GroundTruth; wordpressSeed(): WordPressSeed };
  /** Tests: called before and after every write request (see `WriteHook`). */
  writeHook: WriteHook | null;
  merge: MergeModel;
  /** Stands in for the browser half of the authorization-code flow: a code `POST /token` will exchange once. */
  authorizationCode(): string;
  /**
   * The OAuth2 client (a Keap developer app's id and secret) this sandbox accepts at `/app/oauth/authorize` and
   * `/token`: the one given in the options, else one derived from the seed.
   */
  readonly oauthClient: { readonly clientId: string; readonly clientSecret: string };
  close(): Promise<void>;
}

const CONTACT_FIELDS = new Set(
  (
    'addresses,anniversary_date,birth_date,company,contact_type,create_time,custom_fields,email_addresses,' +
    'family_name,fax_numbers,given_name,id,job_title,leadsource_id,links,middle_name,notes,origin,owner_id,' +
    'phone_numbers,preferred_locale,preferred_name,prefix,referral_code,score_value,social_accounts,source_type,' +
    'spouse_name,suffix,tag_ids,time_zone,update_time,utm_parameters,website,account_id,assistant_name,' +
    'assistant_phone,billing_information,created_by,groups,last_updated_by'
  ).split(','),
);
/** Which properties come back without `fields` is not documented; the sandbox sends few so clients must ask. */
const DEFAULT_FIELDS = ['id', 'given_name', 'family_name', 'email_addresses'];
const ORDER_KEYS = new Set(['id', 'create_time', 'email', 'update_time']);
const PREFIX = '/crm/rest/v2';
/** Where Keap's accounts site asks for consent (`https://accounts.infusionsoft.com/app/oauth/authorize`). */
export const AUTHORIZE_PATH = '/app/oauth/authorize';

function escapeHtml(v: string): string {
  return v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readAll(req: IncomingMessage): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A Keap REST v2-compatible CRM on 127.0.0.1, with Keap's limits, headers, error bodies and switchable faults. */
export async function startKeapSandbox(options: KeapSandboxOptions = {}): Promise<KeapSandbox> {
  const now = options.now ?? Date.now;
  const store = new SandboxStore(options.stateDir ?? null, {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.contacts !== undefined ? { contacts: options.contacts } : {}),
  });
  const data = store.data;
  const apiKey =
    options.apiKey ??
    `KeapAK-sandbox-${createHash('sha256').update(`mergedesk-sandbox-${data.seed}`).digest('hex').slice(0, 32)}`;
  const limiter = new RateLimiter({ ...PAT_LIMITS, ...options.limits }, now);
  // OAuth2 tokens have their client's limits (1,500 a minute, 150,000 a day), not a key's.
  const oauthLimiter = new RateLimiter({ ...OAUTH_LIMITS, ...options.oauthLimits }, now);
  const seedHash = createHash('sha256').update(`mergedesk-sandbox-oauth-${data.seed}`).digest('hex');
  const oauthClient = {
    clientId: options.oauth?.clientId ?? `sandbox-app-${seedHash.slice(0, 12)}`,
    clientSecret: options.oauth?.clientSecret ?? `sandbox-secret-${seedHash.slice(12, 36)}`,
  };
  const faults = new FaultInjector(options.random);
  const calls: RecordedCall[] = [];
  const stats = { requests: 0, rateLimited: 0, byRoute: {} as Record<string, number> };
  const iso = () => new Date(now()).toISOString();

  const sandbox: KeapSandbox = {
    origin: '',
    baseUrl: '',
    apiKey,
    port: 0,
    store,
    faults,
    limiter,
    calls,
    stats,
    world: { truth: data.truth, wordpressSeed: () => data.wordpress },
    writeHook: null,
    merge: { ...DEFAULT_MERGE_MODEL, ...options.merge },
    authorizationCode: () => {
      const code = `code-${randomBytes(8).toString('hex')}`;
      oauthCodes.set(code, { redirectUri: null, challenge: null });
      return code;
    },
    oauthClient,
    close: async () => undefined,
  };
  /** Issued codes with what the exchange must repeat: the redirect URI and the PKCE challenge. */
  const oauthCodes = new Map<string, { redirectUri: string | null; challenge: string | null }>();
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Map<string, number>();

  function tokenResponse(res: ServerResponse) {
    const o: { accessTtlSeconds?: number; refreshTtlSeconds?: number } = options.oauth ?? {};
    const access = `sbx-at-${randomBytes(12).toString('hex')}`;
    const refresh = `sbx-rt-${randomBytes(12).toString('hex')}`;
    const accessTtl = o.accessTtlSeconds ?? 86_400;
    accessTokens.set(access, now() + accessTtl * 1000);
    refreshTokens.set(refresh, now() + (o.refreshTtlSeconds ?? 45 * 86_400) * 1000);
    send(res, 200, {
      access_token: access,
      refresh_token: refresh,
      expires_in: accessTtl,
      token_type: 'bearer',
      scope: 'full',
    });
  }

  /**
   * The browser half of the authorization-code flow, as Keap's accounts site does it: a consent page for the app,
   * whose "Allow" sends the browser back to the redirect URI with a one-time code and the caller's state.
   */
  async function handleAuthorize(req: IncomingMessage, res: ServerResponse, url: URL, method: string) {
    const params =
      method === 'POST'
        ? new URLSearchParams(Buffer.concat(await readAll(req)).toString('utf8'))
        : url.searchParams;
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const state = params.get('state') ?? '';
    const challenge = params.get('code_challenge');
    const page = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Keap sandbox: authorize</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">${body}</body></html>`);
    };
    if (clientId !== oauthClient.clientId)
      return page(400, '<h1>Unknown application</h1><p>Check the client id.</p>');
    if (params.get('response_type') !== 'code')
      return page(400, '<h1>Unsupported response type</h1><p>Only response_type=code is valid.</p>');
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
    } catch {
      return page(400, '<h1>Invalid redirect URI</h1>');
    }
    if (challenge !== null && params.get('code_challenge_method') !== 'S256')
      return page(400, '<h1>Unsupported code challenge method</h1><p>Use S256.</p>');
    if (method === 'POST') {
      const decision = params.get('decision');
      if (decision === 'allow') {
        const code = `code-${randomBytes(12).toString('hex')}`;
        oauthCodes.set(code, { redirectUri, challenge });
        redirect.searchParams.set('code', code);
      } else redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('state', state);
      res.writeHead(302, { Location: redirect.toString(), 'Cache-Control': 'no-store' });
      return void res.end();
    }
    const hidden = [...params.entries()]
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    return page(
      200,
      `<h1>Allow access to your Keap app?</h1>
<p>An application wants full access to <strong>${escapeHtml(data.tenantId)}</strong> (sandbox).</p>
<form method="post" action="${AUTHORIZE_PATH}">${hidden}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`,
    );
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':')
      : [form.get('client_id'), form.get('client_secret')];
    if (id !== oauthClient.clientId || secret !== oauthClient.clientSecret) {
      return send(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    }
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const issued = oauthCodes.get(code);
      // A code works once, whatever the outcome.
      oauthCodes.delete(code);
      if (!issued) return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid code' });
      if (issued.redirectUri !== null && form.get('redirect_uri') !== issued.redirectUri)
        return send(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri does not match' });
      if (issued.challenge !== null) {
        const verifier = form.get('code_verifier') ?? '';
        const hashed = createHash('sha256').update(verifier).digest('base64url');
        if (hashed !== issued.challenge)
          return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      }
      return tokenResponse(res);
    }
    if (grant === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      const expires = refreshTokens.get(token);
      // Rotation: a refresh token works once.
      refreshTokens.delete(token);
      if (expires === undefined || expires < now()) {
        return send(res, 400, { error: 'invalid_request', error_description: 'Invalid Refresh Token' });
      }
      return tokenResponse(res);
    }
    return send(res, 400, {
      error: 'unsupported_grant_type',
      error_description: `Unsupported grant_type: ${grant}`,
    });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpError) return sendError(res, error.status, error.message);
      sendError(res, 500, error instanceof Error ? error.message : String(error));
    });
  });

  let rateHeaders: Record<string, string> = {};

  function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = {
      ...rateHeaders,
      'x-keap-tenant-id': data.tenantId,
      ...extra,
    };
    if (body === undefined) {
      res.writeHead(status, headers);
      return void res.end();
    }
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  function sendError(res: ServerResponse, status: number, message: string) {
    send(res, status, {
      code: status,
      message,
      status: STATUS_TEXT[status] ?? 'Error',
      details: [{ domain: 'sandbox', resource: 'rest/v2' }],
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    rateHeaders = {};
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    stats.requests++;

    if (url.pathname === '/token' && method === 'POST') return handleToken(req, res);
    if (url.pathname === AUTHORIZE_PATH) return handleAuthorize(req, res, url, method);
    const key = credential(req);
    const tokenExpiry = key ? accessTokens.get(key) : undefined;
    if (key !== apiKey && (tokenExpiry === undefined || tokenExpiry < now())) {
      rateHeaders = limiter.headersFor('anonymous');
      return send(res, 401, {
        fault: {
          faultstring: 'Invalid Access Token',
          detail: { errorcode: 'keymanagement.service.invalid_access_token' },
        },
      });
    }

    // OAuth tokens share their client's limits; a key has its own.
    const limitKey = key === apiKey ? apiKey : 'oauth-client';
    const windows = key === apiKey ? limiter : oauthLimiter;
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const fault = faults.pick(`${method} ${url.pathname}${url.search}`);
    if (fault && (await applyFault(fault, req, res, limitKey))) return;

    const verdict = windows.take(limitKey);
    rateHeaders = verdict.headers;
    if (!verdict.ok) return tooMany(res, verdict.window);

    if (!url.pathname.startsWith(`${PREFIX}/`))
      throw new HttpError(404, `No route ${method} ${url.pathname}`);
    const path = url.pathname.slice(PREFIX.length);
    const body =
      method === 'POST' || method === 'PATCH' || method === 'PUT' ? await readJson(req) : undefined;
    const route = routeName(method, path);
    if (method !== 'GET' && (await writeHookBefore(sandbox.writeHook, `${method} ${path}`, req, res))) return;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    if (method !== 'GET') calls.push({ method, path, body, at: iso() });
    await dispatch(method, path, url.searchParams, body, res);
  }

  function tooMany(res: ServerResponse, window: 'second' | 'minute' | 'day') {
    stats.rateLimited++;
    const extra: Record<string, string> =
      options.retryAfterSeconds !== undefined && options.retryAfterSeconds !== null
        ? { 'Retry-After': String(options.retryAfterSeconds) }
        : {};
    const body =
      (options.rateLimitBody ?? 'apigee') === 'api'
        ? { code: 429, message: 'Quota Exceeded', status: 'Request Throttled', details: null }
        : window === 'second'
          ? {
              fault: {
                faultstring: `Spike arrest violation. Allowed rate : MessageRate{capacity=${limiter.limits.perSecond}, period=Seconds}`,
                detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' },
              },
            }
          : {
              fault: {
                faultstring: `Rate limit quota violation. Quota limit exceeded. Identifier : ${data.tenantId}`,
                detail: { errorcode: 'policies.ratelimit.QuotaViolation' },
              },
            };
    send(res, 429, body, extra);
  }

  async function applyFault(fault: FaultKind, req: IncomingMessage, res: ServerResponse, key: string) {
    switch (fault.type) {
      case 'slow':
        await new Promise((r) => setTimeout(r, fault.delayMs));
        return res.destroyed;
      case 'drop':
        req.socket.destroy();
        return true;
      case 'malformed':
        rateHeaders = limiter.headersFor(key);
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
        res.end('{"contacts": [{"id": "1001", "given_name": "Trunc');
        return true;
      case 'status':
        rateHeaders = limiter.headersFor(key);
        if (fault.body !== undefined) send(res, fault.status, fault.body);
        else sendError(res, fault.status, `Injected failure (${fault.status})`);
        return true;
      case 'rate_limit':
        rateHeaders = limiter.headersFor(key);
        if (fault.window === 'day') rateHeaders['x-keap-product-quota-available'] = '0';
        else if (fault.window === 'minute' || fault.window === undefined)
          rateHeaders['x-keap-product-throttle-available'] = '0';
        tooMany(res, fault.window === 'unspecified' || fault.window === undefined ? 'minute' : fault.window);
        return true;
    }
  }

  async function dispatch(
    method: string,
    path: string,
    q: URLSearchParams,
    body: unknown,
    res: ServerResponse,
  ): Promise<void> {
    let m: RegExpExecArray | null;
    if (path === '/contacts' && method === 'GET') return send(res, 200, listContacts(q));
    if (path === '/contacts' && method === 'POST') return send(res, 200, createContact(body, q));
    if (path === '/contacts:merge' && method === 'POST') return send(res, 200, mergeContacts(body, q));
    if ((m = /^\/contacts\/([^/:]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]!);
      const contact = data.contacts[id];
      if (!contact) throw new HttpError(404, `Contact ${id} not found`);
      if (method === 'GET') return send(res, 200, project(contact, fieldsParam(q, true)));
      if (method === 'PATCH') return send(res, 200, patchContact(contact, body, q));
      if (method === 'DELETE') {
        delete data.contacts[id];
        delete data.contactTags[id];
        store.changed();
        return send(res, 204, undefined);
      }
    }
    if ((m = /^\/contacts\/([^/:]+)\/tags$/.exec(path)) && method === 'GET') {
      const id = decodeURIComponent(m[1]!);
      if (!data.contacts[id]) throw new HttpError(404, `Contact ${id} not found`);
      const applied = data.contactTags[id] ?? {};
      return send(res, 200, {
        tags: Object.entries(applied)
          .filter(([t]) => data.tags[t])
          .map(([t, at]) => ({ tag: data.tags[t], applied_time: at })),
        next_page_token: '',
      });
    }
    if (path === '/tags' && method === 'GET') return send(res, 200, listTags(q));
    if (path === '/tags/categories' && method === 'GET') {
      const page = paginate(Object.values(data.categories), q, 'categories', (c) => Number(c.id));
      return send(res, 200, { tag_categories: page.items, next_page_token: page.next });
    }
    if ((m = /^\/tags\/([^/:]+)\/contacts:(applyTags|removeTags)$/.exec(path)) && method === 'POST') {
      const tagId = decodeURIComponent(m[1]!);
      if (!data.tags[tagId]) throw new HttpError(404, `Tag ${tagId} not found`);
      const ids = contactIdsBody(body);
      const results: Record<string, string> = {};
      for (const id of ids) {
        if (!data.contacts[id]) {
          results[id] = 'CONTACT_NOT_FOUND';
          continue;
        }
        const applied = (data.contactTags[id] ??= {});
        if (m[2] === 'applyTags') {
          results[id] = applied[tagId] ? 'DUPLICATE' : 'SUCCESS';
          applied[tagId] ??= iso();
        } else delete applied[tagId];
        data.contacts[id]!.update_time = iso();
      }
      store.changed();
      return m[2] === 'applyTags' ? send(res, 200, { results }) : send(res, 204, undefined);
    }
    if (path === '/orders' && method === 'GET') return send(res, 200, listOrders(q));
    if (path === '/subscriptions' && method === 'GET') return send(res, 200, listSubscriptions(q));
    if (path === '/campaigns' && method === 'GET') {
      const page = paginate([...SANDBOX_CAMPAIGNS], q, 'campaigns', (c) => Number(c.id));
      return send(res, 200, { campaigns: page.items.map(campaignBody), next_page_token: page.next });
    }
    if ((m = /^\/campaigns\/([^/:]+)\/sequences$/.exec(path)) && method === 'GET') {
      const campaign = SANDBOX_CAMPAIGNS.find((c) => c.id === decodeURIComponent(m![1]!));
      if (!campaign) throw new HttpError(404, `Campaign ${m[1]} not found`);
      return send(res, 200, { ...sequencesBody(campaign), next_page_token: '' });
    }
    if (
      (m = /^\/(campaigns|automations)\/([^/]+)\/sequences\/([^/:]+):addContacts$/.exec(path)) &&
      method === 'POST'
    ) {
      const seqKey = `${m[2]}/${m[3]}`;
      const members = new Set(data.sequences[seqKey] ?? []);
      const results: Record<string, string> = {};
      for (const id of contactIdsBody(body)) {
        if (!data.contacts[id]) results[id] = 'CONTACT_DOES_NOT_EXIST';
        else if (members.has(id)) results[id] = 'ALREADY_IN_SEQUENCE';
        else {
          members.add(id);
          results[id] = 'SUCCESS';
        }
      }
      data.sequences[seqKey] = [...members];
      store.changed();
      return send(res, 200, { add_to_sequence_results: results });
    }
    if (path === '/businessProfile' && method === 'GET') {
      return send(res, 200, {
        name: data.appName,
        email: 'owner@sandbox.example',
        time_zone: 'America/New_York',
        currency_code: 'USD',
      });
    }
    throw new HttpError(404, `No route ${method} ${PREFIX}${path}`);
  }

  // ---- contacts -------------------------------------------------------------------------------------------

  function listContacts(q: URLSearchParams) {
    const fields = fieldsParam(q, false);
    const clauses = parseOrBad(q.get('filter'));
    const predicate = contactPredicate(clauses);
    const [orderField, dir] = orderParam(q.get('order_by'));
    const keyOf = contactKey(orderField);
    const sorted = store.sortedContacts(`${orderField}`, (a, b) => cmpKeys(keyOf(a), keyOf(b)));
    const list = dir === 'desc' ? [...sorted].reverse() : sorted;
    const page = paginateSorted(
      list,
      q,
      `${orderField} ${dir}|${q.get('filter') ?? ''}`,
      keyOf,
      predicate,
      dir,
    );
    return { contacts: page.items.map((c) => project(c, fields)), next_page_token: page.next };
  }

  function contactPredicate(clauses: FilterClause[]): (c: KeapContactRecord) => boolean {
    const tests = clauses.map((cl): ((c: KeapContactRecord) => boolean) => {
      const v = cl.value;
      switch (cl.field) {
        case 'email':
          return (c) => c.email_addresses.some((e) => textMatches(e.email.trim(), v));
        case 'given_name':
        case 'family_name':
        case 'middle_name':
          return (c) => textMatches(c[cl.field as 'given_name'], v);
        case 'ids':
        case 'contact_ids': {
          const set = new Set(v.split(',').map((s) => s.trim()));
          return (c) => set.has(c.id);
        }
        case 'contact_id':
          return (c) => compare(Number(c.id), cl.op, Number(v));
        case 'company_id':
          return (c) => c.company?.id === v;
        case 'start_update_time':
          return (c) => c.update_time >= isoParam(v);
        case 'end_update_time':
          return (c) => c.update_time <= isoParam(v);
        default:
          throw new HttpError(400, `Invalid filter field: ${cl.field}`);
      }
    });
    return (c) => tests.every((t) => t(c));
  }

  function project(c: KeapContactRecord, fields: readonly string[]) {
    const out: Record<string, unknown> = { id: c.id };
    for (const f of fields) {
      if (f === 'tag_ids') out.tag_ids = store.tagIdsOf(c.id);
      else if (f in c) out[f] = (c as unknown as Record<string, unknown>)[f];
    }
    return out;
  }

  function fieldsParam(q: URLSearchParams, single: boolean): string[] {
    const raw = q.getAll('fields').flatMap((f) => f.split(','));
    const list = raw.map((f) => f.trim()).filter(Boolean);
    for (const f of list) if (!CONTACT_FIELDS.has(f)) throw new HttpError(400, `Invalid field: ${f}`);
    if (list.length) return list;
    // A single contact comes back whole; lists send the few default properties.
    return single ? [...CONTACT_FIELDS] : DEFAULT_FIELDS;
  }

  function createContact(body: unknown, q: URLSearchParams) {
    const input = asObject(body);
    const option = q.get('duplicate_option');
    const email = firstEmail(input);
    if (option && email) {
      const existing = Object.values(data.contacts).find((c) => {
        const same = c.email_addresses.some((e) => e.email.trim().toLowerCase() === email);
        if (!same) return false;
        if (option === 'Email') return true;
        const sameName =
          (c.given_name ?? '') === (input.given_name ?? '') &&
          (c.family_name ?? '') === (input.family_name ?? '');
        if (option === 'EmailAndName') return sameName;
        return (
          sameName && c.company?.company_name === (input.company as { company_name?: string })?.company_name
        );
      });
      if (existing) return patchContact(existing, body, new URLSearchParams());
    }
    const id = String(data.nextId.contact++);
    const t = iso();
    data.contacts[id] = {
      email_addresses: [],
      phone_numbers: [],
      addresses: [],
      custom_fields: [],
      ...(input as Partial<KeapContactRecord>),
      id,
      create_time: t,
      update_time: t,
    };
    store.changed();
    return project(data.contacts[id]!, [...CONTACT_FIELDS]);
  }

  function patchContact(contact: KeapContactRecord, body: unknown, q: URLSearchParams) {
    const input = asObject(body);
    const mask = q
      .getAll('update_mask')
      .flatMap((m) => m.split(','))
      .map((m) => m.trim())
      .filter(Boolean);
    const keys = mask.length ? mask : Object.keys(input);
    for (const k of keys) {
      if (!CONTACT_FIELDS.has(k)) throw new HttpError(400, `Invalid field in update: ${k}`);
      if (k === 'id' || k === 'create_time' || k === 'update_time') continue;
      if (k === 'tag_ids') continue;
      const value = input[k];
      const record = contact as unknown as Record<string, unknown>;
      if (value === undefined || value === null) delete record[k];
      else record[k] = value;
    }
    contact.update_time = iso();
    store.changed();
    return project(contact, fieldsParam(q, true));
  }

  function mergeContacts(body: unknown, q: URLSearchParams) {
    const input = asObject(body);
    const survivorId = idString(input.contact_id);
    const duplicateId = idString(input.duplicate_contact_id);
    if (!survivorId || !duplicateId)
      throw new HttpError(400, 'contact_id and duplicate_contact_id are required');
    if (survivorId === duplicateId) throw new HttpError(400, 'A contact cannot be merged with itself');
    const survivor = data.contacts[survivorId];
    const duplicate = data.contacts[duplicateId];
    if (!survivor) throw new HttpError(404, `Contact ${survivorId} not found`);
    if (!duplicate) throw new HttpError(404, `Contact ${duplicateId} not found`);
    const model = sandbox.merge;
    if (model.unionTags) {
      const target = (data.contactTags[survivorId] ??= {});
      for (const [t, at] of Object.entries(data.contactTags[duplicateId] ?? {})) target[t] ??= at;
    }
    if (model.moveOrders) for (const o of Object.values(data.orders)) rekey(o, duplicateId, survivorId);
    if (model.moveSubscriptions)
      for (const s of Object.values(data.subscriptions)) rekey(s, duplicateId, survivorId);
    if (model.moveSequences) {
      for (const [k, members] of Object.entries(data.sequences)) {
        if (members.includes(duplicateId))
          data.sequences[k] = [...new Set(members.map((m) => (m === duplicateId ? survivorId : m)))];
      }
    }
    if (model.fillEmptyFields) fillEmpty(survivor, duplicate);
    survivor.update_time = iso();
    if (model.deleteDuplicate) {
      delete data.contacts[duplicateId];
      delete data.contactTags[duplicateId];
    }
    store.changed();
    return project(survivor, fieldsParam(q, true));
  }

  function rekey(r: KeapOrderRecord | KeapSubscriptionRecord, from: string, to: string) {
    if (r.contact_id !== from) return;
    r.contact_id = to;
    r.modification_time = iso();
  }

  // ---- tags, orders, subscriptions --------------------------------------------------------------------------

  function listTags(q: URLSearchParams) {
    const clauses = parseOrBad(q.get('filter'));
    const tests = clauses.map((cl) => {
      if (cl.field === 'name') return (t: { name: string }) => textMatches(t.name, cl.value);
      if (cl.field === 'category_id')
        return (t: { category?: { id: string } }) =>
          cl.value === 'NONE' ? !t.category : t.category?.id === cl.value;
      if (cl.field === 'tag_ids') {
        const set = new Set(cl.value.split(','));
        return (t: { id: string }) => set.has(t.id);
      }
      throw new HttpError(400, `Invalid filter field: ${cl.field}`);
    });
    const all = Object.values(data.tags).filter((t) => tests.every((f) => f(t as never)));
    const page = paginate(all, q, `tags|${q.get('filter') ?? ''}`, (t) => Number(t.id));
    return { tags: page.items, next_page_token: page.next };
  }

  function listOrders(q: URLSearchParams) {
    const predicate = recordPredicate(parseOrBad(q.get('filter')));
    const all = Object.values(data.orders).filter(predicate);
    const page = paginate(all, q, `orders|${q.get('filter') ?? ''}`, (o) => Number(o.id));
    return {
      orders: page.items.map((o) => {
        const c = data.contacts[o.contact_id];
        const { contact_id, product_id: _product, ...rest } = o;
        return {
          ...rest,
          contact: {
            id: contact_id,
            ...(c?.email_addresses[0] ? { email: c.email_addresses[0].email } : {}),
            ...(c?.given_name ? { given_name: c.given_name } : {}),
            ...(c?.family_name ? { family_name: c.family_name } : {}),
          },
        };
      }),
      next_page_token: page.next,
    };
  }

  function listSubscriptions(q: URLSearchParams) {
    const predicate = recordPredicate(parseOrBad(q.get('filter')));
    const all = Object.values(data.subscriptions).filter(predicate);
    const page = paginate(all, q, `subs|${q.get('filter') ?? ''}`, (s) => Number(s.id));
    return { subscriptions: page.items, next_page_token: page.next };
  }

  function recordPredicate(clauses: FilterClause[]) {
    const tests = clauses.map((cl) => {
      switch (cl.field) {
        case 'contact_id':
          return (r: { contact_id: string }) => compare(r.contact_id, cl.op, cl.value);
        case 'id':
          return (r: { id: string }) => compare(Number(r.id), cl.op, Number(cl.value));
        case 'ids': {
          const set = new Set(cl.value.split(','));
          return (r: { id: string }) => set.has(r.id);
        }
        case 'product_id':
          return (r: { product_id: string }) => r.product_id === cl.value;
        default:
          throw new HttpError(400, `Invalid filter field: ${cl.field}`);
      }
    });
    return (r: { id: string; contact_id: string; product_id: string }) => tests.every((t) => t(r));
  }

  // ---- paging --------------------------------------------------------------------------------------------

  function pageSizeParam(q: URLSearchParams): number {
    const raw = q.get('page_size');
    if (raw === null || raw === '') return options.defaultPageSize ?? 50;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 1000)
      throw new HttpError(400, 'page_size must be an integer between 0 and 1000');
    return n === 0 ? (options.defaultPageSize ?? 50) : n;
  }

  function paginate<T>(
    items: T[],
    q: URLSearchParams,
    scope: string,
    keyOf: (t: T) => number,
  ): { items: T[]; next: string } {
    const sorted = [...items].sort((a, b) => keyOf(a) - keyOf(b));
    return paginateSorted(
      sorted,
      q,
      scope,
      (t) => [keyOf(t)],
      () => true,
      'asc',
    );
  }

  function paginateSorted<T>(
    sorted: readonly T[],
    q: URLSearchParams,
    scope: string,
    keyOf: (t: T) => (string | number)[],
    predicate: (t: T) => boolean,
    dir: 'asc' | 'desc',
  ): { items: T[]; next: string } {
    const size = pageSizeParam(q);
    const token = q.get('page_token');
    let start = 0;
    if (token) {
      const after = decodeToken(token, scope);
      // Binary search for the first item past the last key handed out: stable under inserts and deletes.
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const c = cmpKeys(keyOf(sorted[mid]!), after);
        if (dir === 'asc' ? c <= 0 : c >= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const items: T[] = [];
    let i = start;
    for (; i < sorted.length && items.length < size; i++) if (predicate(sorted[i]!)) items.push(sorted[i]!);
    let more = false;
    for (; i < sorted.length; i++) {
      if (predicate(sorted[i]!)) {
        more = true;
        break;
      }
    }
    const last = items[items.length - 1];
    return { items, next: more && last !== undefined ? encodeToken(scope, keyOf(last)) : '' };
  }

  function encodeToken(scope: string, key: (string | number)[]): string {
    return Buffer.from(JSON.stringify({ s: scope, k: key })).toString('base64url');
  }

  function decodeToken(token: string, scope: string): (string | number)[] {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        s: string;
        k: unknown;
      };
      if (parsed.s === scope && Array.isArray(parsed.k)) return parsed.k as (string | number)[];
    } catch {
      // fall through
    }
    throw new HttpError(400, 'Invalid page_token');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return Object.assign(sandbox, {
    origin,
    baseUrl: `${origin}/crm`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        store.save();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

function credential(req: IncomingMessage): string | null {
  const key = req.headers['x-keap-api-key'];
  if (typeof key === 'string' && key) return key;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return null;
}

function parseOrBad(filter: string | null): FilterClause[] {
  try {
    return parseFilter(filter);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new HttpError(400, error.message);
    throw error;
  }
}

function orderParam(raw: string | null): [string, 'asc' | 'desc'] {
  if (!raw) return ['id', 'asc'];
  const [field = 'id', dir = 'asc'] = raw.trim().split(/[\s,+]+/);
  if (!ORDER_KEYS.has(field)) throw new HttpError(400, `Invalid order_by field: ${field}`);
  const d = dir.toLowerCase();
  if (d !== 'asc' && d !== 'desc') throw new HttpError(400, `Invalid order_by direction: ${dir}`);
  return [field, d];
}

function contactKey(field: string): (c: KeapContactRecord) => (string | number)[] {
  switch (field) {
    case 'create_time':
      return (c) => [c.create_time, Number(c.id)];
    case 'update_time':
      return (c) => [c.update_time, Number(c.id)];
    case 'email':
      return (c) => [c.email_addresses[0]?.email.trim().toLowerCase() ?? '', Number(c.id)];
    default:
      return (c) => [Number(c.id)];
  }
}

function cmpKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function isoParam(v: string): string {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HttpError(400, `Invalid date-time in filter: ${v}`);
  return new Date(t).toISOString();
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'Request body must be a JSON object');
  return body as Record<string, unknown>;
}

function idString(v: unknown): string | null {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function contactIdsBody(body: unknown): string[] {
  const ids = asObject(body).contact_ids;
  if (!Array.isArray(ids) || ids.length === 0) throw new HttpError(400, 'contact_ids is required');
  return [...new Set(ids.map((i) => idString(i)).filter((i): i is string => i !== null))];
}

function firstEmail(input: Record<string, unknown>): string | null {
  const list = input.email_addresses;
  if (!Array.isArray(list)) return null;
  const e = (list[0] as { email?: unknown } | undefined)?.email;
  return typeof e === 'string' ? e.trim().toLowerCase() : null;
}

function fillEmpty(survivor: KeapContactRecord, duplicate: KeapContactRecord) {
  const s = survivor as unknown as Record<string, unknown>;
  const d = duplicate as unknown as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k === 'id' || k === 'create_time' || k === 'update_time') continue;
    const sv = s[k];
    const empty = sv === undefined || sv === null || sv === '' || (Array.isArray(sv) && sv.length === 0);
    if (empty) s[k] = structuredClone(d[k]);
  }
  // Email slots: keep the survivor's, then fill free slots with the duplicate's addresses it lacks.
  const have = new Set(survivor.email_addresses.map((e) => e.email.trim().toLowerCase()));
  const free = (['EMAIL1', 'EMAIL2', 'EMAIL3'] as const).filter(
    (f) => !survivor.email_addresses.some((e) => e.field === f),
  );
  for (const e of duplicate.email_addresses) {
    const slot = free.shift();
    if (!slot) break;
    if (have.has(e.email.trim().toLowerCase())) {
      free.unshift(slot);
      continue;
    }
    survivor.email_addresses.push({ ...e, field: slot });
  }
}

function routeName(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|:|$)/g, '/{id}')}`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
}
