import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { WordPressSeed } from '../types';
import { writeHookBefore, type WriteHook } from '../write-hook';
import {
  ADMIN_LOGIN,
  SUBSCRIBER_LOGIN,
  loadState,
  saveState,
  seedState,
  type SandboxOrder,
  type SandboxState,
  type SandboxTag,
  type SandboxUser,
} from './state';

export const SANDBOX_PLUGIN_VERSION = '1.0.0';
const CONTACT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type WordPressFault =
  | { readonly kind: 'status'; readonly status: number; readonly times?: number; readonly path?: string }
  | { readonly kind: 'slow'; readonly delayMs: number; readonly times?: number; readonly path?: string }
  | { readonly kind: 'drop'; readonly times?: number; readonly path?: string };

export interface WordPressSandboxOptions {
  /** Where the site keeps its JSON state; an existing state file wins over the seed. */
  readonly stateDir: string;
  readonly seed: WordPressSeed;
  readonly port?: number;
  /** false: the site behaves as if the Mergedesk Bridge plugin were not installed. */
  readonly bridgeActive?: boolean;
  /**
   * The CRM beside the site: when given, a resync copies the access tags the CRM holds for the contact now, as
   * AccessAlly does (null: the CRM has no such contact). Without it the seeded table stands in for the CRM.
   */
  readonly crmAccessTags?: (contactId: string) => readonly SandboxTag[] | null;
}

export interface WordPressSandbox {
  readonly baseUrl: string;
  readonly username: string;
  readonly appPassword: string;
  /** A user with a valid Application Password but no admin rights, for 403 tests. */
  readonly subscriber: { readonly username: string; readonly appPassword: string };
  /** Queue a fault for the next matching request(s). */
  injectFault(fault: WordPressFault): void;
  clearFaults(): void;
  /** Stands in for the CRM: what a resync copies onto users linked to this contact. */
  setContactTags(contactId: string, tags: readonly SandboxTag[]): void;
  setBridgeActive(active: boolean): void;
  /** Requests served, by "METHOD path", for assertions. */
  readonly requests: readonly string[];
  clearRequests(): void;
  snapshot(): SandboxState;
  /** Tests: called before and after every write request (see `WriteHook`). */
  writeHook: WriteHook | null;
  close(): Promise<void>;
}

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A WordPress-compatible site on loopback: core `/wp/v2/users` with Application Password auth, capability checks,
 * paging headers and WordPress's error bodies, plus the Mergedesk Bridge routes with AccessAlly-style contact links,
 * tags and orders. The connector cannot tell it from a real site for the calls it makes.
 */
