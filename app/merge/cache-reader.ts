import type { Db } from '../store/database';
import type { CrmAddress, CrmEmail, CrmOrder, CrmPhone, CrmSubscription } from '../ports/crm';
import type { SingleField } from './settings';
import type { ReviewOrder, ReviewSubscription, ReviewWpOrder, ReviewWpUser } from './types';
import type { TagInfo } from './tag-rules';
import { listWordPressConnections } from '../connectors/wordpress/connections';
import { AppError } from '../domain/errors';

/** Everything the cache knows about one contact that a review or a plan needs. */
export interface CachedRecord {
  readonly contactId: string;
  readonly pk: number;
  readonly fields: Readonly<Record<SingleField, string | null>>;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly emailOptIn: boolean | null;
  readonly emails: readonly CrmEmail[];
  readonly phones: readonly CrmPhone[];
  readonly addresses: readonly CrmAddress[];
  readonly tagIds: readonly string[];
  readonly orders: readonly ReviewOrder[];
  readonly subscriptions: readonly ReviewSubscription[];
  readonly wpUsers: readonly ReviewWpUser[];
  readonly wpOrders: readonly ReviewWpOrder[];
}

export interface GroupData {
  readonly connectionId: string;
  readonly wpConnectionId: string | null;
  readonly groupId: number | null;
  readonly groupKey: string | null;
  readonly lane: string | null;
  readonly records: readonly CachedRecord[];
  readonly tags: ReadonlyMap<string, TagInfo>;
}

interface ContactRow {
  pk: number;
  crm_id: string;
  given_name: string | null;
  middle_name: string | null;
  family_name: string | null;
  prefix: string | null;
  suffix: string | null;
  company: string | null;
  job_title: string | null;
  birthday: string | null;
  email_opt_in: number | null;
  created_at: string | null;
  updated_at: string | null;
}

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/**
 * The WordPress connection paired with a CRM connection: the one whose settings name it (`crmConnectionId`), or
 * the only WordPress connection of the workspace.
 */
export function wordpressConnectionFor(db: Db, crmConnectionId: string): string | null {
  const sites = listWordPressConnections(db);
  const paired = sites.find((site) => site.crmConnectionId === crmConnectionId);
  if (paired) return paired.id;
  return sites.length === 1 ? sites[0]!.id : null;
}

/**
 * The CRM orders and subscriptions the cache holds for one contact, whole (the connector's raw JSON included), as
 * the last sync saw them. A native merge moves them with the contact, so the executor snapshots them from here
 * instead of listing them from the CRM again.
 */
export function cachedCrmOrders(
  db: Db,
  connectionId: string,
  contactId: string,
): { orders: CrmOrder[]; subscriptions: CrmSubscription[] } {
  const orders = (
    db
      .prepare(
        `SELECT crm_id, contact_crm_id, title, status, total, order_date, raw FROM orders
         WHERE connection_id = ? AND contact_crm_id = ? ORDER BY crm_id`,
      )
      .all(connectionId, contactId) as {
      crm_id: string;
      contact_crm_id: string | null;
      title: string | null;
      status: string | null;
      total: number | null;
      order_date: string | null;
      raw: string | null;
    }[]
  ).map((o) => ({
    id: o.crm_id,
    contactId: o.contact_crm_id,
    title: o.title,
    status: o.status,
    total: o.total,
    orderDate: o.order_date,
    raw: parseJson<unknown>(o.raw ?? 'null', null),
  }));
  const subscriptions = (
    db
      .prepare(
        `SELECT crm_id, contact_crm_id, title, status, active, next_bill_date, raw FROM subscriptions
         WHERE connection_id = ? AND contact_crm_id = ? ORDER BY crm_id`,
      )
      .all(connectionId, contactId) as {
      crm_id: string;
      contact_crm_id: string | null;
      title: string | null;
      status: string | null;
      active: number;
      next_bill_date: string | null;
      raw: string | null;
    }[]
  ).map((x) => ({
    id: x.crm_id,
    contactId: x.contact_crm_id,
    title: x.title,
    status: x.status,
    active: x.active === 1,
    nextBillDate: x.next_bill_date,
    raw: parseJson<unknown>(x.raw ?? 'null', null),
  }));
  return { orders, subscriptions };
}

export function hasProgress(progress: Readonly<Record<string, unknown>>): boolean {
  return Object.values(progress).some((v) => v !== null && v !== false && v !== 0 && v !== '' && v !== '0');
}

