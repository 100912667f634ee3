import type { z } from 'zod';
import { AppError } from '../../domain/errors';
import {
  HttpClient,
  parseRetryAfter,
  type HttpRequest,
  type HttpResponse,
  type RateLimits,
  type ResponseVerdict,
} from '../../net/http-client';
import { systemClock, type Clock } from '../../ports/clock';
import type {
  ContactPatch,
  CrmAccountInfo,
  CrmAutomation,
  CrmAutomationMembership,
  CrmClient,
  CrmContact,
  CrmCustomField,
  CrmList,
  CrmListMembership,
  CrmOrder,
  CrmSubscription,
  CrmTag,
  ListOptions,
  ListStatus,
  Page,
} from '../../ports/crm';
import * as s from './schemas';

/** "5 requests per second per account" (ActiveCampaign rate limit); shared by every key of the account. */
export const AC_ACCOUNT_LIMITS: RateLimits = { perSecond: 5, maxConcurrent: 2 };
const MAX_LIMIT = 100;
const TAG_INDEX_MAX_AGE_MS = 10 * 60_000;
const API = '/api/3';

export interface ActiveCampaignClientOptions {
  /** The account's own API URL from Settings → Developer, e.g. `https://example.api-us1.com`. */
  readonly baseUrl: string;
  readonly apiToken: string;
  readonly limits?: RateLimits;
  readonly clock?: Clock;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly onRequest?: () => void;
}

/** The account root, whether the person pasted `https://x.api-us1.com`, `…/api/3` or `…/api/3/`. */
export function normaliseAcBaseUrl(url: string): string {
  const parsed = new URL(url.trim());
  return parsed
    .toString()
    .replace(/\/+$/, '')
    .replace(/\/api\/3$/, '');
}

const LIST_STATUS: Record<string, ListStatus> = {
  '0': 'unconfirmed',
  '1': 'active',
  '2': 'unsubscribed',
  '3': 'bounced',
};

function errorText(data: unknown): string | null {
  const parsed = s.acError.safeParse(data);
  if (!parsed.success) return null;
  const body = parsed.data as {
    errors?: { title?: string; detail?: string }[];
    message?: string;
  };
  if (body.errors) {
    return body.errors.map((e) => [e.title, e.detail].filter(Boolean).join(': ')).join('; ') || null;
  }
  return body.message ?? null;
}

