/**
 * What the core needs from a CRM, in CRM-neutral terms. Connectors (`app/connectors/keap`, later
 * `app/connectors/activecampaign`) implement it over their APIs; sync, detection and the merge executor only see
 * this. Ids are strings everywhere (Keap v2 and ActiveCampaign both send strings).
 */
/** A connector kind (`keap`, `activecampaign`); each connector names its own. */
export type CrmKind = string;

export interface CrmEmail {
  /** EMAIL1..EMAIL3 on Keap; 'primary' where a CRM has one address. */
  readonly slot: string;
  readonly email: string;
  readonly optIn?: boolean | null;
  readonly status?: string | null;
}

export interface CrmPhone {
  /** PHONE1..PHONE5 on Keap. */
  readonly slot: string;
  readonly number: string;
  readonly extension?: string | null;
  readonly type?: string | null;
  /** E.164 when the CRM computes it (Keap's `number_e164`); the cache parses `number` otherwise. */
  readonly e164?: string | null;
}

export interface CrmAddress {
  /** BILLING / SHIPPING / OTHER on Keap. */
  readonly slot: string;
  readonly line1?: string | null;
  readonly line2?: string | null;
  readonly locality?: string | null;
  readonly region?: string | null;
  readonly postalCode?: string | null;
  readonly countryCode?: string | null;
}

export interface CrmContact {
  readonly id: string;
  readonly givenName?: string | null;
  readonly middleName?: string | null;
  readonly familyName?: string | null;
  readonly prefix?: string | null;
  readonly suffix?: string | null;
  readonly company?: string | null;
  readonly jobTitle?: string | null;
  readonly birthday?: string | null;
  readonly emails: readonly CrmEmail[];
  readonly phones: readonly CrmPhone[];
  readonly addresses: readonly CrmAddress[];
  readonly tagIds: readonly string[];
  /** Custom field values by field id, where the CRM has them as separate records (ActiveCampaign fieldValues). */
  readonly customFields?: Readonly<Record<string, string>>;
  readonly createdAt?: string | null;
  readonly updatedAt?: string | null;
  /** The CRM's own JSON, kept whole for lossless snapshots and the "raw fields" view. */
  readonly raw: unknown;
}

/** Fields a merge may write onto the survivor. Absent = leave as is; null = clear. */
export interface ContactPatch {
  readonly givenName?: string | null;
  readonly middleName?: string | null;
  readonly familyName?: string | null;
  readonly prefix?: string | null;
  readonly suffix?: string | null;
  readonly company?: string | null;
  readonly jobTitle?: string | null;
  readonly birthday?: string | null;
  readonly emails?: readonly CrmEmail[];
  readonly phones?: readonly CrmPhone[];
  readonly addresses?: readonly CrmAddress[];
  /** Custom field values by field id; null clears one. */
  readonly customFields?: Readonly<Record<string, string | null>>;
}

export interface CrmTag {
  readonly id: string;
  readonly name: string;
  readonly category?: string | null;
}

export interface CrmOrder {
  readonly id: string;
  readonly contactId: string | null;
  readonly title?: string | null;
  readonly status?: string | null;
  readonly total?: number | null;
  readonly orderDate?: string | null;
  readonly raw: unknown;
}

export interface CrmSubscription {
  readonly id: string;
  readonly contactId: string | null;
  readonly title?: string | null;
  readonly status?: string | null;
  readonly active: boolean;
  readonly nextBillDate?: string | null;
  readonly raw: unknown;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; null when this was the last page. */
  readonly nextCursor: string | null;
  /** Records on this page the connector could not read (no id, wrong types); reported, never silently dropped. */
  readonly rejected?: readonly { readonly id: string | null; readonly reason: string }[];
}

export interface CrmAccountInfo {
  readonly kind: CrmKind;
  /** Human label: the app/tenant name or id the key belongs to. */
  readonly account: string;
  readonly details: Readonly<Record<string, string>>;
}

