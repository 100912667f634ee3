import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/store/database';
import { ContactsRepo } from '../../../app/store/contacts-repo';
import type { CrmContact } from '../../../app/ports/crm';

function setup() {
  const db = openDatabase(':memory:');
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('c1', 'keap', 'Keap', 'http://x', '2026-01-01')`,
  ).run();
  return { db, repo: new ContactsRepo(db, 'c1', 'US') };
}

const FAMILIES = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Abernathy'];

/** Varied children (0–3 emails, phones with and without a CRM E.164, addresses, repeated tags). */
function contact(n: number, over: Partial<CrmContact> = {}): CrmContact {
  const family = FAMILIES[n % FAMILIES.length]!;
  return {
    id: String(1000 + n),
    givenName: `Given${n}`,
    familyName: family,
    company: n % 3 === 0 ? `Firm ${n}` : null,
    emails: Array.from({ length: n % 4 }, (_, i) => ({
      slot: `EMAIL${i + 1}`,
      email: ` Person${n}.${i}@Example.com `,
      optIn: i === 0 ? n % 2 === 0 : null,
      status: 'SINGLE_OPT_IN',
    })),
    phones:
      n % 5 === 0
        ? []
        : [
            {
              slot: 'PHONE1',
              number: `(415) 555-${String(n % 10_000).padStart(4, '0')}`,
              type: 'Mobile',
              ...(n % 2 === 0 ? { e164: `+1415555${String(n % 10_000).padStart(4, '0')}` } : {}),
            },
          ],
    addresses: n % 2 === 0 ? [{ slot: 'BILLING', line1: `${n} Main St`, postalCode: '10001' }] : [],
    tagIds: n % 7 === 0 ? [] : [String(n % 4), String((n + 1) % 4), String(n % 4)],
    updatedAt: `2026-11-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00.000Z`,
    raw: { id: String(1000 + n), n },
    ...over,
  };
}

/** Every readable row of the contact cache, keyed by CRM id rather than pk. */
function dump(db: Db) {
  const q = (sql: string) => db.prepare(sql).all();
  return {
    contacts:
      q(`SELECT crm_id, given_name, middle_name, family_name, prefix, suffix, company, job_title, birthday,
      email_opt_in, created_at, updated_at, raw, fingerprint, search_text, synced_at FROM contacts ORDER BY crm_id`),
    emails: q(`SELECT c.crm_id, e.slot, e.email, e.email_norm, e.opt_in, e.status FROM contact_emails e
      JOIN contacts c ON c.pk = e.contact_pk ORDER BY c.crm_id, e.slot`),
    phones: q(`SELECT c.crm_id, p.slot, p.number, p.extension, p.type, p.e164 FROM contact_phones p
      JOIN contacts c ON c.pk = p.contact_pk ORDER BY c.crm_id, p.slot`),
    addresses: q(`SELECT c.crm_id, a.* FROM contact_addresses a JOIN contacts c ON c.pk = a.contact_pk
      ORDER BY c.crm_id, a.slot`).map((r) => ({ ...(r as { crm_id: string }), contact_pk: undefined })),
    tags: q(`SELECT c.crm_id, t.crm_id AS tag FROM contact_tags ct JOIN contacts c ON c.pk = ct.contact_pk
      JOIN tags t ON t.pk = ct.tag_pk ORDER BY c.crm_id, t.crm_id`),
  };
}

/** The search index agrees with the contacts table (FTS5 compares every indexed row with its content). */
function expectIndexConsistent(db: Db) {
  expect(() =>
    db.prepare(`INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)`).run(),
  ).not.toThrow();
  expect(db.prepare('SELECT count(*) FROM contacts_fts').pluck().get()).toBe(
    db.prepare('SELECT count(*) FROM contacts').pluck().get(),
  );
}

const find = (db: Db, term: string) =>
  db
    .prepare(
      `SELECT c.crm_id FROM contacts c WHERE c.pk IN (SELECT rowid FROM contacts_fts WHERE search_text LIKE ?)
       ORDER BY c.crm_id`,
    )
    .pluck()
    .all(`%${term}%`) as string[];

describe('ContactsRepo bulk writes', () => {
  it('writes a large batch exactly as the same contacts saved one at a time', () => {
    const batch = Array.from({ length: 301 }, (_, n) => contact(n));
    const bulk = setup();
    bulk.repo.saveContacts(batch, 't1');
    const single = setup();
    for (const c of batch) single.repo.saveContacts([c], 't1');
    expect(dump(bulk.db)).toEqual(dump(single.db));
    expect(dump(bulk.db).contacts).toHaveLength(301);
    expectIndexConsistent(bulk.db);
  });

  it('writes a large batch of changed contacts exactly as the same changes saved one at a time', () => {
    const first = Array.from({ length: 240 }, (_, n) => contact(n));
    // Renamed, re-addressed, with other emails, phones and tags; a third left as it was.
    const second = first.map((c, n) =>
      n % 3 === 0
        ? c
        : contact(n + 1, {
            id: c.id,
            givenName: `Renamed${n}`,
            raw: { id: c.id, n, v: 2 },
            updatedAt: '2026-12-01',
          }),
    );
    const bulk = setup();
    bulk.repo.saveContacts(first, 't1');
    bulk.repo.saveContacts(second, 't2');
    const single = setup();
    single.repo.saveContacts(first, 't1');
    for (const c of second) single.repo.saveContacts([c], 't2');
    expect(dump(bulk.db)).toEqual(dump(single.db));
    expect(find(bulk.db, 'renamed7 ')).toEqual(['1007']);
    expect(find(bulk.db, 'given7 ')).toEqual([]);
    expect(find(bulk.db, 'given6 ')).toEqual(['1006']);
    expectIndexConsistent(bulk.db);
    expectIndexConsistent(single.db);
  });

  it('finds contacts through search after a bulk insert, after updates and after deletes', () => {
    const { db, repo } = setup();
    repo.saveContacts(
      Array.from({ length: 150 }, (_, n) => contact(n)),
      't1',
    );
    expect(find(db, 'given149')).toEqual(['1149']);
    expect(find(db, 'tanaka')).toHaveLength(30);
    expect(find(db, '4155550042')).toEqual(['1042']);

    // A mixed batch: one renamed, one unchanged, one new.
    repo.saveContacts([contact(3, { familyName: 'Zwicky' }), contact(4), contact(500)], 't2');
    expect(find(db, 'zwicky')).toEqual(['1003']);
    expect(find(db, 'given3 ')).toEqual(['1003']);
    expect(find(db, 'tanaka')).toHaveLength(29);
    expect(find(db, 'given500')).toEqual(['1500']);
    expectIndexConsistent(db);

    expect(repo.deleteContacts(['1003', '1500'])).toBe(2);
    expect(find(db, 'zwicky')).toEqual([]);
    expect(find(db, 'given500')).toEqual([]);
    expect(repo.deleteContactsNotSyncedSince('t2')).toBe(148);
    expect(find(db, 'given')).toEqual(['1004']);
    expectIndexConsistent(db);

    // New contacts after deletions get fresh pks and are found; deleting the connection cascades to the index.
    repo.saveContacts([contact(7), contact(8)], 't3');
    expect(find(db, 'given7')).toEqual(['1007']);
    expectIndexConsistent(db);
    db.prepare(`DELETE FROM connections WHERE id = 'c1'`).run();
    expect(find(db, 'given')).toEqual([]);
    expectIndexConsistent(db);
  });

  it('re-syncing unchanged contacts only touches synced_at', () => {
    const { db, repo } = setup();
    const batch = Array.from({ length: 120 }, (_, n) => contact(n));
    repo.saveContacts(batch, 't1');
    const before = dump(db);
    const pks = db.prepare('SELECT crm_id, pk FROM contacts ORDER BY crm_id').all();
    const fts = db.prepare('SELECT * FROM contacts_fts_data ORDER BY id').all();
    const changes = () => db.prepare('SELECT total_changes()').pluck().get() as number;
    const start = changes();
    repo.saveContacts(batch, 't2');
    // One UPDATE of synced_at per contact and nothing else: no child rows, no index entries.
    expect(changes() - start).toBe(120);
    const after = dump(db);
    expect(after.contacts.map((r) => (r as { synced_at: string }).synced_at)).toEqual(
      Array<string>(120).fill('t2'),
    );
    const withoutSyncedAt = (d: ReturnType<typeof dump>) => ({
      ...d,
      contacts: d.contacts.map((r) => ({ ...(r as object), synced_at: undefined })),
    });
    expect(withoutSyncedAt(after)).toEqual(withoutSyncedAt(before));
    expect(db.prepare('SELECT crm_id, pk FROM contacts ORDER BY crm_id').all()).toEqual(pks);
    expect(db.prepare('SELECT * FROM contacts_fts_data ORDER BY id').all()).toEqual(fts);
  });

  it('keeps the last copy when a batch carries the same contact twice, new or already cached', () => {
    const { db, repo } = setup();
    repo.saveContacts(
      [contact(1), contact(2, { givenName: 'First' }), contact(2, { givenName: 'Second' })],
      't1',
    );
    expect(find(db, 'first')).toEqual([]);
    expect(find(db, 'second')).toEqual(['1002']);
    const pk = db.prepare(`SELECT pk FROM contacts WHERE crm_id = '1001'`).pluck().get();
    repo.saveContacts(
      [contact(1, { givenName: 'Changed', emails: [] }), contact(3), contact(1, { familyName: 'Final' })],
      't2',
    );
    const row = db.prepare(`SELECT pk, given_name, family_name FROM contacts WHERE crm_id = '1001'`).get();
    expect(row).toEqual({ pk, given_name: 'Given1', family_name: 'Final' });
    expect(find(db, 'changed')).toEqual([]);
    expect(find(db, 'final')).toEqual(['1001']);
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(3);
    expect(db.prepare(`SELECT count(*) FROM contact_emails WHERE contact_pk = ?`).pluck().get(pk)).toBe(1);
    expectIndexConsistent(db);
  });

  it('replaces the children of a changed contact and leaves its neighbours alone', () => {
    const { db, repo } = setup();
    repo.saveContacts([contact(2), contact(6)], 't1');
    repo.saveContacts(
      [
        contact(2, {
          phones: [{ slot: 'PHONE2', number: '415.555.0199' }],
          addresses: [],
          tagIds: ['9'],
        }),
        contact(6),
      ],
      't2',
    );
    const d = dump(db);
    expect(d.phones.filter((p) => (p as { crm_id: string }).crm_id === '1002')).toEqual([
      {
        crm_id: '1002',
        slot: 'PHONE2',
        number: '415.555.0199',
        extension: null,
        type: null,
        e164: '+14155550199',
      },
    ]);
    expect(d.addresses.map((a) => (a as { crm_id: string }).crm_id)).toEqual(['1006']);
    expect(d.tags).toEqual([
      { crm_id: '1002', tag: '9' },
      { crm_id: '1006', tag: '2' },
      { crm_id: '1006', tag: '3' },
    ]);
  });
});
