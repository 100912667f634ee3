import { describe, expect, it } from 'vitest';
import {
  MalformedRecordError,
  toCrmContact,
  toCrmOrder,
  toCrmSubscription,
  toCrmTag,
  toKeapPatch,
} from '../../../app/connectors/keap/mapping';

const CONTACT = {
  id: '1001',
  given_name: 'Ada',
  family_name: 'Lovelace',
  middle_name: 'A',
  suffix: 'Jr.',
  company: { id: '7', company_name: 'Analytical Engines' },
  job_title: 'Engineer',
  birth_date: '1815-12-10',
  email_addresses: [
    { email: 'ada@example.com', field: 'EMAIL1', is_opt_in: true, email_opt_status: 'SINGLE_OPT_IN' },
    { email: 'ada@work.example', field: 'EMAIL2' },
    { email: 'a@old.example', field: 'EMAIL3', is_opt_in: false },
  ],
  phone_numbers: [
    { number: '(555) 010-2000', field: 'PHONE1', type: 'Mobile', number_e164: '+15550102000' },
    { number: '555 0103', field: 'PHONE5', extension: '12' },
  ],
  addresses: [
    {
      field: 'BILLING',
      line1: '1 Main St',
      locality: 'Town',
      region_code: 'US-AZ',
      zip_code: '85001',
      zip_four: '1234',
      country_code: 'USA',
    },
  ],
  tag_ids: ['100', 101],
  custom_fields: [{ id: '7', content: 'Podcast' }],
  create_time: '2024-01-10T08:00:00Z',
  update_time: '2024-03-15T10:30:00Z',
};

describe('Keap v2 → CrmContact mapping', () => {
  it('maps every email slot, phone slot, address, company, opt-in and keeps the raw JSON', () => {
    const c = toCrmContact(CONTACT);
    expect(c).toMatchObject({
      id: '1001',
      givenName: 'Ada',
      familyName: 'Lovelace',
      suffix: 'Jr.',
      company: 'Analytical Engines',
      birthday: '1815-12-10',
      tagIds: ['100', '101'],
      updatedAt: '2024-03-15T10:30:00Z',
    });
    expect(c.emails.map((e) => [e.slot, e.optIn])).toEqual([
      ['EMAIL1', true],
      ['EMAIL2', null],
      ['EMAIL3', false],
    ]);
    expect(c.phones[0]).toMatchObject({ slot: 'PHONE1', e164: '+15550102000' });
    expect(c.phones[1]).toMatchObject({ slot: 'PHONE5', extension: '12' });
    expect(c.addresses[0]).toMatchObject({ slot: 'BILLING', region: 'US-AZ', postalCode: '85001-1234' });
    expect(c.raw).toBe(CONTACT);
  });

  it('accepts numeric ids and a plain-string company, and refuses a record without an id', () => {
    expect(toCrmContact({ id: 5, company: 'Acme' })).toMatchObject({ id: '5', company: 'Acme', emails: [] });
    expect(() => toCrmContact({ given_name: 'x' })).toThrow(MalformedRecordError);
    expect(() => toCrmContact('nope')).toThrow(MalformedRecordError);
  });

  it('builds a PATCH body with an update_mask of exactly the fields given', () => {
    const { body, updateMask } = toKeapPatch({
      givenName: 'Ada',
      company: null,
      emails: [{ slot: 'EMAIL1', email: 'a@x.y', optIn: true }],
    });
    expect(updateMask.sort()).toEqual(['company', 'email_addresses', 'given_name']);
    expect(body).toEqual({
      given_name: 'Ada',
      company: null,
      email_addresses: [{ email: 'a@x.y', field: 'EMAIL1', is_opt_in: true }],
    });
  });

  it('maps tags with category names, orders with the contact id and amount, subscriptions with status', () => {
    expect(toCrmTag({ id: '1', name: 'VIP', category: { id: '9' } }, new Map([['9', 'purchase']]))).toEqual({
      id: '1',
      name: 'VIP',
      category: 'purchase',
    });
    expect(
      toCrmOrder({
        id: '5',
        contact: { id: '1001' },
        total: { amount: 9700, currency_code: 'USD' },
        creation_time: 't',
      }),
    ).toMatchObject({
      id: '5',
      contactId: '1001',
      total: 97,
      orderDate: 't',
    });
    expect(toCrmSubscription({ id: '3', contact_id: '1001', active: true, product_id: '2' })).toMatchObject({
      contactId: '1001',
      active: true,
      status: 'ACTIVE',
    });
  });
});
