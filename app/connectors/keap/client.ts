import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { HttpClient, type HttpClientOptions, type HttpRequest, type RateLimits } from '../../net/http-client';
import { assertSecureTransport } from '../../net/secure-url';
import { systemClock, type Clock } from '../../ports/clock';
import type {
  ContactPatch,
  CrmAccountInfo,
  CrmClient,
  CrmContact,
  CrmOrder,
  CrmQuota,
  CrmSequence,
  CrmSubscription,
  CrmTag,
  ListOptions,
  Page,
  SequenceRef,
} from '../../ports/crm';
import type { KeapAuth } from './auth';
import { createKeapJudge, nextUtcMidnight, type KeapQuotaState } from './judge';
import {
  CONTACT_FIELDS,
  MalformedRecordError,
  toCrmCampaign,
  toCrmContact,
  toCrmOrder,
  toCrmSequence,
  toCrmSubscription,
  toCrmTag,
  toKeapPatch,
} from './mapping';

const fmt = (n: number): string => n.toLocaleString('en-US');

export const KEAP_DEFAULT_BASE_URL = 'https://api.infusionsoft.com/crm';
/** Personal Access Token / Service Account Key limits (per key). */
export const KEAP_KEY_LIMITS: RateLimits = { perSecond: 10, perMinute: 240, maxConcurrent: 2 };
/** OAuth2 limits (per client id across the apps it is authorised for). */
export const KEAP_OAUTH_LIMITS: RateLimits = { perSecond: 25, perMinute: 1500, maxConcurrent: 4 };
export const KEAP_KEY_DAILY_QUOTA = 30_000;
export const KEAP_OAUTH_DAILY_QUOTA = 150_000;
const MAX_PAGE = 1000;
const V2 = '/rest/v2';

export interface KeapClientOptions {
  /** `https://api.infusionsoft.com/crm` (default) or a compatible server; paths `/rest/v2/...` hang off it. */
  readonly baseUrl?: string;
  readonly auth: KeapAuth;
  readonly limits?: RateLimits;
  readonly clock?: Clock;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly random?: () => number;
  readonly onWait?: HttpClientOptions['onWait'];
  readonly onRequest?: HttpClientOptions['onRequest'];
}

/** `CrmClient` over Keap REST v2. Every call goes through the shared HTTP layer with Keap's judge. */
export class KeapClient implements CrmClient {
  readonly kind = 'keap' as const;
  readonly capabilities = { nativeMerge: true, sequences: true, tagsOnContact: true } as const;
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private readonly limits: RateLimits;
  private readonly dailyQuota: number;
  private categoryNames: Map<string, string> | null = null;
  /** The last quota/throttle figures Keap reported. */
  private quota_: KeapQuotaState | null = null;

