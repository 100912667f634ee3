import type { Db } from './database';
import type { WpAccessTag, WpMember, WpOrder } from '../ports/wordpress';
import type { CachedMember, CachedOrder, ContactLinkStatus, MemberFilter } from '../domain/wordpress';

export type { CachedMember, CachedOrder, ContactLinkStatus, MemberFilter };

interface MemberRow {
  connection_id: string;
  wp_id: number;
  login: string;
  email: string | null;
  display_name: string | null;
  registered_at: string | null;
  last_login_at: string | null;
  linked_contact_id: string | null;
  aa_tags: string;
  progress: string;
  synced_at: string;
  contact_exists: number | null;
  contact_name: string | null;
}

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/**
 * The one writer and reader of `wp_users` and `wp_orders`. Orphans are computed against the CRM connection the
 * WordPress site is paired with: a member whose contact id is not among that CRM's cached contacts.
 */
export class WpUsersRepo {
  constructor(private readonly db: Db) {}

  upsertMembers(connectionId: string, members: readonly WpMember[], syncedAt: string): void {
    const stmt = this.db.prepare(`INSERT INTO wp_users (connection_id, wp_id, login, email, display_name,
        registered_at, last_login_at, linked_contact_id, aa_tags, progress, raw, synced_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (connection_id, wp_id) DO UPDATE SET login = excluded.login, email = excluded.email,
        display_name = excluded.display_name, registered_at = excluded.registered_at,
        last_login_at = excluded.last_login_at, linked_contact_id = excluded.linked_contact_id,
        aa_tags = excluded.aa_tags, progress = excluded.progress, raw = excluded.raw, synced_at = excluded.synced_at`);
    for (const m of members) {
      stmt.run(
        connectionId,
        m.wpId,
        m.login,
        m.email,
        m.displayName,
        m.registeredAt,
        m.lastLoginAt,
        m.linkedContactId,
        JSON.stringify(m.accessTags),
        JSON.stringify(m.progress),
        JSON.stringify(m.raw ?? null),
        syncedAt,
      );
    }
  }

  deleteMembersSyncedBefore(connectionId: string, before: string): number {
    return this.db
      .prepare('DELETE FROM wp_users WHERE connection_id = ? AND synced_at < ?')
      .run(connectionId, before).changes;
  }

  setLink(connectionId: string, wpId: number, contactId: string): void {
    this.db
      .prepare('UPDATE wp_users SET linked_contact_id = ? WHERE connection_id = ? AND wp_id = ?')
      .run(contactId, connectionId, wpId);
  }

  upsertOrders(connectionId: string, orders: readonly WpOrder[], syncedAt: string): void {
    const stmt = this.db
      .prepare(`INSERT INTO wp_orders (connection_id, wp_order_id, kind, contact_id, title, status,
        raw, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (connection_id, kind, wp_order_id) DO UPDATE SET contact_id = excluded.contact_id,
        title = excluded.title, status = excluded.status, raw = excluded.raw, synced_at = excluded.synced_at`);
    for (const o of orders) {
      stmt.run(
        connectionId,
        o.id,
        o.kind,
        o.contactId,
        o.title,
        o.status,
        JSON.stringify(o.raw ?? null),
        syncedAt,
      );
    }
  }

  deleteOrdersSyncedBefore(connectionId: string, before: string): number {
    return this.db
      .prepare('DELETE FROM wp_orders WHERE connection_id = ? AND synced_at < ?')
      .run(connectionId, before).changes;
  }

  ordersForContact(contactId: string, connectionIds?: readonly string[]): CachedOrder[] {
    const rows = this.db
      .prepare(
        `SELECT connection_id, wp_order_id, kind, contact_id, title, status FROM wp_orders WHERE contact_id = ?
         ORDER BY kind, wp_order_id`,
      )
      .all(contactId) as {
      connection_id: string;
      wp_order_id: string;
      kind: 'order' | 'subscription';
      contact_id: string | null;
      title: string | null;
      status: string | null;
    }[];
    return rows
      .filter((r) => !connectionIds || connectionIds.includes(r.connection_id))
      .map((r) => ({
        connectionId: r.connection_id,
        id: r.wp_order_id,
        kind: r.kind,
        contactId: r.contact_id,
        title: r.title,
        status: r.status,
      }));
  }

  countMembers(connectionId: string): number {
    return this.db
      .prepare('SELECT count(*) FROM wp_users WHERE connection_id = ?')
      .pluck()
      .get(connectionId) as number;
  }

