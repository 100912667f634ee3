import type { Db } from '../store/database';
import type { CrmAddress, CrmEmail, CrmOrder, CrmPhone, CrmSubscription } from '../ports/crm';
import type { SingleField } from './settings';
import type { ReviewOrder, ReviewSubscription, ReviewWpOrder, ReviewWpUser } from './types';
import type { TagInfo } from './tag-rules';
import { listWordPressConnections } from '../connectors/wordpress/connections';
import { AppError } from '../domain/errors';
import { ContactRecordReads, contactOrderRows } from '../store/contacts-reads';
import { LinkedMemberReads } from '../store/wp-users-repo';
import { groupHeader, groupMemberCrmIds } from '../detect/group-reads';

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
  const rows = contactOrderRows(db, connectionId, contactId);
  const orders = rows.orders.map((o) => ({
    id: o.crm_id,
    contactId: o.contact_crm_id,
    title: o.title,
    status: o.status,
    total: o.total,
    orderDate: o.order_date,
    raw: parseJson<unknown>(o.raw ?? 'null', null),
  }));
  const subscriptions = rows.subscriptions.map((x) => ({
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
  private readonly contacts: ContactRecordReads;
  private readonly members: LinkedMemberReads;

  constructor(private readonly db: Db) {
    this.contacts = new ContactRecordReads(db);
    this.members = new LinkedMemberReads(db);
  }

  groupMembers(groupId: number): {
    connectionId: string;
    groupKey: string;
    lane: string;
    status: string;
    crmIds: string[];
  } {
    const g = groupHeader(this.db, groupId);
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
      crmIds: groupMemberCrmIds(this.db, groupId),
    };
  }

  /** Names and categories of CRM tags, as the cache knows them (a tag it does not know is named by its id). */
  tagInfo(connectionId: string, ids: readonly string[]): Map<string, TagInfo> {
    const out = new Map<string, TagInfo>();
    for (const t of ids) {
      const row = this.contacts.tag(connectionId, t);
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
        const row = this.contacts.tag(input.connectionId, t);
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
    const c = this.contacts.contact(connectionId, crmId);
    if (!c) throw new AppError('NOT_FOUND', `Contact ${crmId} is not in the cache; sync first.`, { crmId });
    const emails = this.contacts.emails(c.pk).map((e) => ({
      slot: e.slot,
      email: e.email,
      optIn: e.opt_in === null ? null : e.opt_in === 1,
      status: e.status,
    }));
    const phones = this.contacts
      .phones(c.pk)
      .map((p) => ({ slot: p.slot, number: p.number, extension: p.extension, type: p.type }));
    const addresses = this.contacts.addresses(c.pk).map((a) => ({
      slot: a.slot,
      line1: a.line1,
      line2: a.line2,
      locality: a.locality,
      region: a.region,
      postalCode: a.postal_code,
      countryCode: a.country_code,
    }));
    const orders = this.contacts.orders(connectionId, crmId).map((o) => ({
      id: o.crm_id,
      title: o.title,
      status: o.status,
      total: o.total,
      orderDate: o.order_date,
    }));
    const subscriptions = this.contacts.subscriptions(connectionId, crmId).map((s) => ({
      id: s.crm_id,
      title: s.title,
      status: s.status,
      active: s.active === 1,
      nextBillDate: s.next_bill_date,
    }));
    const wpUsers = this.members.membersOf(crmId, wpConnectionId).map((u) => {
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
    const wpOrders = this.members
      .ordersOf(crmId, wpConnectionId)
      .map((o) => ({ id: o.wp_order_id, kind: o.kind, title: o.title, status: o.status }));
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
      tagIds: this.contacts.tagCrmIds(c.pk).sort(),
      orders,
      subscriptions,
      wpUsers,
      wpOrders,
    };
  }
}
