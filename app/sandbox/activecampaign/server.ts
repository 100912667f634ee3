import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaultInjector } from '../keap/faults';
import { writeHookBefore, type WriteHook } from '../write-hook';
import type { WordPressSeed } from '../types';
import { generateAcWorld, type AcGroundTruth, type AcState } from './world';

export interface AcSandboxOptions {
  readonly port?: number;
  /** Folder for the persisted state; omitted = in memory only. */
  readonly stateDir?: string;
  readonly seed?: number;
  readonly people?: number;
  readonly apiKey?: string;
  /** Requests per second per account (ActiveCampaign documents 5). */
  readonly perSecond?: number;
  /** Seconds in the Retry-After header of a 429. */
  readonly retryAfterSeconds?: number;
  readonly now?: () => number;
}

export interface AcSandbox {
  /** `http://127.0.0.1:PORT`: the account's API URL (paths hang off `/api/3`). */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly port: number;
  readonly state: AcState;
  readonly faults: FaultInjector;
  readonly stats: { requests: number; rateLimited: number; byRoute: Record<string, number> };
  /** Every write request as `METHOD /path`, in order. */
  readonly writes: string[];
  readonly world: { readonly truth: AcGroundTruth; wordpressSeed(): WordPressSeed };
  /** Called around every write with `METHOD /path`, followed by ` <JSON body>` when the request has one. */
  writeHook: WriteHook | null;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(String(status));
  }
}

const notFoundContact = (id: string) =>
  new HttpError(404, { message: `No result found for contact with id ${id}` });
const errors = (status: number, title: string, detail = '', extra: Record<string, unknown> = {}) =>
  new HttpError(status, { errors: [{ status, title, detail, ...extra }] });

function page<T>(items: readonly T[], q: URLSearchParams): { items: T[]; total: string } {
  const limit = Math.min(100, Math.max(1, Number(q.get('limit') ?? 20) || 20));
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);
  return { items: items.slice(offset, offset + limit), total: String(items.length) };
}

/**
 * An ActiveCampaign API v3-compatible account on 127.0.0.1: `Api-Token` auth, string ids, unique emails, the
 * documented error bodies, 5 requests/s per account with 429 + Retry-After, no merge endpoint, and the Keap
 * sandbox's fault injection and write hooks.
 */
