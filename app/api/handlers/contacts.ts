import type { ContactDetail, ContactListItem } from '../methods/contacts';
import type { HandlerSubset } from './types';
import { AppError } from '../../domain/errors';

/**
 * FTS5's trigram tokenizer needs three characters; shorter queries fall back to a LIKE scan of the same text.
 * A query made only of phone characters is reduced to digits, the form the search text stores phones in.
 */
function searchTerm(query: string): { kind: 'none' } | { kind: 'fts' | 'like'; term: string } {
  const q = query.trim().toLowerCase();
  if (!q) return { kind: 'none' };
  const term = /^[\d\s()+.-]+$/.test(q) && /\d{3}/.test(q.replace(/\D+/g, '')) ? q.replace(/\D+/g, '') : q;
  return term.length >= 3 ? { kind: 'fts', term } : { kind: 'like', term };
}

const LIST_COLUMNS = `c.pk, c.connection_id, c.crm_id, c.given_name, c.family_name, c.company, c.updated_at,
  (SELECT email FROM contact_emails e WHERE e.contact_pk = c.pk ORDER BY e.slot LIMIT 1) AS email,
  (SELECT number FROM contact_phones p WHERE p.contact_pk = c.pk ORDER BY p.slot LIMIT 1) AS phone,
  (SELECT count(*) FROM contact_tags t WHERE t.contact_pk = c.pk) AS tag_count`;

interface ListRow {
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

export function displayName(given: string | null, family: string | null, fallback: string): string {
  const name = [given, family]
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(' ');
  return name || fallback;
}

export const contactHandlers: HandlerSubset<'contacts/search' | 'contacts/get'> = {
  'contacts/search': (input, ctx) => {
    const db = ctx.workspace.db;
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
      .all(...params, input.limit, input.offset) as ListRow[];
    const items: ContactListItem[] = rows.map((r) => ({
      pk: r.pk,
      connectionId: r.connection_id,
      crmId: r.crm_id,
      name: displayName(r.given_name, r.family_name, r.email ?? `Contact ${r.crm_id}`),
      email: r.email,
      phone: r.phone,
      company: r.company,
      tagCount: r.tag_count,
      updatedAt: r.updated_at,
    }));
    return { total, items };
  },

  'contacts/get': (input, ctx) => {
    const db = ctx.workspace.db;
    const c = db
      .prepare(
        `SELECT c.*, k.label AS connection_label FROM contacts c JOIN connections k ON k.id = c.connection_id
         WHERE c.pk = ?`,
      )
      .get(input.pk) as
      | (Record<string, string | number | null> & {
          raw: string;
          connection_label: string;
          synced_at: string;
        })
      | undefined;
    if (!c)
      throw new AppError(
        'NOT_FOUND',
        'That contact is no longer in the cache (it may have been merged or deleted).',
      );
    const s = (k: string) => (c[k] === null || c[k] === undefined ? null : String(c[k]));
    const emails = db
      .prepare('SELECT slot, email, opt_in, status FROM contact_emails WHERE contact_pk = ? ORDER BY slot')
      .all(input.pk) as { slot: string; email: string; opt_in: number | null; status: string | null }[];
    const phones = db
      .prepare(
        'SELECT slot, number, extension, type, e164 FROM contact_phones WHERE contact_pk = ? ORDER BY slot',
      )
      .all(input.pk) as ContactDetail['phones'][number][];
    const addresses = db
      .prepare(
        `SELECT slot, line1, line2, locality, region, postal_code AS postalCode, country_code AS countryCode
         FROM contact_addresses WHERE contact_pk = ? ORDER BY slot`,
      )
      .all(input.pk) as ContactDetail['addresses'][number][];
    const tags = db
      .prepare(
        `SELECT t.crm_id AS id, t.name, t.category FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk
         WHERE ct.contact_pk = ? ORDER BY t.category, t.name`,
      )
      .all(input.pk) as ContactDetail['tags'][number][];
    const orders = db
      .prepare(
        `SELECT crm_id AS id, title, status, total, order_date AS orderDate FROM orders
         WHERE connection_id = ? AND contact_crm_id = ? ORDER BY order_date DESC`,
      )
      .all(c.connection_id, c.crm_id) as ContactDetail['orders'][number][];
    const subscriptions = (
      db
        .prepare(
          `SELECT crm_id AS id, title, status, active, next_bill_date AS nextBillDate FROM subscriptions
           WHERE connection_id = ? AND contact_crm_id = ? ORDER BY active DESC, crm_id`,
        )
        .all(c.connection_id, c.crm_id) as (Omit<ContactDetail['subscriptions'][number], 'active'> & {
        active: number;
      })[]
    ).map((r) => ({ ...r, active: r.active === 1 }));
    const raw = parseJson(c.raw);
    return {
      pk: input.pk,
      connectionId: String(c.connection_id),
      connectionLabel: c.connection_label,
      crmId: String(c.crm_id),
      name: displayName(s('given_name'), s('family_name'), emails[0]?.email ?? `Contact ${c.crm_id}`),
      givenName: s('given_name'),
      middleName: s('middle_name'),
      familyName: s('family_name'),
      prefix: s('prefix'),
      suffix: s('suffix'),
      company: s('company'),
      jobTitle: s('job_title'),
      birthday: s('birthday'),
      emailOptIn: c.email_opt_in === null ? null : c.email_opt_in === 1,
      createdAt: s('created_at'),
      updatedAt: s('updated_at'),
      syncedAt: c.synced_at,
      emails: emails.map((e) => ({
        slot: e.slot,
        email: e.email,
        optIn: e.opt_in === null ? null : e.opt_in === 1,
        status: e.status,
      })),
      phones,
      addresses,
      tags,
      orders,
      subscriptions,
      raw,
    };
  },
};

/** Raw JSON as stored; text that does not parse is shown as it is rather than hidden. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