export async function startWordPressSandbox(options: WordPressSandboxOptions): Promise<WordPressSandbox> {
  const now = () => new Date().toISOString();
  const state: SandboxState = loadState(options.stateDir) ?? seedState(options.seed);
  saveState(options.stateDir, state);
  let bridgeActive = options.bridgeActive ?? true;
  const faults: { fault: WordPressFault; left: number }[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const persist = () => saveState(options.stateDir, state);
  const userById = (id: number) => state.users.find((u) => u.id === id);

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (error instanceof RestError) return send(res, error.status, wpError(error));
      send(res, 500, { code: 'internal_server_error', message: String(error), data: { status: 500 } });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const route =
      url.searchParams.get('rest_route') ??
      (url.pathname.startsWith('/wp-json') ? url.pathname.slice(8) || '/' : null);
    requests.push(`${req.method ?? 'GET'} ${route ?? url.pathname}`);
    const fault = takeFault(route ?? url.pathname);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.kind === 'status') {
      return send(res, fault.status, {
        code: 'sandbox_fault',
        message: `Injected HTTP ${fault.status}.`,
        data: { status: fault.status },
      });
    }
    if (route === null) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
      return res.end('<!doctype html><title>Sandbox WordPress</title><p>Mergedesk sandbox site.</p>');
    }
    const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : {};
    if (
      (req.method ?? 'GET') !== 'GET' &&
      (await writeHookBefore(handle.writeHook, `${req.method} ${route}`, req, res))
    )
      return;
    const user = authenticate(req.headers.authorization);
    const params = Object.fromEntries(url.searchParams.entries());
    const out = await dispatch(req.method ?? 'GET', route.replace(/\/+$/, '') || '/', params, body, user);
    send(res, out.status ?? 200, out.body, out.headers);
  }

  function takeFault(path: string): WordPressFault | undefined {
    const i = faults.findIndex((f) => !f.fault.path || path.startsWith(f.fault.path));
    if (i < 0) return undefined;
    const entry = faults[i]!;
    entry.left -= 1;
    if (entry.left <= 0) faults.splice(i, 1);
    return entry.fault;
  }

  /** Wrong credentials are treated as anonymous, as WordPress 6.1 does for the REST API. */
  function authenticate(header: string | undefined): SandboxUser | null {
    const match = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const login = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1).replace(/\s+/g, '');
    const user = state.users.find((u) => u.login === login || u.email === login);
    if (!user || !user.appPasswords.some((p) => p.replace(/\s+/g, '') === password)) return null;
    return user;
  }

  type Out = { status?: number; body: unknown; headers?: Record<string, string> };

  async function dispatch(
    method: string,
    route: string,
    q: Record<string, string>,
    body: Record<string, unknown>,
    user: SandboxUser | null,
  ): Promise<Out> {
    if (route === '/' && method === 'GET') {
      return {
        body: {
          name: 'Mergedesk Sandbox',
          url: baseUrl,
          namespaces: ['wp/v2', ...(bridgeActive ? ['mergedesk/v1'] : [])],
          authentication: { 'application-passwords': { endpoints: {} } },
        },
      };
    }
    if (route === '/wp/v2/users/me' && method === 'GET') {
      if (!user) throw new RestError(401, 'rest_not_logged_in', 'You are not currently logged in.');
      return { body: coreUser(user, q.context === 'edit') };
    }
    if (route === '/wp/v2/users' && method === 'GET') return listCoreUsers(q, user);
    const coreOne = /^\/wp\/v2\/users\/(\d+)$/.exec(route);
    if (coreOne && method === 'GET') {
      const target = userById(Number(coreOne[1]));
      if (q.context === 'edit' && !isAdmin(user) && user?.id !== target?.id) {
        throw new RestError(
          user ? 403 : 401,
          'rest_user_cannot_view',
          'Sorry, you are not allowed to list users.',
        );
      }
      if (!target) throw new RestError(404, 'rest_user_invalid_id', 'Invalid user ID.');
      return { body: coreUser(target, q.context === 'edit') };
    }
    if (route.startsWith('/mergedesk/v1')) {
      if (!bridgeActive) throw noRoute();
      return bridge(method, route.slice('/mergedesk/v1'.length) || '/', q, body, user);
    }
    throw noRoute();
  }

  function listCoreUsers(q: Record<string, string>, user: SandboxUser | null): Out {
    const context = q.context ?? 'view';
    if (context === 'edit' && !isAdmin(user)) {
      throw new RestError(
        user ? 403 : 401,
        'rest_forbidden_context',
        'Sorry, you are not allowed to list users.',
      );
    }
    const { page, perPage } = paging(q);
    const search = (q.search ?? '').toLowerCase();
    const all = state.users.filter(
      (u) =>
        !search ||
        u.login.toLowerCase().includes(search) ||
        u.email.toLowerCase().includes(search) ||
        u.displayName.toLowerCase().includes(search),
    );
    // Anonymous callers see only authors of published posts; the sandbox has none.
    const visible = user ? all : [];
    const items = visible
      .slice((page - 1) * perPage, page * perPage)
      .map((u) => coreUser(u, context === 'edit'));
    return { body: items, headers: totals(visible.length, perPage) };
  }

  function bridge(
    method: string,
    route: string,
    q: Record<string, string>,
    body: Record<string, unknown>,
    user: SandboxUser | null,
  ): Out {
    if (!user) throw new RestError(401, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
    if (!isAdmin(user)) throw new RestError(403, 'rest_forbidden', 'Sorry, you are not allowed to do that.');

    if (route === '/status' && method === 'GET') {
      return {
        body: {
          plugin_version: SANDBOX_PLUGIN_VERSION,
          site_url: baseUrl,
          accessally: { active: true, version: 'sandbox' },
          link_source: 'accessally',
          orders_adapter: 'sandbox',
        },
      };
    }
    if (route === '/members' && method === 'GET') {
      const { page, perPage } = paging(q);
      let list = [...state.users].sort((a, b) => a.id - b.id);
      if (q.modified_since !== undefined) {
        const since = Date.parse(q.modified_since);
        if (Number.isNaN(since))
          throw invalidParam('modified_since', 'modified_since must be an ISO 8601 date.');
        list = list.filter((u) => Date.parse(u.modified) >= since);
      }
      const items = list.slice((page - 1) * perPage, page * perPage).map(member);
      return { body: items, headers: totals(list.length, perPage) };
    }
    const one = /^\/members\/(\d+)$/.exec(route);
    if (one && method === 'GET') return { body: member(requireUser(Number(one[1]))) };

    const forContact = /^\/contacts\/([^/]+)\/members$/.exec(route);
    if (forContact && method === 'GET') {
      let cid: string;
      try {
        cid = decodeURIComponent(forContact[1]!);
      } catch {
        throw invalidParam('contact_id', 'contact_id is not valid URL encoding.');
      }
      if (!CONTACT_ID.test(cid))
        throw invalidParam('contact_id', 'contact_id must be 1–64 letters, digits, _ or -.');
      return { body: state.users.filter((u) => u.contactId === cid).map(member) };
    }
    const relink = /^\/members\/(\d+)\/contact$/.exec(route);
    if (relink && method === 'POST') {
      const target = requireUser(Number(relink[1]));
      const cid = contactIdParam(body.contact_id, 'contact_id');
      const before = target.contactId;
      if (before !== cid) {
        target.contactId = cid;
        target.modified = now();
        persist();
      }
      return { body: { user_id: target.id, before, after: cid, changed: before !== cid } };
    }
    const resync = /^\/members\/(\d+)\/resync$/.exec(route);
    if (resync && method === 'POST') {
      const target = requireUser(Number(resync[1]));
      if (!target.contactId) {
        throw new RestError(
          409,
          'mergedesk_no_contact',
          `User ${target.id} is not linked to a contact, so there is nothing to resync.`,
        );
      }
      const fromCrm = options.crmAccessTags?.(target.contactId);
      target.tags = (fromCrm ?? state.contactTags[target.contactId] ?? []).map((t) => ({
        id: t.id,
        name: t.name,
      }));
      target.modified = now();
      persist();
      return {
        body: { user_id: target.id, contact_id: target.contactId, tags: target.tags, resynced: true },
      };
    }
    if (route === '/orders' && method === 'GET') {
      const cid = q.contact_id === undefined ? undefined : contactIdParam(q.contact_id, 'contact_id');
      return { body: state.orders.filter((o) => cid === undefined || o.contactId === cid).map(order) };
    }
    if (route === '/orders/rekey' && method === 'POST') {
      const from = contactIdParam(body.from_contact_id, 'from_contact_id');
      const to = contactIdParam(body.to_contact_id, 'to_contact_id');
      if (from === to)
        throw new RestError(
          400,
          'mergedesk_same_contact',
          'from_contact_id and to_contact_id are the same contact.',
        );
      const moved = state.orders.filter((o) => o.contactId === from);
      for (const o of moved) o.contactId = to;
      if (moved.length) persist();
      return { body: { moved: moved.length, orders: moved.map(order) } };
    }
    throw noRoute();
  }

  function requireUser(id: number): SandboxUser {
    const u = userById(id);
    if (!u) throw new RestError(404, 'mergedesk_member_not_found', `No WordPress user with id ${id}.`);
    return u;
  }

  function member(u: SandboxUser) {
    return {
      id: u.id,
      login: u.login,
      email: u.email,
      display_name: u.displayName,
      registered: u.registered,
      last_login: u.lastLogin,
      contact_id: u.contactId,
      tags: u.tags,
      progress: u.progress,
    };
  }

  function coreUser(u: SandboxUser, edit: boolean) {
    const view = {
      id: u.id,
      name: u.displayName,
      url: '',
      description: '',
      link: `${baseUrl}/author/${u.login}/`,
      slug: u.login,
      avatar_urls: {},
      meta: [],
    };
    if (!edit) return view;
    return {
      ...view,
      username: u.login,
      first_name: '',
      last_name: '',
      email: u.email,
      nickname: u.login,
      registered_date: u.registered,
      roles: [u.role],
      capabilities: u.role === 'administrator' ? { manage_options: true, list_users: true } : { read: true },
    };
  }

  const server_ = server;
  await new Promise<void>((resolve, reject) => {
    server_.once('error', reject);
    server_.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = state.users.find((u) => u.login === ADMIN_LOGIN)!;
  const subscriber = state.users.find((u) => u.login === SUBSCRIBER_LOGIN)!;

  const handle: WordPressSandbox = {
    baseUrl,
    writeHook: null,
    username: admin.login,
    appPassword: admin.appPasswords[0]!,
    subscriber: { username: subscriber.login, appPassword: subscriber.appPasswords[0]! },
    requests,
    clearRequests() {
      requests.length = 0;
    },
    injectFault(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    setContactTags(contactId, tags) {
      state.contactTags[contactId] = tags.map((t) => ({ id: t.id, name: t.name }));
      persist();
    },
    setBridgeActive(active) {
      bridgeActive = active;
    },
    snapshot: () => structuredClone(state),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
  return handle;
}

function isAdmin(user: SandboxUser | null): boolean {
  return user?.role === 'administrator';
}

function order(o: SandboxOrder) {
  return { id: o.id, kind: o.kind, contact_id: o.contactId, title: o.title, status: o.status };
}

function paging(q: Record<string, string>): { page: number; perPage: number } {
  const page = q.page === undefined ? 1 : Number(q.page);
  const perPage = q.per_page === undefined ? 10 : Number(q.per_page);
  if (!Number.isInteger(page) || page < 1)
    throw invalidParam('page', 'page must be greater than or equal to 1');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    throw invalidParam('per_page', 'per_page must be between 1 (inclusive) and 100 (inclusive)');
  }
  return { page, perPage };
}

function totals(total: number, perPage: number): Record<string, string> {
  return { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(Math.ceil(total / perPage)) };
}

function contactIdParam(value: unknown, name: string): string {
  const v = typeof value === 'number' ? String(value) : value;
  if (typeof v !== 'string' || !CONTACT_ID.test(v)) {
    throw invalidParam(name, `${name} must be 1–64 letters, digits, _ or -.`);
  }
  return v;
}

function invalidParam(name: string, message: string): RestError {
  return new RestError(400, 'rest_invalid_param', `Invalid parameter(s): ${name} (${message})`);
}

function noRoute(): RestError {
  return new RestError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
}

function wpError(e: RestError) {
  return { code: e.code, message: e.message, data: { status: e.status } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000)
      throw new RestError(413, 'rest_payload_too_large', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new RestError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
  }
}