  /** Whether the paired CRM has any contacts cached; without them every link is `unknown`. */
  private crmHasContacts(crmConnectionId: string | null): boolean {
    if (!crmConnectionId) return false;
    return (
      this.db
        .prepare('SELECT 1 FROM contacts WHERE connection_id = ? LIMIT 1')
        .pluck()
        .get(crmConnectionId) === 1
    );
  }

  listMembers(options: {
    readonly connectionId: string;
    readonly crmConnectionId: string | null;
    readonly filter: MemberFilter;
    readonly search?: string;
    readonly limit: number;
    readonly offset: number;
  }): { items: CachedMember[]; total: number; orphanCheck: boolean } {
    const orphanCheck = this.crmHasContacts(options.crmConnectionId);
    const where = ['w.connection_id = @conn'];
    if (options.filter === 'unlinked') where.push('w.linked_contact_id IS NULL');
    if (options.filter === 'linked' || options.filter === 'orphans')
      where.push('w.linked_contact_id IS NOT NULL');
    if (options.filter === 'orphans') {
      if (!orphanCheck) return { items: [], total: 0, orphanCheck };
      where.push('c.pk IS NULL');
    }
    if (options.filter === 'linked' && orphanCheck) where.push('c.pk IS NOT NULL');
    const search = options.search?.trim().toLowerCase();
    if (search) {
      where.push(
        "(lower(w.login) LIKE @q ESCAPE '\\' OR lower(coalesce(w.email, '')) LIKE @q ESCAPE '\\' OR " +
          "lower(coalesce(w.display_name, '')) LIKE @q ESCAPE '\\' OR w.linked_contact_id = @exact)",
      );
    }
    const from = `FROM wp_users w LEFT JOIN contacts c ON c.connection_id = @crm AND c.crm_id = w.linked_contact_id
      WHERE ${where.join(' AND ')}`;
    const params = {
      conn: options.connectionId,
      crm: options.crmConnectionId,
      q: search ? `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null,
      exact: search ?? null,
    };
    // Counting needs the contacts join only when the filter depends on it.
    const needsJoin = options.filter === 'orphans' || (options.filter === 'linked' && orphanCheck);
    const countFrom = needsJoin ? from : `FROM wp_users w WHERE ${where.join(' AND ')}`;
    const total = this.db.prepare(`SELECT count(*) ${countFrom}`).pluck().get(params) as number;
    const rows = this.db
      .prepare(
        `SELECT w.connection_id, w.wp_id, w.login, w.email, w.display_name, w.registered_at, w.last_login_at,
           w.linked_contact_id, w.aa_tags, w.progress, w.synced_at, c.pk IS NOT NULL AS contact_exists,
           nullif(trim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')), '') AS contact_name
         ${from} ORDER BY w.wp_id LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: options.limit, offset: options.offset }) as MemberRow[];
    return { items: rows.map((r) => toCachedMember(r, orphanCheck)), total, orphanCheck };
  }

  membersForContact(
    contactId: string,
    wpConnectionIds: readonly string[],
    crmConnectionId: string | null,
  ): CachedMember[] {
    if (wpConnectionIds.length === 0) return [];
    const orphanCheck = this.crmHasContacts(crmConnectionId);
    const rows = this.db
      .prepare(
        `SELECT w.connection_id, w.wp_id, w.login, w.email, w.display_name, w.registered_at, w.last_login_at,
           w.linked_contact_id, w.aa_tags, w.progress, w.synced_at, c.pk IS NOT NULL AS contact_exists,
           nullif(trim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')), '') AS contact_name
         FROM wp_users w LEFT JOIN contacts c ON c.connection_id = ? AND c.crm_id = w.linked_contact_id
         WHERE w.linked_contact_id = ? ORDER BY w.connection_id, w.wp_id`,
      )
      .all(crmConnectionId, contactId) as MemberRow[];
    return rows
      .filter((r) => wpConnectionIds.includes(r.connection_id))
      .map((r) => toCachedMember(r, orphanCheck));
  }

