import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase, schemaVersion } from '../../../app/store/database';
import { migrations } from '../../../app/store/migrations';
import { addKeapConnection, tempDir } from '../../helpers/workspace';

describe('migration 5: the contact child tables keep only the indexes a query reads', () => {
  it('drops the email and phone lookups from a populated v4 file and keeps its rows', () => {
    const file = join(tempDir('md-unread-idx-'), 'cache.db');
    const v4 = openDatabase(file, { migrations: migrations.slice(0, 4) });
    addKeapConnection(v4);
    v4.exec(`
      INSERT INTO contacts (pk, connection_id, crm_id, raw, synced_at) VALUES (1, 'k', '7', '{}', 'x');
      INSERT INTO contact_emails (contact_pk, slot, email, email_norm) VALUES (1, 'EMAIL1', 'Ada@X.org', 'ada@x.org');
      INSERT INTO contact_phones (contact_pk, slot, number, e164) VALUES (1, 'PHONE1', '555 201 3344', '+15552013344');
    `);
    v4.close();

    const db = openDatabase(file, { migrations: migrations.slice(0, 5) });
    expect(schemaVersion(db)).toBe(5);
    const indexes = db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('contact_emails', 'contact_phones')
         AND sql IS NOT NULL`,
      )
      .pluck()
      .all();
    expect(indexes).toEqual([]);
    expect(db.prepare('SELECT email_norm FROM contact_emails').pluck().all()).toEqual(['ada@x.org']);
    expect(db.prepare('SELECT e164 FROM contact_phones').pluck().all()).toEqual(['+15552013344']);
    db.close();
  });
});
