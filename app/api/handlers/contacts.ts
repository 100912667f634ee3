import type { ContactListItem } from '../methods/contacts';
import type { HandlerSubset } from './types';
import { AppError } from '../../domain/errors';
import { contactDetailRows, searchContacts, tagNames } from '../../store/contacts-reads';

export function displayName(given: string | null, family: string | null, fallback: string): string {
  const name = [given, family]
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(' ');
  return name || fallback;
}

export const contactHandlers: HandlerSubset<'contacts/search' | 'contacts/get' | 'tags/list'> = {
  'tags/list': (_input, ctx) => ({ names: tagNames(ctx.workspace.db) }),
  'contacts/search': (input, ctx) => {
    const { total, rows } = searchContacts(ctx.workspace.db, input);
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
    const found = contactDetailRows(ctx.workspace.db, input.pk);
    if (!found)
      throw new AppError(
        'NOT_FOUND',
        'That contact is no longer in the cache (it may have been merged or deleted).',
      );
    const { contact: c, emails, phones, addresses, tags, orders, subscriptions } = found;
    const s = (k: string) => (c[k] === null || c[k] === undefined ? null : String(c[k]));
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
      subscriptions: subscriptions.map((r) => ({ ...r, active: r.active === 1 })),
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