  /** CRM contacts no WordPress user of this site points at (people who bought but never got a login). */
  contactsWithoutUser(options: {
    readonly crmConnectionId: string;
    readonly wpConnectionId: string;
    readonly limit: number;
    readonly offset: number;
  }): { items: { crmId: string; name: string | null; email: string | null }[]; total: number } {
    const from = `FROM contacts c WHERE c.connection_id = @crm AND NOT EXISTS (
        SELECT 1 FROM wp_users w WHERE w.linked_contact_id = c.crm_id AND w.connection_id = @wp)`;
    const params = { crm: options.crmConnectionId, wp: options.wpConnectionId };
    const total = this.db.prepare(`SELECT count(*) ${from}`).pluck().get(params) as number;
    const items = this.db
      .prepare(
        `SELECT c.crm_id AS crmId,
           nullif(trim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')), '') AS name,
           (SELECT e.email FROM contact_emails e WHERE e.contact_pk = c.pk ORDER BY e.slot LIMIT 1) AS email
         ${from} ORDER BY c.pk LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: options.limit, offset: options.offset }) as {
      crmId: string;
      name: string | null;
      email: string | null;
    }[];
    return { items, total };
  }
}

function toCachedMember(r: MemberRow, orphanCheck: boolean): CachedMember {
  const status: ContactLinkStatus =
    r.linked_contact_id === null
      ? 'unlinked'
      : !orphanCheck
        ? 'unknown'
        : r.contact_exists
          ? 'linked'
          : 'orphan';
  return {
    connectionId: r.connection_id,
    wpId: r.wp_id,
    login: r.login,
    email: r.email,
    displayName: r.display_name,
    registeredAt: r.registered_at,
    lastLoginAt: r.last_login_at,
    linkedContactId: r.linked_contact_id,
    contactStatus: status,
    contactName: r.contact_name,
    accessTags: parseJson<WpAccessTag[]>(r.aa_tags, []),
    progress: parseJson<Record<string, string | number | boolean | null>>(r.progress, {}),
    syncedAt: r.synced_at,
  };
}

/** Every cached WordPress login with the CRM contact it is linked to (read side, for the Overview). */
export function wpLogins(db: Db): {
  connectionId: string;
  wpId: number;
  login: string;
  email: string | null;
  linkedContactId: string | null;
}[] {
  return db
    .prepare(
      `SELECT connection_id AS connectionId, wp_id AS wpId, login, email, linked_contact_id AS linkedContactId
       FROM wp_users ORDER BY login`,
    )
    .all() as ReturnType<typeof wpLogins>;
}

/**
 * After a merge: the members that were linked to a merged duplicate now point at the survivor, and the site's
 * orders keyed by a duplicate's contact id are re-keyed to it.
 */
export function relinkMembersToSurvivor(
  db: Db,
  input: {
    readonly survivorId: string;
    readonly members: readonly { readonly connectionId: string; readonly wpId: number }[];
    readonly siteConnectionId: string;
    readonly loserIds: readonly string[];
  },
): void {
  const relink = db.prepare(
    'UPDATE wp_users SET linked_contact_id = ? WHERE connection_id = ? AND wp_id = ?',
  );
  for (const u of input.members) relink.run(input.survivorId, u.connectionId, u.wpId);
  const rekey = db.prepare('UPDATE wp_orders SET contact_id = ? WHERE connection_id = ? AND contact_id = ?');
  for (const l of input.loserIds) rekey.run(input.survivorId, input.siteConnectionId, l);
}

export interface LinkedMemberRow {
  readonly connection_id: string;
  readonly wp_id: number;
  readonly login: string;
  readonly email: string | null;
  readonly last_login_at: string | null;
  /** JSON. */
  readonly aa_tags: string;
  /** JSON. */
  readonly progress: string;
}

export interface LinkedOrderRow {
  readonly wp_order_id: string;
  readonly kind: 'order' | 'subscription';
  readonly title: string | null;
  readonly status: string | null;
}

/**
 * The members and site orders linked to a CRM contact, on one site or (site null) any, with statements prepared
 * once for a review that reads many contacts.
 */
export class LinkedMemberReads {
  private readonly members;
  private readonly orders;

  constructor(db: Db) {
    this.members = db.prepare(`SELECT connection_id, wp_id, login, email, last_login_at, aa_tags, progress
      FROM wp_users WHERE linked_contact_id = ? AND (? IS NULL OR connection_id = ?) ORDER BY wp_id`);
    this.orders = db.prepare(`SELECT wp_order_id, kind, title, status FROM wp_orders
      WHERE contact_id = ? AND (? IS NULL OR connection_id = ?) ORDER BY kind, wp_order_id`);
  }

  membersOf(contactId: string, siteConnectionId: string | null): LinkedMemberRow[] {
    return this.members.all(contactId, siteConnectionId, siteConnectionId) as LinkedMemberRow[];
  }

  ordersOf(contactId: string, siteConnectionId: string | null): LinkedOrderRow[] {
    return this.orders.all(contactId, siteConnectionId, siteConnectionId) as LinkedOrderRow[];
  }
}