/** Reads a group's records from the cache: all by primary key or indexed lookups, so it stays fast at 1M rows. */
export class CacheReader {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      group: db.prepare('SELECT id, connection_id, group_key, lane, status FROM dup_groups WHERE id = ?'),
      members: db
        .prepare(
          'SELECT c.crm_id FROM dup_group_members m JOIN contacts c ON c.pk = m.contact_pk WHERE m.group_id = ? ORDER BY c.pk',
        )
        .pluck(),
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
      wpUsers:
        db.prepare(`SELECT connection_id, wp_id, login, email, last_login_at, aa_tags, progress FROM wp_users
        WHERE linked_contact_id = ? AND (? IS NULL OR connection_id = ?) ORDER BY wp_id`),
      wpOrders: db.prepare(`SELECT wp_order_id, kind, title, status FROM wp_orders
        WHERE contact_id = ? AND (? IS NULL OR connection_id = ?) ORDER BY kind, wp_order_id`),
    };
  }

  groupMembers(groupId: number): {
    connectionId: string;
    groupKey: string;
    lane: string;
    status: string;
    crmIds: string[];
  } {
    const g = this.stmts.group.get(groupId) as
      { id: number; connection_id: string; group_key: string; lane: string; status: string } | undefined;
    if (!g)
      throw new AppError(
        'NOT_FOUND',
        `Duplicate group ${groupId} no longer exists: it was merged, dismissed or re-formed by a scan.`,
        { groupId },
      );
    return {
      connectionId: g.connection_id,
      groupKey: g.group_key,
      lane: g.lane,
      status: g.status,
      crmIds: this.stmts.members.all(groupId) as string[],
    };
  }

  /** Names and categories of CRM tags, as the cache knows them (a tag it does not know is named by its id). */
  tagInfo(connectionId: string, ids: readonly string[]): Map<string, TagInfo> {
    const out = new Map<string, TagInfo>();
    for (const t of ids) {
      const row = this.stmts.tag.get(connectionId, t) as TagInfo | undefined;
      out.set(t, row ?? { id: t, name: `Tag ${t}`, category: null });
    }
    return out;
  }

  load(input: {
    connectionId: string;
    crmIds: readonly string[];
    groupId?: number | null;
    groupKey?: string | null;
    lane?: string | null;
  }): GroupData {
    const wpConnectionId = wordpressConnectionFor(this.db, input.connectionId);
    const records = input.crmIds.map((id) => this.record(input.connectionId, wpConnectionId, id));
    const tags = new Map<string, TagInfo>();
    for (const r of records) {
      for (const t of r.tagIds) {
        if (tags.has(t)) continue;
        const row = this.stmts.tag.get(input.connectionId, t) as TagInfo | undefined;
        tags.set(t, row ?? { id: t, name: `Tag ${t}`, category: null });
      }
    }
    return {
      connectionId: input.connectionId,
      wpConnectionId,
      groupId: input.groupId ?? null,
      groupKey: input.groupKey ?? null,
      lane: input.lane ?? null,
      records,
      tags,
    };
  }

  private record(connectionId: string, wpConnectionId: string | null, crmId: string): CachedRecord {
    const c = this.stmts.contact.get(connectionId, crmId) as ContactRow | undefined;
    if (!c) throw new AppError('NOT_FOUND', `Contact ${crmId} is not in the cache; sync first.`, { crmId });
    const emails = (
      this.stmts.emails.all(c.pk) as {
        slot: string;
        email: string;
        opt_in: number | null;
        status: string | null;
      }[]
    ).map((e) => ({
      slot: e.slot,
      email: e.email,
      optIn: e.opt_in === null ? null : e.opt_in === 1,
      status: e.status,
    }));
    const phones = (
      this.stmts.phones.all(c.pk) as {
        slot: string;
        number: string;
        extension: string | null;
        type: string | null;
      }[]
    ).map((p) => ({ slot: p.slot, number: p.number, extension: p.extension, type: p.type }));
    const addresses = (
      this.stmts.addresses.all(c.pk) as {
        slot: string;
        line1: string | null;
        line2: string | null;
        locality: string | null;
        region: string | null;
        postal_code: string | null;
        country_code: string | null;
      }[]
    ).map((a) => ({
      slot: a.slot,
      line1: a.line1,
      line2: a.line2,
      locality: a.locality,
      region: a.region,
      postalCode: a.postal_code,
      countryCode: a.country_code,
    }));
    const orders = (
      this.stmts.orders.all(connectionId, crmId) as {
        crm_id: string;
        title: string | null;
        status: string | null;
        total: number | null;
        order_date: string | null;
      }[]
    ).map((o) => ({
      id: o.crm_id,
      title: o.title,
      status: o.status,
      total: o.total,
      orderDate: o.order_date,
    }));
    const subscriptions = (
      this.stmts.subs.all(connectionId, crmId) as {
        crm_id: string;
        title: string | null;
        status: string | null;
        active: number;
        next_bill_date: string | null;
      }[]
    ).map((s) => ({
      id: s.crm_id,
      title: s.title,
      status: s.status,
      active: s.active === 1,
      nextBillDate: s.next_bill_date,
    }));
    const wpUsers = (
      this.stmts.wpUsers.all(crmId, wpConnectionId, wpConnectionId) as {
        connection_id: string;
        wp_id: number;
        login: string;
        email: string | null;
        last_login_at: string | null;
        aa_tags: string;
        progress: string;
      }[]
    ).map((u) => {
      const progress = parseJson<Record<string, string | number | boolean | null>>(u.progress, {});
      const aaTags = parseJson<unknown[]>(u.aa_tags, []);
      return {
        connectionId: u.connection_id,
        wpId: u.wp_id,
        login: u.login,
        email: u.email,
        lastLoginAt: u.last_login_at,
        progress,
        hasProgress: hasProgress(progress),
        accessTagNames: Array.isArray(aaTags)
          ? aaTags.map((t) =>
              typeof t === 'object' && t !== null && 'name' in t
                ? String((t as { name: unknown }).name)
                : String(t),
            )
          : [],
      };
    });
    const wpOrders = (
      this.stmts.wpOrders.all(crmId, wpConnectionId, wpConnectionId) as {
        wp_order_id: string;
        kind: 'order' | 'subscription';
        title: string | null;
        status: string | null;
      }[]
    ).map((o) => ({ id: o.wp_order_id, kind: o.kind, title: o.title, status: o.status }));
    return {
      contactId: crmId,
      pk: c.pk,
      fields: {
        givenName: c.given_name,
        middleName: c.middle_name,
        familyName: c.family_name,
        prefix: c.prefix,
        suffix: c.suffix,
        company: c.company,
        jobTitle: c.job_title,
        birthday: c.birthday,
      },
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      emailOptIn: c.email_opt_in === null ? null : c.email_opt_in === 1,
      emails,
      phones,
      addresses,
      tagIds: (this.stmts.tagIds.all(c.pk) as string[]).sort(),
      orders,
      subscriptions,
      wpUsers,
      wpOrders,
    };
  }
}
