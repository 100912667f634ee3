import type {
  ContactPatch,
  CrmAccountInfo,
  CrmClient,
  CrmContact,
  CrmOrder,
  CrmSubscription,
  CrmTag,
  ListOptions,
  Page,
  SequenceRef,
} from '../../app/ports/crm';
import { AppError } from '../../app/domain/errors';
import { FaultInjector } from './faults';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ContactSeed = Omit<CrmContact, 'raw' | 'tagIds' | 'updatedAt' | 'createdAt'> & {
  readonly tagIds?: readonly string[];
  readonly createdAt?: string;
  readonly updatedAt?: string;
};

const FIELDS = [
  'givenName',
  'middleName',
  'familyName',
  'prefix',
  'suffix',
  'company',
  'jobTitle',
  'birthday',
] as const;

/**
 * An in-memory CRM that behaves like Keap's documented API (reference/apis.md §1.6, §6.1 item 8): duplicate
 * emails allowed; `contacts:merge` unions tags onto the survivor, re-points orders and subscriptions, fills the
 * survivor's empty fields from the duplicate, deletes the duplicate (404 afterwards) and leaves sequences behind;
 * 400 when both ids are the same, 404 for an unknown id. Every call goes through a shared FaultInjector.
 */
export class FakeCrm implements CrmClient {
  readonly kind = 'keap' as const;
  readonly capabilities: { nativeMerge: boolean; sequences: boolean };
  readonly contacts = new Map<string, Mutable<Omit<CrmContact, 'tagIds' | 'raw'>>>();
  readonly contactTags = new Map<string, Set<string>>();
  readonly tags = new Map<string, CrmTag>();
  readonly orders = new Map<string, Mutable<CrmOrder>>();
  readonly subscriptions = new Map<string, Mutable<CrmSubscription>>();
  readonly sequences = new Map<string, Set<string>>();
  private tick = 0;
  private nextId = 9000;

  constructor(
    readonly faults = new FaultInjector(),
    options: { nativeMerge?: boolean } = {},
  ) {
    this.capabilities = { nativeMerge: options.nativeMerge ?? true, sequences: true };
  }

  // ----- seeding (no faults, no call log) -----
  seedTag(tag: CrmTag): void {
    this.tags.set(tag.id, tag);
  }

  seedContact(c: ContactSeed): void {
    const { tagIds, ...rest } = c;
    this.contacts.set(c.id, {
      ...rest,
      createdAt: c.createdAt ?? '2024-01-01T00:00:00.000Z',
      updatedAt: c.updatedAt ?? '2025-01-01T00:00:00.000Z',
    });
    this.contactTags.set(c.id, new Set(tagIds ?? []));
  }

  seedOrder(o: Omit<CrmOrder, 'raw'>): void {
    this.orders.set(o.id, { ...o, raw: { id: o.id } });
  }

  seedSubscription(s: Omit<CrmSubscription, 'raw'>): void {
    this.subscriptions.set(s.id, { ...s, raw: { id: s.id } });
  }

  /** A change made by someone else in the CRM (for stale-decision tests). */
  touch(
    id: string,
    change: (c: Mutable<Omit<CrmContact, 'tagIds' | 'raw'>>, tags: Set<string>) => void,
  ): void {
    const c = this.contacts.get(id)!;
    change(c, this.contactTags.get(id)!);
    c.updatedAt = this.stamp();
  }

  /** Everything observable, for comparing two runs field by field (timestamps excluded). */
  state(): unknown {
    const contacts = [...this.contacts.values()]
      .map((c) => ({ ...this.view(c.id), updatedAt: undefined, raw: undefined }))
      .sort((a, b) => a.id.localeCompare(b.id));
    return {
      contacts,
      orders: [...this.orders.values()].sort((a, b) => a.id.localeCompare(b.id)),
      subscriptions: [...this.subscriptions.values()].sort((a, b) => a.id.localeCompare(b.id)),
      sequences: [...this.sequences].map(([k, v]) => [k, [...v].sort()]).sort(),
    };
  }

  // ----- CrmClient -----
  testConnection(): Promise<CrmAccountInfo> {
    return this.faults.around('crm', 'testConnection', false, {}, () => ({
      kind: 'keap' as const,
      account: 'fake',
      details: {},
    }));
  }

  listContacts(options: ListOptions & { updatedSince?: string | null }): Promise<Page<CrmContact>> {
    return this.faults.around('crm', 'listContacts', false, options, () =>
      this.page(
        [...this.contacts.keys()].sort().map((id) => this.view(id)),
        options,
      ),
    );
  }

  listContactIds(options: ListOptions): Promise<Page<string>> {
    return this.faults.around('crm', 'listContactIds', false, options, () =>
      this.page([...this.contacts.keys()].sort(), options),
    );
  }

  getContact(id: string): Promise<CrmContact | null> {
    return this.faults.around('crm', 'getContact', false, { id }, () =>
      this.contacts.has(id) ? this.view(id) : null,
    );
  }

  updateContact(id: string, patch: ContactPatch): Promise<CrmContact> {
    return this.faults.around('crm', 'updateContact', true, { id, patch }, () => {
      const c = this.must(id);
      Object.assign(c, patch);
      c.updatedAt = this.stamp();
      return this.view(id);
    });
  }

