import type { Db } from './database';

/**
 * Read side of the contact cache (search list and one contact's detail). `ContactsRepo` is the one writer of the
 * same tables; reads live here so the contract's handlers hold no SQL.
 */

/**
 * FTS5's trigram tokenizer needs three characters; shorter queries fall back to a LIKE scan of the same text.
 * A query made only of phone characters is reduced to digits, the form the search text stores phones in.
 */
function searchTerm(query: string): { kind: 'none' } | { kind: 'fts' | 'like'; term: string } {
  const q = query.trim().toLowerCase();
  if (!q) return { kind: 'none' };
  const digits = q.replace(/\D+/g, '');
  // A country code the stored number lacks ("+1 210…" for "(210)…") must not stop a match: the last ten digits
  // are the national number for NANP and contained in the national form elsewhere.
  const phone = digits.length > 10 ? digits.slice(-10) : digits;
  const term = /^[\d\s()+.-]+$/.test(q) && /\d{3}/.test(digits) ? phone : q;
  return term.length >= 3 ? { kind: 'fts', term } : { kind: 'like', term };
}

const LIST_COLUMNS = `c.pk, c.connection_id, c.crm_id, c.given_name, c.family_name, c.company, c.updated_at,
  (SELECT email FROM contact_emails e WHERE e.contact_pk = c.pk ORDER BY e.slot LIMIT 1) AS email,
  (SELECT number FROM contact_phones p WHERE p.contact_pk = c.pk ORDER BY p.slot LIMIT 1) AS phone,
  (SELECT count(*) FROM contact_tags t WHERE t.contact_pk = c.pk) AS tag_count`;

export interface ContactListRow {
  pk: number;
  connection_id: string;
  crm_id: string;
  given_name: string | null;
  family_name: string | null;
  company: string | null;
  updated_at: string | null;
  email: string | null;
  phone: string | null;
  tag_count: number;
}

