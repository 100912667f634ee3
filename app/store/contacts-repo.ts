import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Db } from './database';
import type { CrmContact, CrmOrder, CrmSubscription, CrmTag } from '../ports/crm';

/**
 * The one writer of the contact cache. Sync, the sandbox seeding of tests and the merge executor's resync all go
 * through it, so the derived columns (normalised email, E.164 phone, search text) are computed in one place.
 * Callers batch: each method runs in a single transaction.
 */
export class ContactsRepo {
  private readonly upsertContact;
  private readonly existing;
  private readonly touch;
  private readonly deleteChildren;
  private readonly insertEmail;
  private readonly insertPhone;
  private readonly insertAddress;
  private readonly insertContactTag;
  private readonly tagPk;
  private readonly insertPlaceholderTag;
  private readonly upsertTag;
  private readonly upsertOrder;
  private readonly upsertSubscription;
  private readonly deleteContact;
  private readonly tagCache = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly connectionId: string,
    private readonly defaultRegion: CountryCode = 'US',
  ) {
    this.upsertContact = db
      .prepare(
        `
      INSERT INTO contacts (connection_id, crm_id, given_name, middle_name, family_name, prefix, suffix, company,
        job_title, birthday, email_opt_in, created_at, updated_at, raw, fingerprint, search_text, synced_at)
      VALUES (@connection_id, @crm_id, @given_name, @middle_name, @family_name, @prefix, @suffix, @company,
        @job_title, @birthday, @email_opt_in, @created_at, @updated_at, @raw, @fingerprint, @search_text, @synced_at)
      ON CONFLICT (connection_id, crm_id) DO UPDATE SET
        given_name = excluded.given_name, middle_name = excluded.middle_name, family_name = excluded.family_name,
        prefix = excluded.prefix, suffix = excluded.suffix, company = excluded.company,
        job_title = excluded.job_title, birthday = excluded.birthday, email_opt_in = excluded.email_opt_in,
        created_at = excluded.created_at, updated_at = excluded.updated_at, raw = excluded.raw,
        fingerprint = excluded.fingerprint,
        search_text = excluded.search_text, synced_at = excluded.synced_at
      RETURNING pk`,
      )
      .pluck();
    this.existing = db.prepare(
      `SELECT crm_id, pk, fingerprint FROM contacts WHERE connection_id = ? AND crm_id IN (SELECT value FROM json_each(?))`,
    );
    this.touch = db.prepare('UPDATE contacts SET synced_at = ? WHERE pk = ?');
    this.deleteChildren = [
      db.prepare('DELETE FROM contact_emails WHERE contact_pk = ?'),
      db.prepare('DELETE FROM contact_phones WHERE contact_pk = ?'),
      db.prepare('DELETE FROM contact_addresses WHERE contact_pk = ?'),
      db.prepare('DELETE FROM contact_tags WHERE contact_pk = ?'),
    ];
    this.insertEmail = db.prepare(
      'INSERT OR REPLACE INTO contact_emails (contact_pk, slot, email, email_norm, opt_in, status) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertPhone = db.prepare(
      'INSERT OR REPLACE INTO contact_phones (contact_pk, slot, number, extension, type, e164) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertAddress = db.prepare(`INSERT OR REPLACE INTO contact_addresses
      (contact_pk, slot, line1, line2, locality, region, postal_code, country_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertContactTag = db.prepare(
      'INSERT OR IGNORE INTO contact_tags (contact_pk, tag_pk, applied_at) VALUES (?, ?, ?)',
    );
    this.tagPk = db.prepare('SELECT pk FROM tags WHERE connection_id = ? AND crm_id = ?').pluck();
    // A contact can carry a tag id before the tag list has been synced; keep the link and name it later.
    this.insertPlaceholderTag = db.prepare(
      `INSERT INTO tags (connection_id, crm_id, name, category) VALUES (?, ?, ?, NULL) RETURNING pk`,
    );
    this.upsertTag = db.prepare(`INSERT INTO tags (connection_id, crm_id, name, category) VALUES (?, ?, ?, ?)
      ON CONFLICT (connection_id, crm_id) DO UPDATE SET name = excluded.name, category = excluded.category`);
    this.upsertOrder = db.prepare(`INSERT INTO orders
      (connection_id, crm_id, contact_crm_id, title, status, total, order_date, raw, synced_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (connection_id, crm_id) DO UPDATE SET contact_crm_id = excluded.contact_crm_id,
        title = excluded.title, status = excluded.status, total = excluded.total, order_date = excluded.order_date,
        raw = excluded.raw, synced_at = excluded.synced_at`);
    this.upsertSubscription = db.prepare(`INSERT INTO subscriptions
      (connection_id, crm_id, contact_crm_id, title, status, active, next_bill_date, raw, synced_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (connection_id, crm_id) DO UPDATE SET contact_crm_id = excluded.contact_crm_id,
        title = excluded.title, status = excluded.status, active = excluded.active,
        next_bill_date = excluded.next_bill_date, raw = excluded.raw, synced_at = excluded.synced_at`);
    this.deleteContact = db.prepare('DELETE FROM contacts WHERE connection_id = ? AND crm_id = ?');
  }

  /**
   * Inserts or replaces a batch of contacts with their emails, phones, addresses and tag links. One lookup per
   * batch tells new contacts (no child rows to clear) from known ones; a known contact whose content (fingerprint of
   * every field and the raw CRM JSON) is unchanged only has its `synced_at` touched, which makes re-syncs cheap.
   */
  saveContacts(contacts: readonly CrmContact[], syncedAt: string): void {
    this.db.transaction(() => {
      const known = new Map<string, { pk: number; fingerprint: string | null }>();
      for (const row of this.existing.all(this.connectionId, JSON.stringify(contacts.map((c) => c.id))) as {
        crm_id: string;
        pk: number;
        fingerprint: string | null;
      }[]) {
        known.set(row.crm_id, { pk: row.pk, fingerprint: row.fingerprint });
      }
      for (const c of contacts) {
        const raw = JSON.stringify(c.raw ?? null);
        const fingerprint = createHash('sha1')
          .update(JSON.stringify({ ...c, raw: undefined }))
          .update(raw)
          .digest('base64');
        const prior = known.get(c.id);
        if (prior && prior.fingerprint === fingerprint) {
          this.touch.run(syncedAt, prior.pk);
          continue;
        }
        const pk = this.saveOne(c, raw, fingerprint, syncedAt, prior?.pk);
        // A batch may carry the same contact twice (a page boundary moved); the second copy is an update.
        known.set(c.id, { pk, fingerprint });
      }
    })();
  }

  saveTags(tags: readonly CrmTag[]): void {
    this.db.transaction(() => {
      for (const t of tags) this.upsertTag.run(this.connectionId, t.id, t.name, t.category ?? null);
    })();
    this.tagCache.clear();
  }

  saveOrders(orders: readonly CrmOrder[], syncedAt: string): void {
    this.db.transaction(() => {
      for (const o of orders) {
        this.upsertOrder.run(
          this.connectionId,
          o.id,
          o.contactId,
          o.title ?? null,
          o.status ?? null,
          o.total ?? null,
          o.orderDate ?? null,
          JSON.stringify(o.raw ?? null),
          syncedAt,
        );
      }
    })();
  }

  saveSubscriptions(subs: readonly CrmSubscription[], syncedAt: string): void {
    this.db.transaction(() => {
      for (const s of subs) {
        this.upsertSubscription.run(
          this.connectionId,
          s.id,
          s.contactId,
          s.title ?? null,
          s.status ?? null,
          s.active ? 1 : 0,
          s.nextBillDate ?? null,
          JSON.stringify(s.raw ?? null),
          syncedAt,
        );
      }
    })();
  }

  /** Removes contacts of this connection that a complete pass started at `runStartedAt` did not see. */
  deleteContactsNotSyncedSince(runStartedAt: string): number {
    return this.db
      .prepare('DELETE FROM contacts WHERE connection_id = ? AND synced_at < ?')
      .run(this.connectionId, runStartedAt).changes;
  }

  deleteOrdersNotSyncedSince(runStartedAt: string): number {
    return this.db
      .prepare('DELETE FROM orders WHERE connection_id = ? AND synced_at < ?')
      .run(this.connectionId, runStartedAt).changes;
  }

  deleteSubscriptionsNotSyncedSince(runStartedAt: string): number {
    return this.db
      .prepare('DELETE FROM subscriptions WHERE connection_id = ? AND synced_at < ?')
      .run(this.connectionId, runStartedAt).changes;
  }

  /** Tags the CRM no longer lists and no cached contact carries. */
  deleteUnlistedTags(listed: ReadonlySet<string>): number {
    const rows = this.db
      .prepare(
        `SELECT t.pk, t.crm_id FROM tags t WHERE t.connection_id = ?
         AND NOT EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.tag_pk = t.pk)`,
      )
      .all(this.connectionId) as { pk: number; crm_id: string }[];
    const del = this.db.prepare('DELETE FROM tags WHERE pk = ?');
    let removed = 0;
    this.db.transaction(() => {
      for (const r of rows) if (!listed.has(r.crm_id)) removed += del.run(r.pk).changes;
    })();
    this.tagCache.clear();
    return removed;
  }

  /** Every cached CRM id of this connection (for the deletion sweep). */
  cachedContactIds(): string[] {
    return this.db
      .prepare('SELECT crm_id FROM contacts WHERE connection_id = ?')
      .pluck()
      .all(this.connectionId) as string[];
  }

  deleteContacts(crmIds: readonly string[]): number {
    let removed = 0;
    this.db.transaction(() => {
      for (const id of crmIds) removed += this.deleteContact.run(this.connectionId, id).changes;
    })();
    return removed;
  }

  private saveOne(
    c: CrmContact,
    raw: string,
    fingerprint: string,
    syncedAt: string,
    knownPk: number | undefined,
  ): number {
    const optIns = c.emails.map((e) => e.optIn).filter((v): v is boolean => typeof v === 'boolean');
    const pk = this.upsertContact.get({
      connection_id: this.connectionId,
      crm_id: c.id,
      given_name: c.givenName ?? null,
      middle_name: c.middleName ?? null,
      family_name: c.familyName ?? null,
      prefix: c.prefix ?? null,
      suffix: c.suffix ?? null,
      company: c.company ?? null,
      job_title: c.jobTitle ?? null,
      birthday: c.birthday ?? null,
      email_opt_in: optIns.length === 0 ? null : optIns.some(Boolean) ? 1 : 0,
      created_at: c.createdAt ?? null,
      updated_at: c.updatedAt ?? null,
      raw,
      fingerprint,
      search_text: searchText(c),
      synced_at: syncedAt,
    }) as number;
    if (knownPk !== undefined) for (const stmt of this.deleteChildren) stmt.run(pk);
    for (const e of c.emails) {
      if (!e.email) continue;
      const optIn = e.optIn === undefined || e.optIn === null ? null : e.optIn ? 1 : 0;
      this.insertEmail.run(pk, e.slot, e.email, normaliseEmailForCache(e.email), optIn, e.status ?? null);
    }
    for (const p of c.phones) {
      if (!p.number) continue;
      this.insertPhone.run(
        pk,
        p.slot,
        p.number,
        p.extension ?? null,
        p.type ?? null,
        p.e164 || this.e164(p.number),
      );
    }
    for (const a of c.addresses) {
      this.insertAddress.run(
        pk,
        a.slot,
        a.line1 ?? null,
        a.line2 ?? null,
        a.locality ?? null,
        a.region ?? null,
        a.postalCode ?? null,
        a.countryCode ?? null,
      );
    }
    for (const tagId of c.tagIds) this.insertContactTag.run(pk, this.tagPkFor(tagId), null);
    return pk;
  }

  private tagPkFor(crmId: string): number {
    const cached = this.tagCache.get(crmId);
    if (cached !== undefined) return cached;
    const pk =
      (this.tagPk.get(this.connectionId, crmId) as number | undefined) ??
      (this.insertPlaceholderTag.pluck().get(this.connectionId, crmId, `Tag ${crmId}`) as number);
    this.tagCache.set(crmId, pk);
    return pk;
  }

  private e164(number: string): string | null {
    try {
      return parsePhoneNumberFromString(number, this.defaultRegion)?.number ?? null;
    } catch {
      return null;
    }
  }
}

/** Trimmed and lower-cased: the cache's exact-match key. Detection derives its own, fuzzier keys. */
export function normaliseEmailForCache(email: string): string {
  return email.trim().toLowerCase();
}

function searchText(c: CrmContact): string {
  const parts = [c.givenName, c.middleName, c.familyName, c.company, ...c.emails.map((e) => e.email)];
  const phones = c.phones.map((p) => p.number.replace(/\D+/g, ''));
  return [...parts, ...phones]
    .filter((p): p is string => Boolean(p))
    .join(' ')
    .toLowerCase();
}
