import { faker } from '@faker-js/faker';
import { openDatabase, type Db } from '../app/store/database';
import { ContactsRepo } from '../app/store/contacts-repo';
import type { CrmContact } from '../app/ports/crm';

/**
 * A synthetic CRM contact list: realistic name/email/phone/address spread with ~8 % of people entered twice or
 * more (typos, nicknames, Gmail dots, other phone formats, a missing field), plus shared family emails.
 */
const NICK: Record<string, string> = {
  William: 'Bill',
  Robert: 'Bob',
  Elizabeth: 'Liz',
  Margaret: 'Peggy',
  James: 'Jim',
  Richard: 'Dick',
  Katherine: 'Kate',
  Michael: 'Mike',
  Jennifer: 'Jen',
  Thomas: 'Tom',
};

function pools(seed: number) {
  faker.seed(seed);
  const given = new Set<string>(Object.keys(NICK));
  for (let i = 0; i < 6000; i++) given.add(faker.person.firstName());
  const family = new Set<string>();
  // Faker has a few hundred family names; suffixes give the long tail a real list has.
  for (let i = 0; i < 3000; i++) family.add(faker.person.lastName());
  while (family.size < 60_000)
    family.add(`${faker.person.lastName()}${faker.string.alpha({ length: 2, casing: 'lower' })}`);
  const streets = Array.from({ length: 20_000 }, () => faker.location.street());
  const cities = Array.from({ length: 3000 }, () => faker.location.city());
  return { given: [...given], family: [...family], streets, cities };
}

function typo(s: string, r: () => number): string {
  if (s.length < 3) return s;
  const i = 1 + Math.floor(r() * (s.length - 2));
  return r() < 0.5 ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s.slice(0, i) + s.slice(i + 1);
}

export function* syntheticContacts(n: number, seed = 7): Generator<CrmContact> {
  const p = pools(seed);
  let state = seed >>> 0;
  const r = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  let id = 0;
  while (id < n) {
    const given = pick(p.given);
    const family = pick(p.family);
    const domain = pick(['gmail.com', 'yahoo.com', 'outlook.com', 'example.org', 'mail.com']);
    const email = `${given}.${family}${Math.floor(r() * 100)}@${domain}`.toLowerCase();
    const phone = `(${200 + Math.floor(r() * 700)}) ${100 + Math.floor(r() * 900)}-${1000 + Math.floor(r() * 9000)}`;
    const year = 1940 + Math.floor(r() * 65);
    const birthday =
      r() < 0.4
        ? `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`
        : null;
    const address = {
      slot: 'BILLING',
      line1: `${1 + Math.floor(r() * 9999)} ${pick(p.streets)}`,
      locality: pick(p.cities),
      region: 'CA',
      postalCode: String(10000 + Math.floor(r() * 89999)),
      countryCode: 'US',
    };
    const base: CrmContact = {
      id: String(++id),
      givenName: given,
      familyName: family,
      birthday,
      emails: [{ slot: 'EMAIL1', email }],
      phones: r() < 0.7 ? [{ slot: 'PHONE1', number: phone }] : [],
      addresses: r() < 0.6 ? [address] : [],
      tagIds: [],
      updatedAt: '2026-01-01T00:00:00.000Z',
      raw: null,
    };
    yield base;
    const copies = r() < 0.08 ? 1 + Math.floor(r() * 2) : 0;
    for (let c = 0; c < copies && id < n; c++) {
      const roll = r();
      yield {
        ...base,
        id: String(++id),
        givenName: roll < 0.2 ? (NICK[given] ?? typo(given, r)) : roll < 0.35 ? typo(given, r) : given,
        familyName: roll > 0.85 ? typo(family, r) : family,
        emails:
          roll < 0.5
            ? base.emails
            : roll < 0.7 && domain === 'gmail.com'
              ? [{ slot: 'EMAIL1', email: email.replace('.', '') }]
              : [
                  {
                    slot: 'EMAIL1',
                    email: `${given[0]}${family}@${pick(['gmail.com', 'work.example'])}`.toLowerCase(),
                  },
                ],
        phones: base.phones.map((ph) => ({ ...ph, number: `+1 ${ph.number.replace(/\D/g, '')}` })),
      };
    }
    // A family sharing one email address.
    if (r() < 0.01 && id < n) yield { ...base, id: String(++id), givenName: pick(p.given), birthday: null };
  }
}

export function seedWorkspace(file: string, n: number): Db {
  const db = openDatabase(file);
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('keap', 'keap', 'Synthetic', 'http://127.0.0.1', ?)`,
  ).run(new Date().toISOString());
  const repo = new ContactsRepo(db, 'keap');
  let batch: CrmContact[] = [];
  for (const c of syntheticContacts(n)) {
    batch.push(c);
    if (batch.length === 20_000) {
      repo.saveContacts(batch, '2026-01-01T00:00:00.000Z');
      batch = [];
    }
  }
  if (batch.length) repo.saveContacts(batch, '2026-01-01T00:00:00.000Z');
  return db;
}

/** Changes `count` contacts the way a sync would (new updated_at, edited email/name). */
export function touchContacts(db: Db, count: number): void {
  const repo = new ContactsRepo(db, 'keap');
  const total = db.prepare('SELECT count(*) FROM contacts').pluck().get() as number;
  const step = Math.max(1, Math.floor(total / count));
  const batch: CrmContact[] = [];
  for (let i = 0; i < count; i++) {
    const crmId = String(1 + i * step);
    const row = db
      .prepare("SELECT given_name, family_name FROM contacts WHERE connection_id = 'keap' AND crm_id = ?")
      .get(crmId) as { given_name: string; family_name: string } | undefined;
    if (!row) continue;
    batch.push({
      id: crmId,
      givenName: row.given_name,
      familyName: row.family_name,
      emails: [
        { slot: 'EMAIL1', email: `${row.given_name}.${row.family_name}.new@example.net`.toLowerCase() },
      ],
      phones: [],
      addresses: [],
      tagIds: [],
      updatedAt: '2026-02-01T00:00:00.000Z',
      raw: null,
    });
  }
  repo.saveContacts(batch, '2026-02-01T00:00:00.000Z');
}