  createContact(patch: ContactPatch): Promise<CrmContact> {
    return this.faults.around('crm', 'createContact', true, { patch }, () => {
      const id = String(this.nextId++);
      this.contacts.set(id, {
        id,
        emails: [],
        phones: [],
        addresses: [],
        ...patch,
        createdAt: this.stamp(),
        updatedAt: this.stamp(),
      });
      this.contactTags.set(id, new Set());
      return this.view(id);
    });
  }

  deleteContact(id: string): Promise<void> {
    return this.faults.around('crm', 'deleteContact', true, { id }, () => {
      this.contacts.delete(id);
      this.contactTags.delete(id);
    });
  }

  listTags(options: ListOptions): Promise<Page<CrmTag>> {
    return this.faults.around('crm', 'listTags', false, options, () =>
      this.page([...this.tags.values()], options),
    );
  }

  getContactTagIds(contactId: string): Promise<readonly string[]> {
    return this.faults.around('crm', 'getContactTagIds', false, { contactId }, () =>
      [...this.mustTags(contactId)].sort(),
    );
  }

  applyTags(contactId: string, tagIds: readonly string[]): Promise<void> {
    return this.faults.around('crm', 'applyTags', true, { contactId, tagIds }, () => {
      const set = this.mustTags(contactId);
      for (const t of tagIds) set.add(t);
      this.must(contactId).updatedAt = this.stamp();
    });
  }

  removeTags(contactId: string, tagIds: readonly string[]): Promise<void> {
    return this.faults.around('crm', 'removeTags', true, { contactId, tagIds }, () => {
      const set = this.mustTags(contactId);
      for (const t of tagIds) set.delete(t);
      this.must(contactId).updatedAt = this.stamp();
    });
  }

  listOrders(options: ListOptions & { contactId?: string }): Promise<Page<CrmOrder>> {
    return this.faults.around('crm', 'listOrders', false, options, () =>
      this.page(
        [...this.orders.values()]
          .filter((o) => !options.contactId || o.contactId === options.contactId)
          .sort((a, b) => a.id.localeCompare(b.id)),
        options,
      ),
    );
  }

  listSubscriptions(options: ListOptions & { contactId?: string }): Promise<Page<CrmSubscription>> {
    return this.faults.around('crm', 'listSubscriptions', false, options, () =>
      this.page(
        [...this.subscriptions.values()]
          .filter((o) => !options.contactId || o.contactId === options.contactId)
          .sort((a, b) => a.id.localeCompare(b.id)),
        options,
      ),
    );
  }

  mergeContacts(survivorId: string, duplicateId: string): Promise<CrmContact> {
    return this.faults.around('crm', 'mergeContacts', true, { survivorId, duplicateId }, () => {
      if (survivorId === duplicateId)
        throw new AppError('REMOTE_ERROR', 'contact_id and duplicate_contact_id are the same.', {
          status: 400,
        });
      const s = this.must(survivorId);
      const d = this.must(duplicateId);
      for (const f of FIELDS) if (!s[f] && d[f]) s[f] = d[f];
      const slots = new Set(s.emails.map((e) => e.slot));
      s.emails = [
        ...s.emails,
        ...d.emails.filter(
          (e) => !slots.has(e.slot) && !s.emails.some((x) => x.email.toLowerCase() === e.email.toLowerCase()),
        ),
      ];
      const tags = this.mustTags(survivorId);
      for (const t of this.mustTags(duplicateId)) tags.add(t);
      for (const o of this.orders.values()) if (o.contactId === duplicateId) o.contactId = survivorId;
      for (const o of this.subscriptions.values()) if (o.contactId === duplicateId) o.contactId = survivorId;
      this.contacts.delete(duplicateId);
      this.contactTags.delete(duplicateId);
      s.updatedAt = this.stamp();
      return this.view(survivorId);
    });
  }

  addToSequence(contactId: string, sequence: SequenceRef): Promise<void> {
    return this.faults.around('crm', 'addToSequence', true, { contactId, sequence }, () => {
      this.must(contactId);
      const set = this.sequences.get(contactId) ?? new Set<string>();
      set.add(sequence.sequenceId);
      this.sequences.set(contactId, set);
    });
  }

  // ----- internals -----
  private stamp(): string {
    this.tick++;
    return new Date(Date.UTC(2026, 10, 1) + this.tick * 1000).toISOString();
  }

  private must(id: string) {
    const c = this.contacts.get(id);
    if (!c) throw new AppError('NOT_FOUND', `Contact ${id} not found (404).`, { status: 404 });
    return c;
  }

  private mustTags(id: string): Set<string> {
    this.must(id);
    return this.contactTags.get(id)!;
  }

  private view(id: string): CrmContact {
    const c = this.must(id);
    return {
      ...structuredClone(c),
      tagIds: [...this.contactTags.get(id)!].sort(),
      raw: { id, source: 'fake-crm' },
    };
  }

  private page<T>(items: readonly T[], options: ListOptions): Page<T> {
    const start = options.cursor ? Number(options.cursor) : 0;
    const size = options.pageSize ?? 2;
    const slice = items.slice(start, start + size);
    return { items: slice, nextCursor: start + size < items.length ? String(start + size) : null };
  }
}
