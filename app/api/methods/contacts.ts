import { z } from 'zod';
import { method } from '../define';

export interface ContactListItem {
  readonly pk: number;
  readonly connectionId: string;
  readonly crmId: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly company: string | null;
  readonly tagCount: number;
  readonly updatedAt: string | null;
}

export interface ContactDetail {
  readonly pk: number;
  readonly connectionId: string;
  readonly connectionLabel: string;
  readonly crmId: string;
  readonly name: string;
  readonly givenName: string | null;
  readonly middleName: string | null;
  readonly familyName: string | null;
  readonly prefix: string | null;
  readonly suffix: string | null;
  readonly company: string | null;
  readonly jobTitle: string | null;
  readonly birthday: string | null;
  readonly emailOptIn: boolean | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly syncedAt: string;
  readonly emails: readonly { slot: string; email: string; optIn: boolean | null; status: string | null }[];
  readonly phones: readonly {
    slot: string;
    number: string;
    extension: string | null;
    type: string | null;
    e164: string | null;
  }[];
  readonly addresses: readonly {
    slot: string;
    line1: string | null;
    line2: string | null;
    locality: string | null;
    region: string | null;
    postalCode: string | null;
    countryCode: string | null;
  }[];
  readonly tags: readonly { id: string; name: string; category: string | null }[];
  readonly orders: readonly {
    id: string;
    title: string | null;
    status: string | null;
    total: number | null;
    orderDate: string | null;
  }[];
  readonly subscriptions: readonly {
    id: string;
    title: string | null;
    status: string | null;
    active: boolean;
    nextBillDate: string | null;
  }[];
  /** The CRM's own JSON, as last synced. */
  readonly raw: unknown;
}

export const contactMethods = {
  'contacts/search': method(
    z
      .object({
        query: z.string().max(200).default(''),
        connectionId: z.string().min(1).max(100).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    'Searches cached contacts by name, email, phone or company (trigram full-text), a page at a time.',
  ).returns<{ total: number; items: ContactListItem[] }>(),
  'contacts/get': method(
    z.object({ pk: z.number().int().positive() }).strict(),
    'One cached contact with its emails, phones, addresses, tags, orders, subscriptions and raw CRM fields.',
  ).returns<ContactDetail>(),
  'tags/list': method(z.object({}).strict(), 'Tag names in the cache, for suggestions.').returns<{
    names: string[];
  }>(),
};
