import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase, schemaVersion } from '../../../app/store/database';
import { migrations } from '../../../app/store/migrations';
import { ContactsRepo } from '../../../app/store/contacts-repo';
import type { CrmContact } from '../../../app/ports/crm';
import { addKeapConnection, tempDir } from '../../helpers/workspace';

const ada = (familyName: string): CrmContact => ({
  id: '7',
  givenName: 'Ada',
  familyName,
  emails: [{ slot: 'EMAIL1', email: 'ada@example.org' }],
  phones: [],
  addresses: [],
  tagIds: [],
  updatedAt: familyName === 'Lovelace' ? '2026-01-01' : '2026-02-01',
  raw: { id: '7', familyName },
});

describe('migration 6: the contact repo keeps the search index of changed contacts', () => {
  it('drops the per-row update trigger from a v5 file, and a rename saved afterwards is found by its new name only', () => {
    const file = join(tempDir('md-search-mig-'), 'cache.db');
    const v5 = openDatabase(file, { migrations: migrations.slice(0, 5) });
    addKeapConnection(v5);
    new ContactsRepo(v5, 'k').saveContacts([ada('Lovelace')], 't1');
    v5.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(6);
    expect(
      db
        .prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'contacts_fts%'`)
        .pluck()
        .all(),
    ).toEqual(['contacts_fts_ad']);
    new ContactsRepo(db, 'k').saveContacts([ada('Byron')], 't2');
    const find = (term: string) =>
      db.prepare(`SELECT rowid FROM contacts_fts WHERE search_text LIKE ?`).pluck().all(`%${term}%`);
    expect(find('byron')).toHaveLength(1);
    expect(find('lovelace')).toEqual([]);
    expect(() =>
      db.prepare(`INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)`).run(),
    ).not.toThrow();
    db.close();
  });
});