export interface ListOptions {
  readonly cursor?: string | null;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

export interface SequenceRef {
  readonly campaignId?: string;
  readonly sequenceId: string;
}

/** A campaign sequence a contact can be added to (Keap), named with its campaign. */
export interface CrmSequence {
  readonly campaignId: string;
  readonly campaignName: string;
  readonly sequenceId: string;
  readonly name: string;
  /** Whether one of its steps sends an email, when the CRM says (null: unknown, treat as "may"). */
  readonly sendsEmail: boolean | null;
}

/** A mailing list (ActiveCampaign lists). */
export interface CrmList {
  readonly id: string;
  readonly name: string;
}

/** Per-list subscription status. `unsubscribed` is the strictest: a merge never turns it back to active. */
export type ListStatus = 'active' | 'unsubscribed' | 'unconfirmed' | 'bounced';

export interface CrmListMembership {
  readonly listId: string;
  readonly status: ListStatus;
}

/** An automation a contact can be added to by id (ActiveCampaign automations). */
export interface CrmAutomation {
  readonly id: string;
  readonly name: string;
  /** Whether it is switched on; an inactive automation does nothing when a contact is added. */
  readonly active: boolean;
  /** Whether it may send emails, when the CRM says (null: unknown, treat as "may"). */
  readonly sendsEmail: boolean | null;
}

export interface CrmAutomationMembership {
  readonly automationId: string;
  /** Still running through it, or finished. */
  readonly status: 'active' | 'completed';
}

/** A custom field definition (its values live on `CrmContact.customFields`). */
export interface CrmCustomField {
  readonly id: string;
  readonly name: string;
}

/** A connection's request budget and what the CRM last said is left of the day's quota. */
export interface CrmQuota {
  /** Requests a minute the connection may send (its limiter's budget). */
  readonly perMinute: number | null;
  readonly perDay: number | null;
  /** Requests left today as the CRM last reported them; null before it has reported any. */
  readonly availableToday: number | null;
  /** Epoch ms of the next daily reset. */
  readonly resetsAt: number | null;
  /** Requests this client has sent so far (429s included), when it counts them: a batch measures its pace by it. */
  readonly requestsSent?: number;
  /** Requests waiting for the client's rate limiter now: above 0, the limiter, not the caller, sets the pace. */
  readonly requestsWaiting?: number;
}

export interface CrmClient {
  readonly kind: CrmKind;
  readonly capabilities: {
    /** Keap's `POST /rest/v2/contacts:merge`; false means the manual strategy is used. */
    readonly nativeMerge: boolean;
    readonly sequences: boolean;
    /**
     * `getContact` / `getContacts` answer with the contact's current tag ids (Keap v2 `fields=tag_ids`), so a
     * check before act needs no separate tags request.
     */
    readonly tagsOnContact?: boolean;
    readonly lists?: boolean;
    readonly automations?: boolean;
  };
  testConnection(signal?: AbortSignal): Promise<CrmAccountInfo>;
  /** Contacts ordered for stable paging; `updatedSince` (ISO) restricts to recently changed ones. */
  listContacts(options: ListOptions & { readonly updatedSince?: string | null }): Promise<Page<CrmContact>>;
  /** A quick upper bound of the number of contacts (for a first sync's progress bar); null when unknown. */
  estimateContactCount?(signal?: AbortSignal): Promise<number | null>;
  /** Every live contact id, cheaply (for reflecting deletions). */
  listContactIds(options: ListOptions): Promise<Page<string>>;
  /** null when the CRM says the contact does not exist (404). */
  getContact(id: string, signal?: AbortSignal): Promise<CrmContact | null>;
  /**
   * Several contacts in one request (Keap v2 `GET /contacts?filter=ids==…`); an id the CRM does not know is absent
   * from the answer. Optional: without it the merge reads the records one by one.
   */
  getContacts?(ids: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, CrmContact>>;
  updateContact(id: string, patch: ContactPatch, signal?: AbortSignal): Promise<CrmContact>;
  /** Creates a contact (used by a best-effort restore of a merged-away record). Optional: restore needs it. */
  createContact?(patch: ContactPatch, signal?: AbortSignal): Promise<CrmContact>;
  /** Idempotent: deleting a contact that is already gone succeeds. */
  deleteContact(id: string, signal?: AbortSignal): Promise<void>;
  listTags(options: ListOptions): Promise<Page<CrmTag>>;
  /** Tag ids currently on one contact (fresh from the CRM, for check-before-act). */
  getContactTagIds(contactId: string, signal?: AbortSignal): Promise<readonly string[]>;
  applyTags(contactId: string, tagIds: readonly string[], signal?: AbortSignal): Promise<void>;
  removeTags(contactId: string, tagIds: readonly string[], signal?: AbortSignal): Promise<void>;
  listOrders(options: ListOptions & { readonly contactId?: string }): Promise<Page<CrmOrder>>;
  listSubscriptions(options: ListOptions & { readonly contactId?: string }): Promise<Page<CrmSubscription>>;
  /** Native merge: the duplicate is merged into the survivor and removed. Only when `capabilities.nativeMerge`. */
  mergeContacts?(survivorId: string, duplicateId: string, signal?: AbortSignal): Promise<CrmContact>;
  /** The budget and the last quota figures the CRM sent (Keap: `x-keap-*` headers); for pacing a batch. */
  quota?(): CrmQuota | null;
  /** Only when `capabilities.sequences`. */
  addToSequence?(contactId: string, sequence: SequenceRef, signal?: AbortSignal): Promise<void>;
  /** Every published sequence of every campaign, by name (only when `capabilities.sequences`). */
  listSequences?(signal?: AbortSignal): Promise<readonly CrmSequence[]>;

  // Lists (only when `capabilities.lists`).
  listLists?(options: ListOptions): Promise<Page<CrmList>>;
  /** One contact's list memberships with their status, fresh from the CRM. */
  getContactLists?(contactId: string, signal?: AbortSignal): Promise<readonly CrmListMembership[]>;
  /** Subscribes (`active`) or unsubscribes a contact on one list; idempotent. */
  setListStatus?(
    contactId: string,
    listId: string,
    status: 'active' | 'unsubscribed',
    signal?: AbortSignal,
  ): Promise<void>;

  // Automations (only when `capabilities.automations`).
  listAutomations?(options: ListOptions): Promise<Page<CrmAutomation>>;
  getContactAutomations?(
    contactId: string,
    signal?: AbortSignal,
  ): Promise<readonly CrmAutomationMembership[]>;
  /** Adds a contact to an automation; the CRM may start sending its emails at once. */
  addToAutomation?(contactId: string, automationId: string, signal?: AbortSignal): Promise<void>;

  /** Custom field definitions, where the CRM keeps values apart from the contact. */
  listCustomFields?(options: ListOptions): Promise<Page<CrmCustomField>>;
}