  constructor(options: KeapClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.baseUrl = normaliseBaseUrl(options.baseUrl ?? KEAP_DEFAULT_BASE_URL);
    const oauth = options.auth.kind === 'oauth2';
    this.limits = options.limits ?? (oauth ? KEAP_OAUTH_LIMITS : KEAP_KEY_LIMITS);
    this.dailyQuota = oauth ? KEAP_OAUTH_DAILY_QUOTA : KEAP_KEY_DAILY_QUOTA;
    const judge = createKeapJudge({
      now: () => this.clock.now(),
      pauseUntil: (ms) => this.http.pauseUntil(ms),
      onQuota: (q) => {
        if (q.quotaAvailable !== null || q.throttleAvailable !== null) this.quota_ = q;
      },
    });
    this.http = new HttpClient({
      baseURL: this.baseUrl,
      headers: () => options.auth.headers(),
      limits: this.limits,
      clock: this.clock,
      judge,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 10,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      ...(options.random ? { random: options.random } : {}),
      ...(options.onWait ? { onWait: options.onWait } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
  }

  /** The budget of this connection type and what Keap's headers last said is left today. */
  quota(): CrmQuota {
    const q = this.quota_;
    const tenantDay = q?.tenantAvailable.day;
    const available =
      q?.quotaAvailable === null || q?.quotaAvailable === undefined
        ? (tenantDay ?? null)
        : tenantDay === undefined
          ? q.quotaAvailable
          : Math.min(q.quotaAvailable, tenantDay);
    return {
      perMinute: q?.throttleLimit ?? this.limits.perMinute ?? null,
      perDay: q?.quotaLimit ?? this.dailyQuota,
      availableToday: available,
      resetsAt: q?.quotaResetsAt ?? nextUtcMidnight(this.clock.now()),
      requestsSent: this.http.requestsSent,
      requestsWaiting: this.http.requestsWaiting,
    };
  }

  async testConnection(signal?: AbortSignal): Promise<CrmAccountInfo> {
    const probe = await this.request<Record<string, unknown>>({
      method: 'GET',
      path: `${V2}/contacts`,
      query: { page_size: 1, fields: 'id' },
      ...(signal ? { signal } : {}),
    });
    if (probe.status === 404) {
      throw new AppError(
        'CONNECTION_FAILED',
        `${this.baseUrl} does not look like the Keap API (no /rest/v2/contacts). Check the base URL.`,
      );
    }
    list(probe.data, 'contacts', 'GET /rest/v2/contacts');
    const details: Record<string, string> = { baseUrl: this.baseUrl };
    const tenant = probe.headers['x-keap-tenant-id'];
    if (tenant) details.tenantId = tenant;
    let name: string | null = null;
    try {
      // The business profile names the app; some keys may not read it, which is not a reason to fail the test.
      const profile = await this.request<Record<string, unknown>>({
        method: 'GET',
        path: `${V2}/businessProfile`,
        ...(signal ? { signal } : {}),
      });
      if (profile.status === 200 && typeof profile.data?.name === 'string' && profile.data.name) {
        name = profile.data.name;
        details.businessName = name;
      }
    } catch (error) {
      if (error instanceof AppError && (error.code === 'AUTH_FAILED' || error.code === 'CANCELLED'))
        throw error;
    }
    const q = this.quota_;
    if (q?.quotaLimit !== null && q?.quotaLimit !== undefined) {
      const left =
        q.quotaAvailable === null || q.quotaAvailable === undefined ? 'unknown' : fmt(q.quotaAvailable);
      details.dailyQuota = `${left} of ${fmt(q.quotaLimit)} left`;
    }
    if (q?.throttleLimit !== null && q?.throttleLimit !== undefined) {
      details.throttle = `${fmt(q.throttleLimit)} per minute`;
    }
    return {
      kind: 'keap',
      account: name ?? (tenant ? `Keap app ${tenant}` : new URL(this.baseUrl).host),
      details,
    };
  }

  async listContacts(
    options: ListOptions & { readonly updatedSince?: string | null },
  ): Promise<Page<CrmContact>> {
    const res = await this.request<Record<string, unknown>>({
      method: 'GET',
      path: `${V2}/contacts`,
      query: {
        fields: CONTACT_FIELDS.join(','),
        page_size: pageSize(options.pageSize),
        order_by: 'id',
        filter: options.updatedSince ? `start_update_time==${options.updatedSince}` : undefined,
        page_token: options.cursor ?? undefined,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return readPage(res.data, 'contacts', 'GET /rest/v2/contacts', options.cursor, toCrmContact);
  }

  /**
   * Keap v2 lists carry no total. Contact ids are handed out in sequence, so the id range (two one-item requests)
   * bounds the count from above; deleted and merged ids make it an over-estimate, never an under-estimate.
   */
  async estimateContactCount(signal?: AbortSignal): Promise<number | null> {
    const edge = async (order: string) => {
      const res = await this.request<Record<string, unknown>>({
        method: 'GET',
        path: `${V2}/contacts`,
        query: { fields: 'id', page_size: 1, order_by: order },
        ...(signal ? { signal } : {}),
      });
      const first = list(res.data, 'contacts', 'GET /rest/v2/contacts')[0] as { id?: unknown } | undefined;
      const id = Number(first?.id);
      return Number.isFinite(id) ? id : null;
    };
    try {
      const low = await edge('id asc');
      const high = await edge('id desc');
      if (low === null || high === null) return low === null ? 0 : null;
      return high >= low ? high - low + 1 : null;
    } catch (error) {
      if (error instanceof AppError && (error.code === 'CANCELLED' || error.code === 'AUTH_FAILED'))
        throw error;
      return null;
    }
  }

  async listContactIds(options: ListOptions): Promise<Page<string>> {
    const res = await this.request<Record<string, unknown>>({
      method: 'GET',
      path: `${V2}/contacts`,
      query: {
        fields: 'id',
        page_size: pageSize(options.pageSize),
        order_by: 'id',
        page_token: options.cursor ?? undefined,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return readPage(res.data, 'contacts', 'GET /rest/v2/contacts', options.cursor, (c) => {
      const id = toCrmContact(c).id;
      return id;
    });
  }

  async getContact(id: string, signal?: AbortSignal): Promise<CrmContact | null> {
    const res = await this.request({
      method: 'GET',
      path: `${V2}/contacts/${encodeURIComponent(id)}`,
      query: { fields: CONTACT_FIELDS.join(',') },
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) return null;
    return readRecord(res.data, toCrmContact, `GET /rest/v2/contacts/${id}`);
  }

  /**
   * One `GET /contacts?filter=ids==a,b` with the same `fields` as a single read (tag ids included): the merge reads
   * a whole group, before and after, in one request instead of one (or two, with tags) per record.
   */
  async getContacts(ids: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, CrmContact>> {
    const out = new Map<string, CrmContact>();
    const wanted = [...new Set(ids)];
    for (const id of wanted) {
      // A comma or semicolon would change the filter's meaning; Keap ids are digits.
      if (!/^[A-Za-z0-9_-]+$/.test(id))
        throw new AppError('INVALID_INPUT', `"${id}" is not a Keap contact id.`);
    }
    for (let i = 0; i < wanted.length; i += MAX_PAGE) {
      const chunk = wanted.slice(i, i + MAX_PAGE);
      let cursor: string | null = null;
      do {
        const res: { data: Record<string, unknown> } = await this.request<Record<string, unknown>>({
          method: 'GET',
          path: `${V2}/contacts`,
          query: {
            fields: CONTACT_FIELDS.join(','),
            filter: `ids==${chunk.join(',')}`,
            page_size: chunk.length,
            page_token: cursor ?? undefined,
          },
          ...(signal ? { signal } : {}),
        });
        const page: Page<CrmContact> = readPage(
          res.data,
          'contacts',
          'GET /rest/v2/contacts',
          cursor,
          toCrmContact,
        );
        if (page.rejected?.length) {
          throw new AppError(
            'REMOTE_ERROR',
            `Keap returned an unreadable contact: ${page.rejected[0]!.reason}.`,
          );
        }
        for (const c of page.items) if (chunk.includes(c.id)) out.set(c.id, c);
        // A server that ignored the filter would page through everyone: the ids asked for are all we need.
        cursor = out.size >= wanted.length ? null : page.nextCursor;
      } while (cursor);
    }
    return out;
  }

  async updateContact(id: string, patch: ContactPatch, signal?: AbortSignal): Promise<CrmContact> {
    const { body, updateMask } = toKeapPatch(patch);
    if (updateMask.length === 0) {
      const current = await this.getContact(id, signal);
      if (!current) throw notFound(id);
      return current;
    }
    const res = await this.request({
      method: 'PATCH',
      path: `${V2}/contacts/${encodeURIComponent(id)}`,
      query: { update_mask: updateMask.join(','), fields: CONTACT_FIELDS.join(',') },
      body,
      // Harmless to repeat, but a lost answer is not re-sent blindly: the merge executor reads the record back and
      // writes only what is missing, so each change reaches Keap once.
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) throw notFound(id);
    return readRecord(res.data, toCrmContact, `PATCH /rest/v2/contacts/${id}`);
  }

  /**
   * Creates a contact without Keap's duplicate check (no `duplicate_option`): a restore must bring back the
   * record it removed, not update the survivor that now carries the same email.
   */
  async createContact(patch: ContactPatch, signal?: AbortSignal): Promise<CrmContact> {
    const { body } = toKeapPatch(patch);
    const res = await this.request({
      method: 'POST',
      path: `${V2}/contacts`,
      query: { fields: CONTACT_FIELDS.join(',') },
      body,
      // A repeated create would make a second contact: only retried when the server provably did not act.
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    return readRecord(res.data, toCrmContact, 'POST /rest/v2/contacts');
  }

  async deleteContact(id: string, signal?: AbortSignal): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: `${V2}/contacts/${encodeURIComponent(id)}`,
      ...(signal ? { signal } : {}),
    });
  }

  async listTags(options: ListOptions): Promise<Page<CrmTag>> {
    if (!options.cursor || !this.categoryNames)
      this.categoryNames = await this.loadCategories(options.signal);
    const names = this.categoryNames;
    const res = await this.request<Record<string, unknown>>({
      method: 'GET',
      path: `${V2}/tags`,
      query: { page_size: pageSize(options.pageSize), page_token: options.cursor ?? undefined },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return readPage(res.data, 'tags', 'GET /rest/v2/tags', options.cursor, (t) => toCrmTag(t, names));
  }

  async getContactTagIds(contactId: string, signal?: AbortSignal): Promise<readonly string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; data: Record<string, unknown> } = await this.request({
        method: 'GET',
        path: `${V2}/contacts/${encodeURIComponent(contactId)}/tags`,
        query: { page_size: MAX_PAGE, page_token: cursor ?? undefined },
        ...(signal ? { signal } : {}),
      });
      if (res.status === 404) throw notFound(contactId);
      const page: Page<string> = readPage(
        res.data,
        'tags',
        'GET /rest/v2/contacts/{id}/tags',
        cursor,
        (t) => {
          const tag = (t as { tag?: unknown }).tag ?? t;
          return toCrmTag(tag, new Map()).id;
        },
      );
      ids.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  async applyTags(contactId: string, tagIds: readonly string[], signal?: AbortSignal): Promise<void> {
    for (const tagId of tagIds) {
      const res = await this.request<Record<string, unknown>>({
        method: 'POST',
        path: `${V2}/tags/${encodeURIComponent(tagId)}/contacts:applyTags`,
        body: { contact_ids: [contactId] },
        // Applying a tag twice reports DUPLICATE, but a lost answer is not re-sent blindly: the merge executor reads
        // the tags back and applies only the missing ones, so each tag (and the automation it may start) goes once.
        idempotent: false,
        ...(signal ? { signal } : {}),
      });
      if (res.status === 404) throw new AppError('NOT_FOUND', `Keap has no tag ${tagId}.`);
      const results = (res.data?.results ?? {}) as Record<string, unknown>;
      if (results[contactId] === 'CONTACT_NOT_FOUND') throw notFound(contactId);
    }
  }

  async removeTags(contactId: string, tagIds: readonly string[], signal?: AbortSignal): Promise<void> {
    for (const tagId of tagIds) {
      const res = await this.request({
        method: 'POST',
        path: `${V2}/tags/${encodeURIComponent(tagId)}/contacts:removeTags`,
        body: { contact_ids: [contactId] },
        idempotent: true,
        ...(signal ? { signal } : {}),
      });
      if (res.status === 404) throw new AppError('NOT_FOUND', `Keap has no tag ${tagId}.`);
    }
  }

  async listOrders(options: ListOptions & { readonly contactId?: string }): Promise<Page<CrmOrder>> {
    const res = await this.request<Record<string, unknown>>({
      method: 'GET',
      path: `${V2}/orders`,
      query: {
        page_size: pageSize(options.pageSize),
        page_token: options.cursor ?? undefined,
        filter: options.contactId ? `contact_id==${options.contactId}` : undefined,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return readPage(res.data, 'orders', 'GET /rest/v2/orders', options.cursor, toCrmOrder);
  }

  async listSubscriptions(
    options: ListOptions & { readonly contactId?: string },
  ): Promise<Page<CrmSubscription>> {
    const res = await this.request<Record<string, unknown>>({
      method: 'GET',
      path: `${V2}/subscriptions`,
      query: {
        page_size: pageSize(options.pageSize),
        page_token: options.cursor ?? undefined,
        filter: options.contactId ? `contact_id==${options.contactId}` : undefined,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return readPage(
      res.data,
      'subscriptions',
      'GET /rest/v2/subscriptions',
      options.cursor,
      toCrmSubscription,
    );
  }

  async mergeContacts(survivorId: string, duplicateId: string, signal?: AbortSignal): Promise<CrmContact> {
    const res = await this.request({
      method: 'POST',
      path: `${V2}/contacts:merge`,
      query: { fields: CONTACT_FIELDS.join(',') },
      body: { contact_id: survivorId, duplicate_contact_id: duplicateId },
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) {
      throw new AppError(
        'NOT_FOUND',
        `Keap could not find contact ${survivorId} or ${duplicateId} to merge.`,
        {
          survivorId,
          duplicateId,
        },
      );
    }
    return readRecord(res.data, toCrmContact, 'POST /rest/v2/contacts:merge');
  }

  async addToSequence(contactId: string, sequence: SequenceRef, signal?: AbortSignal): Promise<void> {
    if (!sequence.campaignId) {
      throw new AppError('INVALID_INPUT', 'Keap sequences are addressed by campaign and sequence id.');
    }
    const res = await this.request<Record<string, unknown>>({
      method: 'POST',
      path: `${V2}/campaigns/${encodeURIComponent(sequence.campaignId)}/sequences/${encodeURIComponent(sequence.sequenceId)}:addContacts`,
      body: { contact_ids: [contactId] },
      // Adding again answers ALREADY_IN_SEQUENCE.
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) throw new AppError('NOT_FOUND', 'Keap has no such campaign sequence.');
    const result = (res.data?.add_to_sequence_results as Record<string, unknown> | undefined)?.[contactId];
    if (result === 'CONTACT_DOES_NOT_EXIST') throw notFound(contactId);
    if (result === 'FAILED')
      throw new AppError('REMOTE_ERROR', `Keap could not add contact ${contactId} to the sequence.`);
  }

  async listSequences(signal?: AbortSignal): Promise<readonly CrmSequence[]> {
    const campaigns: { id: string; name: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: { data: Record<string, unknown> } = await this.request({
        method: 'GET',
        path: `${V2}/campaigns`,
        query: { page_size: MAX_PAGE, page_token: cursor ?? undefined },
        ...(signal ? { signal } : {}),
      });
      const page: Page<{ id: string; name: string }> = readPage(
        res.data,
        'campaigns',
        'GET /rest/v2/campaigns',
        cursor,
        toCrmCampaign,
      );
      campaigns.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const out: CrmSequence[] = [];
    for (const campaign of campaigns) {
      const res = await this.request<Record<string, unknown>>({
        method: 'GET',
        path: `${V2}/campaigns/${encodeURIComponent(campaign.id)}/sequences`,
        ...(signal ? { signal } : {}),
      });
      // A campaign deleted between the two reads has no sequences to offer.
      if (res.status === 404) continue;
      const page = readPage(res.data, 'sequences', 'GET /rest/v2/campaigns/{id}/sequences', null, (q) =>
        toCrmSequence(q, campaign),
      );
      out.push(...page.items);
    }
    return out;
  }

  private async loadCategories(signal?: AbortSignal): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let cursor: string | null = null;
    do {
      const res: { status: number; data: Record<string, unknown> } = await this.request({
        method: 'GET',
        path: `${V2}/tags/categories`,
        query: { page_size: MAX_PAGE, page_token: cursor ?? undefined },
        ...(signal ? { signal } : {}),
      });
      // Categories only name tags; a server without the endpoint still yields usable tags.
      if (res.status === 404) return names;
      const page: Page<{ id: string; name: string }> = readPage(
        res.data,
        'tag_categories',
        'GET /rest/v2/tags/categories',
        cursor,
        (c) => {
          const o = c as { id?: unknown; name?: unknown };
          const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : null;
          if (!id) throw new MalformedRecordError(null, 'tag category has no id');
          return { id, name: typeof o.name === 'string' ? o.name : id };
        },
      );
      for (const c of page.items) names.set(c.id, c.name);
      cursor = page.nextCursor;
    } while (cursor);
    return names;
  }

  private request<T = unknown>(request: HttpRequest) {
    return this.http.request<T>(request);
  }
}

function normaliseBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new AppError('INVALID_INPUT', `"${url}" is not a valid URL.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AppError('INVALID_INPUT', 'The Keap base URL must start with https://.');
  }
  // The API key goes with every request: plain http only to a server on this computer.
  assertSecureTransport(parsed.toString());
  // Accept a pasted ".../crm/rest/v2" and keep the documented base.
  return parsed
    .toString()
    .replace(/\/+$/, '')
    .replace(/\/rest\/v2$/, '');
}

function pageSize(n: number | undefined): number {
  return Math.max(1, Math.min(MAX_PAGE, n ?? MAX_PAGE));
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `Keap has no contact ${id} (it may have been merged or deleted).`, { id });
}

/**
 * Keap's contact listing always carries its `contacts` array (empty at the end). A 200 without it is not Keap (a
 * captive portal, a wrong base URL, a proxy page): taking it as "no contacts" would let a full sync remove the cache.
 */
const contactsPageSchema = z.looseObject({
  contacts: z.array(z.unknown()),
  next_page_token: z.string().nullish(),
});

function list(data: unknown, key: string, what: string): unknown[] {
  if (key === 'contacts') {
    const page = contactsPageSchema.safeParse(data);
    if (page.success) return page.data.contacts;
    throw new AppError(
      'REMOTE_ERROR',
      `The server's answer to ${what} is not Keap's contact list (no "contacts" list): check the API base URL.`,
      { sample: JSON.stringify(data)?.slice(0, 200) },
    );
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const value = (data as Record<string, unknown>)[key];
    if (Array.isArray(value)) return value;
    // An empty page may omit the list entirely.
    if (value === undefined || value === null) return [];
  }
  throw new AppError('REMOTE_ERROR', `Keap returned an unexpected body for ${what} (no "${key}" list).`, {
    sample: JSON.stringify(data)?.slice(0, 200),
  });
}

function readPage<T>(
  data: unknown,
  key: string,
  what: string,
  previousCursor: string | null | undefined,
  map: (item: unknown) => T,
): Page<T> {
  const raw = list(data, key, what);
  const items: T[] = [];
  const rejected: { id: string | null; reason: string }[] = [];
  for (const item of raw) {
    try {
      items.push(map(item));
    } catch (error) {
      if (!(error instanceof MalformedRecordError)) throw error;
      const id = (item as { id?: unknown } | null)?.id;
      rejected.push({
        id: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
        reason: error.message,
      });
    }
  }
  const token = (data as Record<string, unknown>).next_page_token;
  // The end of a list: no token, an empty token, an empty page, or a token that repeats (never loop forever).
  const next =
    typeof token === 'string' && token !== '' && raw.length > 0 && token !== previousCursor ? token : null;
  return rejected.length ? { items, nextCursor: next, rejected } : { items, nextCursor: next };
}

function readRecord<T>(data: unknown, map: (item: unknown) => T, what: string): T {
  try {
    return map(data);
  } catch (error) {
    if (error instanceof MalformedRecordError) {
      throw new AppError('REMOTE_ERROR', `Keap returned an unreadable record for ${what}: ${error.message}.`);
    }
    throw error;
  }
}