function parse<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
  const r = schema.safeParse(data);
  if (!r.success) {
    throw new AppError('REMOTE_ERROR', `ActiveCampaign answered ${what} with an unexpected shape.`, {
      issues: r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return r.data;
}

/** `CrmClient` over ActiveCampaign API v3, through the shared HTTP layer. No merge endpoint exists. */
export class ActiveCampaignClient implements CrmClient {
  readonly kind = 'activecampaign';
  readonly capabilities = {
    nativeMerge: false,
    sequences: false,
    tagsOnContact: true,
    lists: true,
    automations: true,
  } as const;
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly clock: Clock;

  constructor(options: ActiveCampaignClientOptions) {
    if (!options.apiToken.trim()) throw new AppError('INVALID_INPUT', 'The ActiveCampaign API key is empty.');
    this.clock = options.clock ?? systemClock;
    this.baseUrl = normaliseAcBaseUrl(options.baseUrl);
    this.http = new HttpClient({
      baseURL: this.baseUrl,
      headers: () => ({ 'Api-Token': options.apiToken.trim() }),
      limits: options.limits ?? AC_ACCOUNT_LIMITS,
      clock: this.clock,
      judge: (res, req) => this.judge(res, req),
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 8,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: 60_000,
      ...(options.onRequest ? { onRequest: () => options.onRequest!() } : {}),
    });
  }

  private judge(res: HttpResponse, req: HttpRequest): ResponseVerdict | undefined {
    const st = res.status;
    if (st === 429) {
      // The limit is per account: every request of this client waits out the window, not only this one.
      const wait = parseRetryAfter(res.headers['retry-after'], this.clock.now());
      if (wait !== undefined) this.http.pauseUntil(this.clock.now() + wait);
      return undefined;
    }
    const said = errorText(res.data);
    if (st >= 500 && !(req.idempotent ?? req.method !== 'POST')) {
      // The shared layer does not repeat a request that may have landed (a second POST /contactAutomations starts
      // the automation again), so the answer is an error the merge step retries after checking what is there.
      return {
        kind: 'fail',
        error: new AppError(
          'REMOTE_ERROR',
          `ActiveCampaign could not complete ${req.method} ${req.path} (HTTP ${st}${said ? `: ${said}` : ''}); it may or may not have been applied.`,
          { status: st },
        ),
      };
    }
    if ((st >= 200 && st < 300) || st === 404 || st >= 500) return undefined;
    if (st === 401 || (st === 403 && !req.path.endsWith('/contactAutomations'))) {
      return {
        kind: 'fail',
        error: new AppError(
          'AUTH_FAILED',
          `ActiveCampaign refused the API key (HTTP ${st}${said ? `: ${said}` : ''}). Copy it again from Settings → Developer.`,
          { status: st },
        ),
      };
    }
    if (st === 422 && /already exists/i.test(said ?? '')) {
      return {
        kind: 'fail',
        error: new AppError('CONFLICT', `ActiveCampaign refused the change: ${said}.`, { status: st }),
      };
    }
    return {
      kind: 'fail',
      error: new AppError(
        'REMOTE_ERROR',
        `ActiveCampaign answered ${req.method} ${req.path} with HTTP ${st}${said ? `: ${said}` : ''}.`,
        { status: st },
      ),
    };
  }

  private req(
    method: HttpRequest['method'],
    path: string,
    extra: Partial<HttpRequest> = {},
    signal?: AbortSignal,
  ) {
    return this.http.request<unknown>({
      method,
      path: `${API}${path}`,
      ...extra,
      ...(signal ? { signal } : {}),
    });
  }

  async testConnection(signal?: AbortSignal): Promise<CrmAccountInfo> {
    const res = await this.req('GET', '/users/me', {}, signal);
    if (res.status === 404) {
      throw new AppError(
        'CONNECTION_FAILED',
        `${this.baseUrl} does not look like an ActiveCampaign API address (no /api/3/users/me). Copy the URL from Settings → Developer.`,
      );
    }
    const me = parse(s.acUser, res.data, 'GET /users/me').user;
    const details: Record<string, string> = { baseUrl: this.baseUrl };
    const total = await this.estimateContactCount(signal);
    if (total !== null) details.contacts = String(total);
    if (me.email) details.user = me.email;
    // `<account>.api-us1.com` names the account; a sandbox on an IP address is named by its address.
    const url = new URL(this.baseUrl);
    const account = /^[\d.]+$|^\[/.test(url.hostname)
      ? `ActiveCampaign at ${url.host}`
      : url.hostname.split('.')[0]!;
    return { kind: this.kind, account, details };
  }

  async estimateContactCount(signal?: AbortSignal): Promise<number | null> {
    const res = await this.req('GET', '/contacts', { query: { limit: 1 } }, signal);
    const total = parse(s.contactsPage, res.data, 'GET /contacts').meta?.total;
    return typeof total === 'number' && Number.isFinite(total) ? total : null;
  }

  /** Large accounts page by id (`orders[id]=ASC` + `id_greater`), never by offset; the cursor is the last id. */
  private async contactPage(options: ListOptions & { readonly updatedSince?: string | null }): Promise<{
    contacts: s.AcContact[];
    rejected: { id: string | null; reason: string }[];
    next: string | null;
  }> {
    const limit = Math.min(MAX_LIMIT, Math.max(1, options.pageSize ?? MAX_LIMIT));
    const res = await this.req(
      'GET',
      '/contacts',
      {
        query: {
          limit,
          'orders[id]': 'ASC',
          ...(options.cursor ? { id_greater: options.cursor } : {}),
          ...(options.updatedSince ? { 'filters[updated_after]': options.updatedSince } : {}),
        },
      },
      options.signal,
    );
    const page = parse(s.contactsPage, res.data, 'GET /contacts');
    const contacts: s.AcContact[] = [];
    const rejected: { id: string | null; reason: string }[] = [];
    for (const raw of page.contacts) {
      const c = s.acContact.safeParse(raw);
      if (c.success) contacts.push(c.data);
      else {
        const rid = (raw as { id?: unknown } | null)?.id;
        rejected.push({
          id: rid === undefined || rid === null ? null : String(rid),
          reason: 'not a contact record',
        });
      }
    }
    const ids = page.contacts.map((r) => Number((r as { id?: unknown } | null)?.id)).filter(Number.isFinite);
    const last = ids.length ? String(Math.max(...ids)) : null;
    return { contacts, rejected, next: page.contacts.length === limit && last ? last : null };
  }

  /**
   * Tags of a sync pass's contacts. A full pass (and an incremental one that turns out to span pages) reads them
   * tag by tag with the documented `GET /contacts?tagid=` filter, 100 contacts a request, so the tags of N contacts
   * cost about N×(tags per contact)/100 requests instead of one request per contact; a short incremental pass
   * reads each changed contact's own tags.
   */
  async listContacts(
    options: ListOptions & { readonly updatedSince?: string | null },
  ): Promise<Page<CrmContact>> {
    const page = await this.contactPage(options);
    const pass = options.updatedSince ?? null;
    if (!options.cursor || this.tagIndex?.pass !== pass || this.tagIndexExpired()) this.tagIndex = null;
    const bulk = !pass || page.next !== null || this.tagIndex !== null;
    const index = bulk && page.contacts.length > 0 ? await this.tagsByContact(pass, options.signal) : null;
    const items: CrmContact[] = [];
    for (const c of page.contacts)
      items.push(
        toCrmContact(c, index ? (index.get(c.id) ?? []) : await this.getContactTagIds(c.id, options.signal)),
      );
    if (page.next === null) this.tagIndex = null;
    return { items, nextCursor: page.next, ...(page.rejected.length ? { rejected: page.rejected } : {}) };
  }

  /** Every contact's tag ids for one sync pass, built once per pass and dropped when the pass ends. */
  private tagIndex: { pass: string | null; builtAt: number; byContact: Map<string, string[]> } | null = null;

  private tagIndexExpired(): boolean {
    // A pass resumed long after it stopped reads the tags again rather than trust an old index.
    return this.tagIndex !== null && this.clock.now() - this.tagIndex.builtAt > TAG_INDEX_MAX_AGE_MS;
  }

  private async tagsByContact(pass: string | null, signal?: AbortSignal): Promise<Map<string, string[]>> {
    if (this.tagIndex) return this.tagIndex.byContact;
    const builtAt = this.clock.now();
    const byContact = new Map<string, string[]>();
    for (let cursor: string | null = null, i = 0; i < 100_000; i++) {
      const tags: Page<CrmTag> = await this.listTags({ cursor, ...(signal ? { signal } : {}) });
      for (const tag of tags.items) {
        for (let after: string | null = null, j = 0; j < 1_000_000; j++) {
          const res = await this.req(
            'GET',
            '/contacts',
            {
              query: {
                tagid: tag.id,
                limit: MAX_LIMIT,
                'orders[id]': 'ASC',
                ...(after ? { id_greater: after } : {}),
              },
            },
            signal,
          );
          const ids = parse(s.contactsPage, res.data, `GET /contacts?tagid=${tag.id}`)
            .contacts.map((r) => (r as { id?: unknown } | null)?.id)
            .filter((id): id is string | number => typeof id === 'string' || typeof id === 'number')
            .map(String);
          for (const id of ids) {
            const list = byContact.get(id);
            if (list) list.push(tag.id);
            else byContact.set(id, [tag.id]);
          }
          if (ids.length < MAX_LIMIT) break;
          after = ids.reduce((a, b) => (Number(b) > Number(a) ? b : a));
        }
      }
      if (!tags.nextCursor) break;
      cursor = tags.nextCursor;
    }
    for (const list of byContact.values()) list.sort();
    this.tagIndex = { pass, builtAt, byContact };
    return byContact;
  }

  async listContactIds(options: ListOptions): Promise<Page<string>> {
    const page = await this.contactPage(options);
    return { items: page.contacts.map((c) => c.id), nextCursor: page.next };
  }

  async getContact(id: string, signal?: AbortSignal): Promise<CrmContact | null> {
    const res = await this.req('GET', `/contacts/${encodeURIComponent(id)}`, {}, signal);
    if (res.status === 404) return null;
    const one = parse(s.contactOne, res.data, `GET /contacts/${id}`);
    const contact = parse(s.acContact, one.contact, `GET /contacts/${id}`);
    const values = (one.fieldValues ?? [])
      .map((v) => s.acFieldValue.safeParse(v))
      .flatMap((v) => (v.success ? [v.data] : []));
    const tagIds = await this.getContactTagIds(id, signal);
    return toCrmContact(contact, tagIds, values);
  }

  async updateContact(id: string, patch: ContactPatch, signal?: AbortSignal): Promise<CrmContact> {
    const res = await this.req(
      'PUT',
      `/contacts/${encodeURIComponent(id)}`,
      { body: { contact: toAcContact(patch) } },
      signal,
    );
    if (res.status === 404) throw notFound(id);
    const after = await this.getContact(id, signal);
    if (!after) throw notFound(id);
    return after;
  }

  async createContact(patch: ContactPatch, signal?: AbortSignal): Promise<CrmContact> {
    const res = await this.req(
      'POST',
      '/contacts',
      { body: { contact: toAcContact(patch) }, idempotent: false },
      signal,
    );
    const created = parse(s.acContact, (res.data as { contact?: unknown } | null)?.contact, 'POST /contacts');
    const after = await this.getContact(created.id, signal);
    if (!after) throw notFound(created.id);
    return after;
  }

  async deleteContact(id: string, signal?: AbortSignal): Promise<void> {
    // 404 {"message": "No result found for contact with id N"}: already gone, which is what was asked.
    await this.req('DELETE', `/contacts/${encodeURIComponent(id)}`, {}, signal);
  }

  private async offsetPage<T>(
    path: string,
    options: ListOptions,
    read: (data: unknown) => { items: T[]; total: number | undefined },
  ): Promise<Page<T>> {
    const limit = Math.min(MAX_LIMIT, Math.max(1, options.pageSize ?? MAX_LIMIT));
    const offset = options.cursor ? Number(options.cursor) : 0;
    const res = await this.req('GET', path, { query: { limit, offset } }, options.signal);
    const { items, total } = read(res.data);
    const end = offset + items.length;
    const more = items.length === limit && (total === undefined || end < total);
    return { items, nextCursor: more ? String(end) : null };
  }

  listTags(options: ListOptions): Promise<Page<CrmTag>> {
    return this.offsetPage('/tags', options, (data) => {
      const p = parse(s.tagsPage, data, 'GET /tags');
      return {
        items: p.tags.map((t) => ({
          id: t.id,
          name: t.tag,
          category: t.tagType && t.tagType !== 'contact' ? t.tagType : null,
        })),
        total: p.meta?.total,
      };
    });
  }

  private async contactTags(contactId: string, signal?: AbortSignal) {
    const res = await this.req('GET', `/contacts/${encodeURIComponent(contactId)}/contactTags`, {}, signal);
    if (res.status === 404) throw notFound(contactId);
    return parse(s.contactTagsList, res.data, `GET /contacts/${contactId}/contactTags`).contactTags;
  }

  async getContactTagIds(contactId: string, signal?: AbortSignal): Promise<readonly string[]> {
    return [...new Set((await this.contactTags(contactId, signal)).map((a) => a.tag))].sort();
  }

  async applyTags(contactId: string, tagIds: readonly string[], signal?: AbortSignal): Promise<void> {
    const have = new Set((await this.contactTags(contactId, signal)).map((a) => a.tag));
    for (const tag of tagIds) {
      if (have.has(tag)) continue;
      const res = await this.req(
        'POST',
        '/contactTags',
        { body: { contactTag: { contact: contactId, tag } }, idempotent: false },
        signal,
      );
      if (res.status === 404)
        throw new AppError('NOT_FOUND', `ActiveCampaign has no contact ${contactId} or tag ${tag}.`, {
          status: 404,
        });
      have.add(tag);
    }
  }

  async removeTags(contactId: string, tagIds: readonly string[], signal?: AbortSignal): Promise<void> {
    const drop = new Set(tagIds);
    // Removal goes by the association id, not the tag id.
    for (const a of await this.contactTags(contactId, signal)) {
      if (drop.has(a.tag)) await this.req('DELETE', `/contactTags/${encodeURIComponent(a.id)}`, {}, signal);
    }
  }

  /** ActiveCampaign keeps no orders or subscriptions on a contact that a merge must move; AccessAlly's are in WordPress. */
  listOrders(): Promise<Page<CrmOrder>> {
    return Promise.resolve({ items: [], nextCursor: null });
  }

  listSubscriptions(): Promise<Page<CrmSubscription>> {
    return Promise.resolve({ items: [], nextCursor: null });
  }

  listLists(options: ListOptions): Promise<Page<CrmList>> {
    return this.offsetPage('/lists', options, (data) => {
      const p = parse(s.listsPage, data, 'GET /lists');
      return { items: p.lists.map((l) => ({ id: l.id, name: l.name })), total: p.meta?.total };
    });
  }

  async getContactLists(contactId: string, signal?: AbortSignal): Promise<readonly CrmListMembership[]> {
    const res = await this.req('GET', `/contacts/${encodeURIComponent(contactId)}/contactLists`, {}, signal);
    if (res.status === 404) throw notFound(contactId);
    return parse(s.contactListsList, res.data, `GET /contacts/${contactId}/contactLists`)
      .contactLists.map((m) => ({ listId: m.list, status: LIST_STATUS[m.status] ?? 'unconfirmed' }))
      .sort((a, b) => a.listId.localeCompare(b.listId));
  }

  async setListStatus(
    contactId: string,
    listId: string,
    status: 'active' | 'unsubscribed',
    signal?: AbortSignal,
  ): Promise<void> {
    const res = await this.req(
      'POST',
      '/contactLists',
      // Setting a status is a state, not an event: sending it twice leaves the same status.
      {
        body: { contactList: { list: listId, contact: contactId, status: status === 'active' ? 1 : 2 } },
        idempotent: true,
      },
      signal,
    );
    if (res.status === 404)
      throw new AppError('NOT_FOUND', `ActiveCampaign has no contact ${contactId} or list ${listId}.`, {
        status: 404,
      });
  }

  listAutomations(options: ListOptions): Promise<Page<CrmAutomation>> {
    return this.offsetPage('/automations', options, (data) => {
      const p = parse(s.automationsPage, data, 'GET /automations');
      return {
        items: p.automations.map((a) => ({
          id: a.id,
          name: a.name,
          active: a.status === undefined || a.status === '1',
          sendsEmail: null,
        })),
        total: p.meta?.total,
      };
    });
  }

  async getContactAutomations(
    contactId: string,
    signal?: AbortSignal,
  ): Promise<readonly CrmAutomationMembership[]> {
    const res = await this.req(
      'GET',
      `/contacts/${encodeURIComponent(contactId)}/contactAutomations`,
      {},
      signal,
    );
    if (res.status === 404) throw notFound(contactId);
    return parse(s.contactAutomationsList, res.data, `GET /contacts/${contactId}/contactAutomations`)
      .contactAutomations.map((m) => ({
        automationId: m.automation,
        status: m.status === '2' ? ('completed' as const) : ('active' as const),
      }))
      .sort((a, b) => a.automationId.localeCompare(b.automationId));
  }

  async addToAutomation(contactId: string, automationId: string, signal?: AbortSignal): Promise<void> {
    // Not idempotent: a second add may start the automation again, so the caller checks membership first.
    const res = await this.req(
      'POST',
      '/contactAutomations',
      { body: { contactAutomation: { contact: contactId, automation: automationId } }, idempotent: false },
      signal,
    );
    if (res.status === 403 || res.status === 404) {
      throw new AppError(
        'NOT_FOUND',
        `ActiveCampaign could not add contact ${contactId} to automation ${automationId} (${errorText(res.data) ?? `HTTP ${res.status}`}).`,
        { status: res.status },
      );
    }
  }

  listCustomFields(options: ListOptions): Promise<Page<CrmCustomField>> {
    return this.offsetPage('/fields', options, (data) => {
      const p = parse(s.fieldsPage, data, 'GET /fields');
      return { items: p.fields.map((f) => ({ id: f.id, name: f.title })), total: p.meta?.total };
    });
  }
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `ActiveCampaign has no contact ${id} (404).`, { status: 404, id });
}

/** One email and one phone per contact; consent lives on the lists, so an address carries no opt-in. */
export function toCrmContact(
  c: s.AcContact,
  tagIds: readonly string[],
  values: readonly z.output<typeof s.acFieldValue>[] = [],
): CrmContact {
  const customFields: Record<string, string> = {};
  for (const v of values) if (v.value !== null && v.value !== '') customFields[v.field] = v.value;
  return {
    id: c.id,
    givenName: c.firstName || null,
    familyName: c.lastName || null,
    company: c.orgname || null,
    emails: c.email ? [{ slot: 'primary', email: c.email, optIn: null }] : [],
    phones: c.phone ? [{ slot: 'primary', number: c.phone }] : [],
    addresses: [],
    tagIds: [...tagIds],
    ...(values.length ? { customFields } : {}),
    createdAt: c.cdate ?? null,
    updatedAt: c.udate ?? null,
    raw: c,
  };
}

export function toAcContact(patch: ContactPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (patch.givenName !== undefined) out.firstName = patch.givenName ?? '';
  if (patch.familyName !== undefined) out.lastName = patch.familyName ?? '';
  if (patch.emails !== undefined) out.email = patch.emails[0]?.email ?? '';
  if (patch.phones !== undefined) out.phone = patch.phones[0]?.number ?? '';
  if (patch.customFields) {
    out.fieldValues = Object.entries(patch.customFields).map(([field, value]) => ({
      field,
      value: value ?? '',
    }));
  }
  return out;
}
