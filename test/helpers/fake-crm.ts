import type {
  ContactPatch,
  CrmAccountInfo,
  CrmClient,
  CrmContact,
  CrmOrder,
  CrmSubscription,
  CrmAutomation,
  CrmAutomationMembership,
  CrmCustomField,
  CrmList,
  CrmListMembership,
  CrmTag,
  ListOptions,
  Page,
  CrmSequence,
  SequenceRef,
} from '../../app/ports/crm';
import { AppError } from '../../app/domain/errors';
import { FaultInjector } from './faults';

const withoutNulls = (v: Readonly<Record<string, string | null>>): Record<string, string> =>
  Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => e[1] !== null));

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
  readonly kind: string = 'keap';
  readonly capabilities: { nativeMerge: boolean; sequences: boolean; lists: boolean; automations: boolean };
  readonly contacts = new Map<string, Mutable<Omit<CrmContact, 'tagIds' | 'raw'>>>();
  readonly contactTags = new Map<string, Set<string>>();
  readonly tags = new Map<string, CrmTag>();
  readonly orders = new Map<string, Mutable<CrmOrder>>();
  readonly subscriptions = new Map<string, Mutable<CrmSubscription>>();
  readonly sequences = new Map<string, Set<string>>();
  /** The campaign sequences a Keap-like fake offers by name (`listSequences`). */
  readonly offeredSequences = new Map<string, CrmSequence>();
  /** ActiveCampaign-style extras, present when constructed with `{ lists: true }`. */
  readonly lists = new Map<string, CrmList>();
  readonly contactLists = new Map<string, Map<string, CrmListMembership['status']>>();
  readonly automations = new Map<string, CrmAutomation>();
  readonly contactAutomations = new Map<string, Map<string, CrmAutomationMembership['status']>>();
  readonly customFields = new Map<string, CrmCustomField>();
  private tick = 0;
  private nextId = 9000;

  constructor(
    readonly faults = new FaultInjector(),
    options: { nativeMerge?: boolean; lists?: boolean } = {},
  ) {
    const ac = options.lists ?? false;
    this.capabilities = {
      nativeMerge: options.nativeMerge ?? !ac,
      sequences: !ac,
      lists: ac,
      automations: ac,
    };
    if (!ac) {
      // A Keap-like fake has no list or automation operations at all.
      for (const k of [
        'listLists',
        'getContactLists',
        'setListStatus',
        'listAutomations',
        'getContactAutomations',
        'addToAutomation',
        'listCustomFields',
      ] as const)
        Object.defineProperty(this, k, { value: undefined });
    } else {
      // ActiveCampaign has no campaign sequences.
      for (const k of ['addToSequence', 'listSequences'] as const)
        Object.defineProperty(this, k, { value: undefined });
    }
  }

  seedSequence(sequence: CrmSequence): void {
    this.offeredSequences.set(`${sequence.campaignId}/${sequence.sequenceId}`, sequence);
  }

  seedList(list: CrmList): void {
    this.lists.set(list.id, list);
  }

  seedAutomation(a: CrmAutomation): void {
    this.automations.set(a.id, a);
  }

  seedCustomField(f: CrmCustomField): void {
    this.customFields.set(f.id, f);
  }

  seedMembership(contactId: string, listId: string, status: CrmListMembership['status']): void {
    const m = this.contactLists.get(contactId) ?? new Map<string, CrmListMembership['status']>();
    m.set(listId, status);
    this.contactLists.set(contactId, m);
  }

  seedInAutomation(
    contactId: string,
    automationId: string,
    status: CrmAutomationMembership['status'] = 'active',
  ) {
    const m = this.contactAutomations.get(contactId) ?? new Map<string, CrmAutomationMembership['status']>();
    m.set(automationId, status);
    this.contactAutomations.set(contactId, m);
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
      lists: [...this.contactLists]
        .filter(([id]) => this.contacts.has(id))
        .map(([k, v]) => [k, [...v].sort()])
        .sort(),
      automations: [...this.contactAutomations]
        .filter(([id]) => this.contacts.has(id))
        .map(([k, v]) => [k, [...v].sort()])
        .sort(),
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
        [...this.contacts.keys()]
          .sort()
          .map((id) => this.view(id))
          .filter((c) => !options.updatedSince || (c.updatedAt ?? '') >= options.updatedSince),
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
      const { customFields, ...fields } = patch;
      Object.assign(c, fields);
      if (customFields) c.customFields = withoutNulls({ ...c.customFields, ...customFields });
      c.updatedAt = this.stamp();
      return this.view(id);
    });
  }

  createContact(patch: ContactPatch): Promise<CrmContact> {
    return this.faults.around('crm', 'createContact', true, { patch }, () => {
      const id = String(this.nextId++);
      const { customFields, ...fields } = patch;
      this.contacts.set(id, {
        id,
        emails: [],
        phones: [],
        addresses: [],
        ...fields,
        ...(customFields ? { customFields: withoutNulls(customFields) } : {}),
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
      this.contactLists.delete(id);
      this.contactAutomations.delete(id);
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

  listSequences(): Promise<readonly CrmSequence[]> {
    return this.faults.around('crm', 'listSequences', false, {}, () => [...this.offeredSequences.values()]);
  }

  addToSequence(contactId: string, sequence: SequenceRef): Promise<void> {
    return this.faults.around('crm', 'addToSequence', true, { contactId, sequence }, () => {
      this.must(contactId);
      const set = this.sequences.get(contactId) ?? new Set<string>();
      set.add(sequence.sequenceId);
      this.sequences.set(contactId, set);
    });
  }

  listLists(options: ListOptions): Promise<Page<CrmList>> {
    return this.faults.around('crm', 'listLists', false, options, () =>
      this.page([...this.lists.values()], options),
    );
  }

  getContactLists(contactId: string): Promise<readonly CrmListMembership[]> {
    return this.faults.around('crm', 'getContactLists', false, { contactId }, () => {
      this.must(contactId);
      return [...(this.contactLists.get(contactId) ?? new Map())]
        .map(([listId, status]) => ({ listId, status }))
        .sort((a, b) => a.listId.localeCompare(b.listId));
    });
  }

  setListStatus(contactId: string, listId: string, status: 'active' | 'unsubscribed'): Promise<void> {
    return this.faults.around('crm', 'setListStatus', true, { contactId, listId, status }, () => {
      this.must(contactId);
      if (!this.lists.has(listId))
        throw new AppError('NOT_FOUND', `List ${listId} not found (404).`, { status: 404 });
      this.seedMembership(contactId, listId, status);
      this.must(contactId).updatedAt = this.stamp();
    });
  }

  listAutomations(options: ListOptions): Promise<Page<CrmAutomation>> {
    return this.faults.around('crm', 'listAutomations', false, options, () =>
      this.page([...this.automations.values()], options),
    );
  }

  getContactAutomations(contactId: string): Promise<readonly CrmAutomationMembership[]> {
    return this.faults.around('crm', 'getContactAutomations', false, { contactId }, () => {
      this.must(contactId);
      return [...(this.contactAutomations.get(contactId) ?? new Map())]
        .map(([automationId, status]) => ({ automationId, status }))
        .sort((a, b) => a.automationId.localeCompare(b.automationId));
    });
  }

  addToAutomation(contactId: string, automationId: string): Promise<void> {
    return this.faults.around('crm', 'addToAutomation', true, { contactId, automationId }, () => {
      this.must(contactId);
      if (!this.automations.has(automationId))
        throw new AppError('NOT_FOUND', `Automation ${automationId} not found (404).`, { status: 404 });
      this.seedInAutomation(contactId, automationId, 'active');
    });
  }

  listCustomFields(options: ListOptions): Promise<Page<CrmCustomField>> {
    return this.faults.around('crm', 'listCustomFields', false, options, () =>
      this.page([...this.customFields.values()], options),
    );
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
