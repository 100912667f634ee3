import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/store/database';
import { ContactsRepo } from '../../../app/store/contacts-repo';
import type { CrmContact } from '../../../app/ports/crm';

function setup() {
  const db = openDatabase(':memory:');
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('c1', 'keap', 'Keap', 'http://x', '2026-01-01')`,
  ).run();
  return { db, repo: new ContactsRepo(db, 'c1', 'US') };
}

const contact = (id: string, over: Partial<CrmContact> = {}): CrmContact => ({
  id,
  givenName: 'Ann',
  familyName: 'Lee',
  emails: [{ slot: 'EMAIL1', email: `ann${id}@example.com` }],
  phones: [{ slot: 'PHONE1', number: '(555) 201-3344', e164: '+15552013344' }],
  addresses: [],
  tagIds: ['1'],
  raw: { id },
  ...over,
});

describe('ContactsRepo batches', () => {
  it('touches an unchanged contact without rewriting it, and rewrites a changed one', () => {
    const { db, repo } = setup();
    repo.saveContacts([contact('1'), contact('2')], 't1');
    const before = db.prepare('SELECT pk, fingerprint FROM contacts ORDER BY crm_id').all();
    repo.saveContacts([contact('1'), contact('2', { familyName: 'Leigh' })], 't2');
    const after = db
      .prepare('SELECT pk, fingerprint, family_name, synced_at FROM contacts ORDER BY crm_id')
      .all() as {
      pk: number;
      fingerprint: string;
      family_name: string;
      synced_at: string;
    }[];
    expect(after.map((r) => r.synced_at)).toEqual(['t2', 't2']);
    expect(after[0]!.fingerprint).toBe((before[0] as { fingerprint: string }).fingerprint);
    expect(after[1]!.family_name).toBe('Leigh');
    expect(after[1]!.fingerprint).not.toBe((before[1] as { fingerprint: string }).fingerprint);
    expect(
      db.prepare(`SELECT rowid FROM contacts_fts WHERE search_text LIKE '%leigh%'`).pluck().all(),
    ).toEqual([after[1]!.pk]);
  });

  it('keeps the E.164 the CRM computed and handles the same contact twice in one batch', () => {
    const { db, repo } = setup();
    repo.saveContacts([contact('1'), contact('1', { givenName: 'Annie' })], 't1');
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(1);
    expect(db.prepare('SELECT given_name FROM contacts').pluck().get()).toBe('Annie');
    expect(db.prepare('SELECT e164 FROM contact_phones').pluck().get()).toBe('+15552013344');
    expect(db.prepare('SELECT count(*) FROM contact_tags').pluck().get()).toBe(1);
  });
});