export async function startActiveCampaignSandbox(options: AcSandboxOptions = {}): Promise<AcSandbox> {
  const now = options.now ?? Date.now;
  const file = options.stateDir ? join(options.stateDir, 'activecampaign.json') : null;
  const state: AcState =
    file && existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as AcState)
      : generateAcWorld(options.seed ?? 42, options.people ?? 60);
  const persist = () => {
    if (!file) return;
    mkdirSync(options.stateDir!, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  };
  persist();
  const apiKey = options.apiKey ?? `ac-sandbox-${randomBytes(12).toString('hex')}`;
  const perSecond = options.perSecond ?? 5;
  const faults = new FaultInjector();
  const stats = { requests: 0, rateLimited: 0, byRoute: {} as Record<string, number> };
  const writes: string[] = [];
  const recent: number[] = [];
  // Association ids continue after the largest one in the state, so a sandbox started again on its folder never
  // hands out an id that already names a tag, list or automation entry.
  let assoc = Math.max(
    100_000,
    ...[state.contactTags, state.contactAutomations].flatMap((rows) =>
      Object.keys(rows)
        .map(Number)
        .filter(Number.isFinite)
        .map((n) => n + 1),
    ),
    ...Object.values(state.fieldValues)
      .map((v) => Number(v.id) + 1)
      .filter(Number.isFinite),
  );
  const stamp = () => new Date(now()).toISOString().replace('.000Z', '-00:00');
  const touch = (id: string) => {
    const c = state.contacts[id];
    if (c) c.udate = stamp();
  };

  const contactOut = (id: string) => {
    const c = state.contacts[id]!;
    return { ...c, links: { contactTags: `/api/3/contacts/${id}/contactTags` } };
  };
  const mustContact = (id: string) => {
    if (!state.contacts[id]) throw notFoundContact(id);
    return state.contacts[id]!;
  };
  const emailTaken = (email: string, except?: string) =>
    Object.values(state.contacts).some(
      (c) => c.id !== except && c.email.toLowerCase() === email.toLowerCase(),
    );
  const writeFields = (id: string, values: unknown) => {
    if (!Array.isArray(values)) return;
    for (const v of values as { field?: unknown; value?: unknown }[]) {
      const field = String(v.field ?? '');
      if (!state.fields[field]) throw errors(422, 'Field does not exist', `No field ${field}`);
      const key = `${id}:${field}`;
      const value = String(v.value ?? '');
      if (value === '') delete state.fieldValues[key];
      else
        state.fieldValues[key] = {
          id: state.fieldValues[key]?.id ?? String(assoc++),
          contact: id,
          field,
          value,
        };
    }
  };

  function route(
    method: string,
    path: string,
    q: URLSearchParams,
    body: Record<string, unknown>,
  ): [number, unknown] {
    const m = (re: RegExp) => re.exec(path);
    let r: RegExpExecArray | null;
    if (/merge/i.test(path)) throw new HttpError(404, { message: 'Not Found' });
    if (method === 'GET' && path === '/users/me')
      return [
        200,
        {
          user: {
            username: 'sandbox-admin',
            email: 'admin@ac-sandbox.test',
            firstName: 'Sandbox',
            lastName: 'Admin',
          },
        },
      ];
    if (path === '/contacts' && method === 'GET') {
      let all = Object.values(state.contacts);
      const email = q.get('email');
      if (email) all = all.filter((c) => c.email.toLowerCase() === email.toLowerCase());
      const tagid = q.get('tagid');
      if (tagid) {
        const tagged = new Set(
          Object.values(state.contactTags)
            .filter((a) => a.tag === tagid)
            .map((a) => a.contact),
        );
        all = all.filter((c) => tagged.has(c.id));
      }
      const greater = q.get('id_greater');
      if (greater) all = all.filter((c) => Number(c.id) > Number(greater));
      const after = q.get('filters[updated_after]');
      if (after) all = all.filter((c) => Date.parse(c.udate) > Date.parse(after));
      const order = q.get('orders[id]') === 'DESC' ? -1 : 1;
      all.sort((a, b) => order * (Number(a.id) - Number(b.id)));
      const p = page(all, q);
      return [
        200,
        {
          scoreValues: [],
          contacts: p.items.map((c) => contactOut(c.id)),
          meta: { total: p.total, page_input: {} },
        },
      ];
    }
    if (path === '/contacts' && method === 'POST') {
      const c = (body.contact ?? {}) as Record<string, unknown>;
      const email = String(c.email ?? '');
      if (email && emailTaken(email))
        throw errors(422, 'Email address already exists in the system', '', {
          code: 'duplicate',
          source: { pointer: '/data/attributes/email' },
        });
      const id = String(state.nextId++);
      state.contacts[id] = {
        id,
        email,
        firstName: String(c.firstName ?? ''),
        lastName: String(c.lastName ?? ''),
        phone: String(c.phone ?? ''),
        cdate: stamp(),
        udate: stamp(),
      };
      writeFields(id, c.fieldValues);
      return [201, { contact: contactOut(id) }];
    }
    if ((r = m(/^\/contacts\/(\d+)$/))) {
      const id = r[1]!;
      if (method === 'GET') {
        mustContact(id);
        const values = Object.values(state.fieldValues).filter((v) => v.contact === id);
        return [200, { contact: contactOut(id), fieldValues: values }];
      }
      if (method === 'PUT') {
        const c = mustContact(id);
        const patch = (body.contact ?? {}) as Record<string, unknown>;
        if (typeof patch.email === 'string' && patch.email && emailTaken(patch.email, id))
          throw errors(422, 'Email address already exists in the system', '', {
            code: 'duplicate',
            source: { pointer: '/data/attributes/email' },
          });
        for (const k of ['email', 'firstName', 'lastName', 'phone'] as const)
          if (typeof patch[k] === 'string') c[k] = patch[k];
        writeFields(id, patch.fieldValues);
        c.udate = stamp();
        return [200, { contact: contactOut(id) }];
      }
      if (method === 'DELETE') {
        mustContact(id);
        delete state.contacts[id];
        for (const [k, v] of Object.entries(state.contactTags))
          if (v.contact === id) delete state.contactTags[k];
        for (const [k, v] of Object.entries(state.contactLists))
          if (v.contact === id) delete state.contactLists[k];
        for (const [k, v] of Object.entries(state.contactAutomations))
          if (v.contact === id) delete state.contactAutomations[k];
        for (const [k, v] of Object.entries(state.fieldValues))
          if (v.contact === id) delete state.fieldValues[k];
        return [200, {}];
      }
    }
    if (
      method === 'GET' &&
      (r = m(/^\/contacts\/(\d+)\/(contactTags|contactLists|contactAutomations|fieldValues)$/))
    ) {
      const [id, what] = [r[1]!, r[2]!];
      mustContact(id);
      if (what === 'contactTags')
        return [
          200,
          {
            contactTags: Object.entries(state.contactTags)
              .filter(([, v]) => v.contact === id)
              .map(([aid, v]) => ({ id: aid, ...v })),
          },
        ];
      if (what === 'contactLists')
        return [
          200,
          {
            contactLists: Object.values(state.contactLists)
              .filter((v) => v.contact === id)
              .map((v) => ({ id: `${v.contact}${v.list}`, ...v })),
          },
        ];
      if (what === 'contactAutomations')
        return [
          200,
          {
            contactAutomations: Object.entries(state.contactAutomations)
              .filter(([, v]) => v.contact === id)
              .map(([aid, v]) => ({ id: aid, ...v })),
          },
        ];
      return [200, { fieldValues: Object.values(state.fieldValues).filter((v) => v.contact === id) }];
    }
    if (method === 'POST' && path === '/contactTags') {
      const ct = (body.contactTag ?? {}) as Record<string, unknown>;
      if (ct.contact === undefined)
        throw errors(422, 'Missing attribute', '', { source: { pointer: '/data/attributes/contact' } });
      if (ct.tag === undefined)
        throw errors(422, 'Missing attribute', '', { source: { pointer: '/data/attributes/tag' } });
      const contact = String(ct.contact);
      const tag = String(ct.tag);
      if (!state.contacts[contact]) throw errors(404, 'Not Found', 'Contact not found');
      if (!state.tags[tag]) throw errors(404, 'Not Found', 'Tag not found');
      const existing = Object.entries(state.contactTags).find(
        ([, v]) => v.contact === contact && v.tag === tag,
      );
      const id = existing?.[0] ?? String(assoc++);
      if (!existing) state.contactTags[id] = { contact, tag, cdate: stamp() };
      touch(contact);
      return [201, { contactTag: { id, ...state.contactTags[id]! } }];
    }
    if (method === 'DELETE' && (r = m(/^\/contactTags\/(\d+)$/))) {
      const a = state.contactTags[r[1]!];
      if (!a) throw errors(404, 'Not Found', 'ContactTag not found');
      delete state.contactTags[r[1]!];
      touch(a.contact);
      return [200, {}];
    }
    if (method === 'POST' && path === '/contactLists') {
      const cl = (body.contactList ?? {}) as Record<string, unknown>;
      const contact = String(cl.contact ?? '');
      const list = String(cl.list ?? '');
      if (!state.contacts[contact]) throw errors(404, 'Not Found', 'Contact not found');
      if (!state.lists[list]) throw errors(404, 'Not Found', 'List not found');
      const status = String(cl.status ?? '1');
      state.contactLists[`${contact}:${list}`] = { contact, list, status };
      touch(contact);
      return [200, { contactList: { contact, list, status } }];
    }
    if (method === 'POST' && path === '/contactAutomations') {
      const ca = (body.contactAutomation ?? {}) as Record<string, unknown>;
      const contact = String(ca.contact ?? '');
      const automation = String(ca.automation ?? '');
      if (!state.contacts[contact] || !state.automations[automation])
        throw new HttpError(403, { message: 'Could not create SubscriberSeries' });
      const id = String(assoc++);
      state.contactAutomations[id] = { contact, automation, status: '1' };
      return [201, { contactAutomation: { id, contact, automation, status: '1' } }];
    }
    const catalogue: Record<string, () => unknown[]> = {
      '/tags': () => Object.values(state.tags),
      '/lists': () => Object.values(state.lists),
      '/automations': () => Object.values(state.automations),
      '/fields': () => Object.values(state.fields),
    };
    if (method === 'GET' && catalogue[path]) {
      const p = page(catalogue[path](), q);
      return [200, { [path.slice(1)]: p.items, meta: { total: p.total } }];
    }
    throw new HttpError(404, { message: 'Not Found' });
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/api\/3/, '');
    const signature = `${method} ${path}`;
    stats.requests++;
    stats.byRoute[signature.replace(/\d+/g, ':id')] =
      (stats.byRoute[signature.replace(/\d+/g, ':id')] ?? 0) + 1;
    try {
      if (!url.pathname.startsWith('/api/3/')) throw new HttpError(404, { message: 'Not Found' });
      if (req.headers['api-token'] !== apiKey)
        throw new HttpError(403, { message: 'You are not authorized to access this resource' });
      const t = now();
      while (recent.length && recent[0]! <= t - 1000) recent.shift();
      const fault = faults.pick(`${signature}${url.search}`);
      if (recent.length >= perSecond || fault?.type === 'rate_limit') {
        stats.rateLimited++;
        return send(
          res,
          429,
          { message: 'Too Many Requests' },
          {
            'Retry-After': String(options.retryAfterSeconds ?? 1),
            'RateLimit-Limit': String(perSecond),
            'RateLimit-Remaining': '0',
          },
        );
      }
      recent.push(t);
      if (fault?.type === 'drop') return void req.socket.destroy();
      if (fault?.type === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.type === 'status')
        return send(res, fault.status, fault.body ?? { message: `Injected failure (${fault.status})` });
      if (fault?.type === 'malformed') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return void res.end('{"contacts": [');
      }
      const write = method !== 'GET';
      // The hook is told the body too, so a test can tell a retry of one write from the next write to the same
      // path (each tag and list is its own POST).
      const described = text ? `${signature} ${text}` : signature;
      if (write && (await writeHookBefore(sandbox.writeHook, described, req, res))) return;
      let body: Record<string, unknown> = {};
      if (text) {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          throw errors(400, 'Bad Request', 'The body is not JSON');
        }
      }
      const [status, out] = route(method, path, url.searchParams, body);
      if (write) {
        writes.push(signature);
        persist();
      }
      send(res, status, out, {
        'RateLimit-Limit': String(perSecond),
        'RateLimit-Remaining': String(Math.max(0, perSecond - recent.length)),
      });
    } catch (error) {
      if (error instanceof HttpError) return send(res, error.status, error.body);
      send(res, 500, { message: 'Internal Server Error' });
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const sandbox: AcSandbox = {
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey,
    port,
    state,
    faults,
    stats,
    writes,
    world: { truth: state.truth, wordpressSeed: () => state.wordpress },
    writeHook: null,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sandbox;
}
