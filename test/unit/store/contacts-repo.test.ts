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

const contact = (over: Partial<CrmContact> = {}): CrmContact => ({
  id: '101',
  givenName: 'Bill',
  familyName: 'Smith',
  emails: [{ slot: 'EMAIL1', email: ' Bill.Smith@Example.COM ', optIn: true }],
  phones: [{ slot: 'PHONE1', number: '(555) 201-3344', type: 'MOBILE' }],
  addresses: [{ slot: 'BILLING', line1: '1 Main St', postalCode: '10001' }],
  tagIds: ['7'],
  updatedAt: '2026-11-01T00:00:00.000Z',
  raw: { id: '101' },
  ...over,
});

describe('ContactsRepo', () => {
  it('stores derived columns and finds the contact by full-text search', () => {
    const { db, repo } = setup();
    repo.saveContacts([contact()], '2026-11-30T00:00:00Z');
    expect(db.prepare('SELECT email_norm FROM contact_emails').pluck().get()).toBe('bill.smith@example.com');
    expect(db.prepare('SELECT e164 FROM contact_phones').pluck().get()).toBe('+15552013344');
    const hit = db.prepare(`SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH '"smi"'`).pluck().all();
    expect(hit).toHaveLength(1);
  });

  it('replaces children on re-save and links tags synced later by name', () => {
    const { db, repo } = setup();
    repo.saveContacts([contact()], 't1');
    repo.saveContacts([contact({ emails: [], tagIds: ['7', '8'] })], 't2');
    expect(db.prepare('SELECT count(*) FROM contact_emails').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(1);
    repo.saveTags([{ id: '7', name: 'Course A Access', category: 'access' }]);
    const names = db
      .prepare('SELECT t.name FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk ORDER BY t.crm_id')
      .pluck()
      .all();
    expect(names).toEqual(['Course A Access', 'Tag 8']);
  });

  it('deletes contacts and cascades their children', () => {
    const { db, repo } = setup();
    repo.saveContacts([contact(), contact({ id: '102' })], 't1');
    expect(repo.deleteContacts(['101', '999'])).toBe(1);
    expect(db.prepare('SELECT count(*) FROM contact_phones').pluck().get()).toBe(1);
  });
});