export interface ContactSearch {
  readonly query: string;
  readonly connectionId?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export function searchContacts(db: Db, input: ContactSearch): { total: number; rows: ContactListRow[] } {
  const term = searchTerm(input.query);
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.connectionId) {
    where.push('c.connection_id = ?');
    params.push(input.connectionId);
  }
  if (term.kind === 'fts') {
    // No ESCAPE clause: it would stop FTS5 from using the trigram index. A literal '_' then matches any one
    // character, which only widens the result slightly.
    where.push('c.pk IN (SELECT rowid FROM contacts_fts WHERE search_text LIKE ?)');
    params.push(`%${term.term.replace(/%/g, '')}%`);
  } else if (term.kind === 'like') {
    where.push(`c.search_text LIKE ? ESCAPE '\\'`);
    params.push(`%${term.term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = db
    .prepare(`SELECT count(*) FROM contacts c ${clause}`)
    .pluck()
    .get(...params) as number;
  const rows = db
    .prepare(
      `SELECT ${LIST_COLUMNS} FROM contacts c ${clause}
       ORDER BY c.family_name COLLATE NOCASE, c.given_name COLLATE NOCASE, c.pk LIMIT ? OFFSET ?`,
    )
    .all(...params, input.limit, input.offset) as ContactListRow[];
  return { total, rows };
}

export interface ContactDetailRows {
  readonly contact: Record<string, string | number | null> & {
    raw: string;
    connection_label: string;
    synced_at: string;
  };
  readonly emails: { slot: string; email: string; opt_in: number | null; status: string | null }[];
  readonly phones: {
    slot: string;
    number: string;
    extension: string | null;
    type: string | null;
    e164: string | null;
  }[];
  readonly addresses: {
    slot: string;
    line1: string | null;
    line2: string | null;
    locality: string | null;
    region: string | null;
    postalCode: string | null;
    countryCode: string | null;
  }[];
  readonly tags: { id: string; name: string; category: string | null }[];
  readonly orders: {
    id: string;
    title: string | null;
    status: string | null;
    total: number | null;
    orderDate: string | null;
  }[];
  readonly subscriptions: {
    id: string;
    title: string | null;
    status: string | null;
    active: number;
    nextBillDate: string | null;
  }[];
}

/** Everything the cache holds about one contact, or null when it is no longer there. */
export function contactDetailRows(db: Db, pk: number): ContactDetailRows | null {
  const contact = db
    .prepare(
      `SELECT c.*, k.label AS connection_label FROM contacts c JOIN connections k ON k.id = c.connection_id
       WHERE c.pk = ?`,
    )
    .get(pk) as ContactDetailRows['contact'] | undefined;
  if (!contact) return null;
  const emails = db
    .prepare('SELECT slot, email, opt_in, status FROM contact_emails WHERE contact_pk = ? ORDER BY slot')
    .all(pk) as ContactDetailRows['emails'];
  const phones = db
    .prepare(
      'SELECT slot, number, extension, type, e164 FROM contact_phones WHERE contact_pk = ? ORDER BY slot',
    )
    .all(pk) as ContactDetailRows['phones'];
  const addresses = db
    .prepare(
      `SELECT slot, line1, line2, locality, region, postal_code AS postalCode, country_code AS countryCode
       FROM contact_addresses WHERE contact_pk = ? ORDER BY slot`,
    )
    .all(pk) as ContactDetailRows['addresses'];
  const tags = db
    .prepare(
      `SELECT t.crm_id AS id, t.name, t.category FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk
       WHERE ct.contact_pk = ? ORDER BY t.category, t.name`,
    )
    .all(pk) as ContactDetailRows['tags'];
  const orders = db
    .prepare(
      `SELECT crm_id AS id, title, status, total, order_date AS orderDate FROM orders
       WHERE connection_id = ? AND contact_crm_id = ? ORDER BY order_date DESC`,
    )
    .all(contact.connection_id, contact.crm_id) as ContactDetailRows['orders'];
  const subscriptions = db
    .prepare(
      `SELECT crm_id AS id, title, status, active, next_bill_date AS nextBillDate FROM subscriptions
       WHERE connection_id = ? AND contact_crm_id = ? ORDER BY active DESC, crm_id`,
    )
    .all(contact.connection_id, contact.crm_id) as ContactDetailRows['subscriptions'];
  return { contact, emails, phones, addresses, tags, orders, subscriptions };
}

/** Every cached contact's id, name, emails and tags (read side, for the Overview's access checks). */
export function contactAccessFacts(db: Db): {
  connectionId: string;
  crmId: string;
  name: string;
  emails: string[];
  tags: { id: string; name: string; category: string | null }[];
}[] {
  const rows = db
    .prepare(
      `SELECT c.pk, c.connection_id, c.crm_id,
              trim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')) AS name,
              (SELECT json_group_array(lower(e.email)) FROM contact_emails e WHERE e.contact_pk = c.pk) AS emails,
              (SELECT json_group_array(json_object('id', t.crm_id, 'name', t.name, 'category', t.category))
                 FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk WHERE ct.contact_pk = c.pk) AS tags
       FROM contacts c`,
    )
    .all() as { connection_id: string; crm_id: string; name: string; emails: string; tags: string }[];
  return rows.map((r) => ({
    connectionId: r.connection_id,
    crmId: r.crm_id,
    name: r.name,
    emails: JSON.parse(r.emails) as string[],
    tags: JSON.parse(r.tags) as { id: string; name: string; category: string | null }[],
  }));
}

/** Tag names in the cache, for suggestions (first 1,000 by name). */
export function tagNames(db: Db): string[] {
  return db
    .prepare('SELECT DISTINCT name FROM tags ORDER BY name COLLATE NOCASE LIMIT 1000')
    .pluck()
    .all() as string[];
}

/** One contact's tag names, by name (what a reviewer reads beside a group member). */
export function contactTagNames(db: Db, pk: number): string[] {
  return db
    .prepare(
      'SELECT t.name FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk WHERE ct.contact_pk = ? ORDER BY t.name',
    )
    .pluck()
    .all(pk) as string[];
}

/** When the CRM says the contact was created, or null when it did not say or the contact is gone. */
export function contactCreatedAt(db: Db, pk: number): string | null {
  return (
    (db.prepare('SELECT created_at FROM contacts WHERE pk = ?').pluck().get(pk) as string | null) ?? null
  );
}

/** How much the cache holds, for the status bar. */
export function cacheCounts(db: Db): {
  contacts: number;
  tags: number;
  orders: number;
  subscriptions: number;
} {
  const count = (sql: string) => (db.prepare(sql).pluck().get() as number | undefined) ?? 0;
  return {
    contacts: count('SELECT count(*) FROM contacts'),
    tags: count('SELECT count(*) FROM tags'),
    orders: count('SELECT count(*) FROM orders'),
    subscriptions: count('SELECT count(*) FROM subscriptions'),
  };
}

/** How many contacts the cache holds for one connection. */
export function connectionContactCount(db: Db, connectionId: string): number {
  return db
    .prepare('SELECT count(*) FROM contacts WHERE connection_id = ?')
    .pluck()
    .get(connectionId) as number;
}

/** The cache keys of a connection's contacts named by CRM id; ids the cache no longer holds are left out. */
export function contactPksByCrmIds(db: Db, connectionId: string, crmIds: readonly string[]): number[] {
  return db
    .prepare(`SELECT pk FROM contacts WHERE connection_id = ? AND crm_id IN (SELECT value FROM json_each(?))`)
    .pluck()
    .all(connectionId, JSON.stringify(crmIds)) as number[];
}

/** A cached contact's own columns, as a review or a merge plan reads them. */
export interface CachedContactRow {
  readonly pk: number;
  readonly crm_id: string;
  readonly given_name: string | null;
  readonly middle_name: string | null;
  readonly family_name: string | null;
  readonly prefix: string | null;
  readonly suffix: string | null;
  readonly company: string | null;
  readonly job_title: string | null;
  readonly birthday: string | null;
  readonly email_opt_in: number | null;
  readonly created_at: string | null;
  readonly updated_at: string | null;
}

export interface CachedEmailRow {
  readonly slot: string;
  readonly email: string;
  readonly opt_in: number | null;
  readonly status: string | null;
}

export interface CachedPhoneRow {
  readonly slot: string;
  readonly number: string;
  readonly extension: string | null;
  readonly type: string | null;
}

export interface CachedAddressRow {
  readonly slot: string;
  readonly line1: string | null;
  readonly line2: string | null;
  readonly locality: string | null;
  readonly region: string | null;
  readonly postal_code: string | null;
  readonly country_code: string | null;
}

export interface CachedTagRow {
  readonly id: string;
  readonly name: string;
  readonly category: string | null;
}

export interface CachedOrderRow {
  readonly crm_id: string;
  readonly contact_crm_id: string | null;
  readonly title: string | null;
  readonly status: string | null;
  readonly total: number | null;
  readonly order_date: string | null;
  /** The connector's JSON. */
  readonly raw: string | null;
}

export interface CachedSubscriptionRow {
  readonly crm_id: string;
  readonly contact_crm_id: string | null;
  readonly title: string | null;
  readonly status: string | null;
  readonly active: number;
  readonly next_bill_date: string | null;
  /** The connector's JSON. */
  readonly raw: string | null;
}

type OrderSummaryRow = Omit<CachedOrderRow, 'contact_crm_id' | 'raw'>;
type SubscriptionSummaryRow = Omit<CachedSubscriptionRow, 'contact_crm_id' | 'raw'>;

/**
 * One contact's whole record, read by primary key or indexed lookups with statements prepared once, so reading a
 * group stays fast at a million contacts.
 */
export class ContactRecordReads {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      contact: db.prepare(`SELECT pk, crm_id, given_name, middle_name, family_name, prefix, suffix, company,
        job_title, birthday, email_opt_in, created_at, updated_at FROM contacts WHERE connection_id = ? AND crm_id = ?`),
      emails: db.prepare(
        'SELECT slot, email, opt_in, status FROM contact_emails WHERE contact_pk = ? ORDER BY slot',
      ),
      phones: db.prepare(
        'SELECT slot, number, extension, type FROM contact_phones WHERE contact_pk = ? ORDER BY slot',
      ),
      addresses: db.prepare(`SELECT slot, line1, line2, locality, region, postal_code, country_code
        FROM contact_addresses WHERE contact_pk = ? ORDER BY slot`),
      tagIds: db
        .prepare(
          'SELECT t.crm_id FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk WHERE ct.contact_pk = ?',
        )
        .pluck(),
      tag: db.prepare('SELECT crm_id AS id, name, category FROM tags WHERE connection_id = ? AND crm_id = ?'),
      orders: db.prepare(`SELECT crm_id, title, status, total, order_date FROM orders
        WHERE connection_id = ? AND contact_crm_id = ? ORDER BY order_date, crm_id`),
      subs: db.prepare(`SELECT crm_id, title, status, active, next_bill_date FROM subscriptions
        WHERE connection_id = ? AND contact_crm_id = ? ORDER BY crm_id`),
    };
  }

  contact(connectionId: string, crmId: string): CachedContactRow | undefined {
    return this.stmts.contact.get(connectionId, crmId) as CachedContactRow | undefined;
  }

  emails(pk: number): CachedEmailRow[] {
    return this.stmts.emails.all(pk) as CachedEmailRow[];
  }

  phones(pk: number): CachedPhoneRow[] {
    return this.stmts.phones.all(pk) as CachedPhoneRow[];
  }

  addresses(pk: number): CachedAddressRow[] {
    return this.stmts.addresses.all(pk) as CachedAddressRow[];
  }

  /** The CRM ids of the contact's tags, in no particular order. */
  tagCrmIds(pk: number): string[] {
    return this.stmts.tagIds.all(pk) as string[];
  }

  tag(connectionId: string, crmId: string): CachedTagRow | undefined {
    return this.stmts.tag.get(connectionId, crmId) as CachedTagRow | undefined;
  }

  /** The contact's CRM orders, oldest first, without the connector's JSON. */
  orders(connectionId: string, contactCrmId: string): OrderSummaryRow[] {
    return this.stmts.orders.all(connectionId, contactCrmId) as OrderSummaryRow[];
  }

  subscriptions(connectionId: string, contactCrmId: string): SubscriptionSummaryRow[] {
    return this.stmts.subs.all(connectionId, contactCrmId) as SubscriptionSummaryRow[];
  }
}

/** A contact's CRM orders and subscriptions in CRM id order, the connector's JSON included. */
export function contactOrderRows(
  db: Db,
  connectionId: string,
  contactCrmId: string,
): { orders: CachedOrderRow[]; subscriptions: CachedSubscriptionRow[] } {
  return {
    orders: db
      .prepare(
        `SELECT crm_id, contact_crm_id, title, status, total, order_date, raw FROM orders
         WHERE connection_id = ? AND contact_crm_id = ? ORDER BY crm_id`,
      )
      .all(connectionId, contactCrmId) as CachedOrderRow[],
    subscriptions: db
      .prepare(
        `SELECT crm_id, contact_crm_id, title, status, active, next_bill_date, raw FROM subscriptions
         WHERE connection_id = ? AND contact_crm_id = ? ORDER BY crm_id`,
      )
      .all(connectionId, contactCrmId) as CachedSubscriptionRow[],
  };
}

/** How many contacts the cache holds in all. */
export function contactCount(db: Db): number {
  return (db.prepare('SELECT count(*) FROM contacts').pluck().get() as number | undefined) ?? 0;
}

/** A connection's contacts changed after `watermark` or added above `maxPk` (what a re-scan re-scores). */
export function contactsChangedSince(
  db: Db,
  connectionId: string,
  watermark: string,
  maxPk: number,
): number[] {
  return db
    .prepare(
      // `+connection_id` keeps the second half on the pk range: SQLite would otherwise walk the whole
      // (connection_id, updated_at) index for it, 130 ms at a million contacts.
      `SELECT pk FROM contacts WHERE connection_id = ? AND updated_at > ?
       UNION SELECT pk FROM contacts WHERE pk > ? AND +connection_id = ?`,
    )
    .pluck()
    .all(connectionId, watermark, maxPk, connectionId) as number[];
}

/**
 * Contacts among `pks` that no longer exist. A merge (or a sync) may remove contacts while a scan runs; called
 * inside the transaction that writes, it tells the scan which pairs and group members to leave out.
 */
export function vanishedContacts(db: Db, pks: readonly number[]): Set<number> {
  const gone = new Set<number>();
  if (pks.length === 0) return gone;
  let lo = Infinity;
  let hi = -Infinity;
  for (const pk of pks) {
    if (pk < lo) lo = pk;
    if (pk > hi) hi = pk;
  }
  // A few contacts spread over the list (an incremental re-scan's) are looked up one by one; most of a range is
  // read as the range.
  if (pks.length * 16 < hi - lo) {
    const missing = db
      .prepare(
        'SELECT j.value FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.pk = j.value)',
      )
      .pluck()
      .all(JSON.stringify(pks)) as number[];
    for (const pk of missing) gone.add(pk);
    return gone;
  }
  const live = new Set(
    db.prepare('SELECT pk FROM contacts WHERE pk BETWEEN ? AND ?').pluck().all(lo, hi) as number[],
  );
  for (const pk of pks) if (!live.has(pk)) gone.add(pk);
  return gone;
}

/**
 * `vanishedContacts` for the whole of a connection as a full scan read it (`pks` ascending, the last one's CRM id given):
 * when the connection still holds as many contacts up to the last pk and that one is still the same contact,
 * nothing went (a new contact only takes a pk above every live one), and the 100k-row set is not built.
 */
export function vanishedSinceRead(
  db: Db,
  connectionId: string,
  pks: readonly number[],
  lastCrmId: string | undefined,
): Set<number> {
  if (pks.length === 0) return new Set();
  const lo = pks[0]!;
  const hi = pks[pks.length - 1]!;
  const count = db
    .prepare('SELECT count(*) FROM contacts WHERE connection_id = ? AND pk BETWEEN ? AND ?')
    .pluck()
    .get(connectionId, lo, hi) as number;
  const last = db.prepare('SELECT crm_id FROM contacts WHERE pk = ?').pluck().get(hi) as string | undefined;
  if (count === pks.length && last !== undefined && last === lastCrmId) return new Set();
  return vanishedContacts(db, pks);
}

/** The ids of the connections holding cached contacts, oldest first. */
export function connectionIdsWithContacts(db: Db): string[] {
  return db
    .prepare(
      `SELECT id FROM connections c WHERE EXISTS (SELECT 1 FROM contacts WHERE connection_id = c.id)
       ORDER BY created_at`,
    )
    .pluck()
    .all() as string[];
}
