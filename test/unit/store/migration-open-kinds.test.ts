import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, schemaVersion, type Db } from '../../../app/store/database';
import { migrations } from '../../../app/store/migrations';
import { insertConnectionRow, listConnections } from '../../../app/store/connections-repo';
import { isAppError } from '../../../app/domain/errors';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'md-kinds-')), 'cache.db');
const AT = '2026-01-02T03:04:05.000Z';

/** A version-2 workspace with a row in every table that points at a connection, and some that point further. */
function populateV2(db: Db): void {
  db.exec(`
    INSERT INTO connections (id, kind, label, base_url, settings, account, secret_ref, is_sandbox, created_at,
      last_tested_at, last_test_ok, last_sync_at)
    VALUES ('crm-1', 'keap', 'Main Keap', 'https://api.infusionsoft.com', '{"pageSize":50}', 'acct', 'ref-1', 0,
      '${AT}', '${AT}', 1, '${AT}'),
      ('wp-1', 'wordpress', 'Site', 'https://example.org', '{"crmConnectionId":"crm-1"}', 'admin', 'ref-2', 1,
      '${AT}', NULL, NULL, NULL);
    INSERT INTO contacts (pk, connection_id, crm_id, given_name, family_name, raw, search_text, synced_at)
    VALUES (1, 'crm-1', '11', 'Ada', 'Lovelace', '{}', 'ada lovelace', '${AT}'),
      (2, 'crm-1', '12', 'Ada', 'Lovelace', '{}', 'ada lovelace', '${AT}');
    INSERT INTO contacts_fts (rowid, search_text) SELECT pk, search_text FROM contacts;
    INSERT INTO contact_emails (contact_pk, slot, email, email_norm) VALUES (1, 'EMAIL1', 'ada@x.org', 'ada@x.org');
    INSERT INTO tags (pk, connection_id, crm_id, name) VALUES (1, 'crm-1', '91', 'Course A');
    INSERT INTO contact_tags (contact_pk, tag_pk) VALUES (1, 1), (2, 1);
    INSERT INTO orders (connection_id, crm_id, contact_crm_id, raw, synced_at) VALUES ('crm-1', 'o1', '11', '{}', '${AT}');
    INSERT INTO wp_users (connection_id, wp_id, login, raw, synced_at, linked_contact_id)
      VALUES ('wp-1', 7, 'ada', '{}', '${AT}', '11');
    INSERT INTO sync_runs (connection_id, mode, status, started_at) VALUES ('crm-1', 'full', 'completed', '${AT}');
    INSERT INTO dup_groups (id, connection_id, group_key, lane, score, reason, size, created_at, updated_at)
      VALUES (5, 'crm-1', 'k', 'safe', 0.99, 'Same email', 2, '${AT}', '${AT}');
    INSERT INTO dup_group_members (group_id, contact_pk, crm_id) VALUES (5, 1, '11'), (5, 2, '12');
    INSERT INTO decisions (connection_id, kind, crm_ids, created_at) VALUES ('crm-1', 'not_duplicate', '["11","12"]', '${AT}');
    INSERT INTO merge_runs (id, connection_id, survivor_id, loser_ids, strategy, plan, status, created_at)
      VALUES ('run-1', 'crm-1', '11', '["12"]', 'native', '{}', 'completed', '${AT}');
    INSERT INTO merge_steps (run_id, seq, name, status) VALUES ('run-1', 1, 'snapshot', 'done');
  `);
}

const COUNTED = [
  'connections',
  'contacts',
  'contact_emails',
  'tags',
  'contact_tags',
  'orders',
  'wp_users',
  'sync_runs',
  'dup_groups',
  'dup_group_members',
  'decisions',
  'merge_runs',
  'merge_steps',
] as const;

const counts = (db: Db) =>
  Object.fromEntries(
    COUNTED.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]),
  );

const indexesAndTriggers = (db: Db) =>
  db
    .prepare(
      `SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY name`,
    )
    .all();

describe('migration 3: connection kinds come from the registry, not a CHECK', () => {
  it('rebuilds a populated version-2 database keeping rows, foreign keys, cascades and indexes', () => {
    const file = tempFile();
    const v2 = openDatabase(file, { migrations: migrations.slice(0, 2) });
    expect(schemaVersion(v2)).toBe(2);
    populateV2(v2);
    const before = counts(v2);
    const schemaBefore = indexesAndTriggers(v2);
    const rowsBefore = listConnections(v2);
    v2.close();

    const db = openDatabase(file, { migrations: migrations.slice(0, 3) });
    expect(schemaVersion(db)).toBe(3);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(counts(db)).toEqual(before);
    expect(listConnections(db)).toEqual(rowsBefore);
    expect(indexesAndTriggers(db)).toEqual(schemaBefore);
    expect(db.pragma('foreign_key_check', { simple: false })).toEqual([]);
    const contactsParent = db.pragma('foreign_key_list(contacts)', { simple: false }) as {
      table: string;
      on_delete: string;
    }[];
    expect(contactsParent).toEqual([expect.objectContaining({ table: 'connections', on_delete: 'CASCADE' })]);
    // The search index still answers, and its triggers still follow the contacts.
    expect(
      db.prepare(`SELECT count(*) FROM contacts_fts WHERE search_text LIKE '%lovelace%'`).pluck().get(),
    ).toBe(2);

    // A kind the first schema never named is stored as it is.
    db.prepare(
      `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('crm-2', 'hubspot', 'H', 'https://h', ?)`,
    ).run(AT);
    expect(db.prepare(`SELECT kind FROM connections WHERE id = 'crm-2'`).pluck().get()).toBe('hubspot');

    // Deleting a connection still takes its cache rows with it.
    db.prepare(`DELETE FROM connections WHERE id = 'crm-1'`).run();
    for (const table of [
      'contacts',
      'contact_tags',
      'tags',
      'orders',
      'dup_groups',
      'decisions',
      'merge_steps',
    ])
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    expect(db.prepare('SELECT count(*) FROM wp_users').pluck().get()).toBe(1);
    db.close();
  });

  it('checks a new connection kind against the connectors the core was built with', () => {
    const db = openDatabase(':memory:');
    const row = {
      id: 'c1',
      label: 'Account',
      baseUrl: 'https://api.example.com',
      settings: '{}',
      account: null,
      secretRef: null,
      isSandbox: false,
      createdAt: AT,
      testedOk: true,
    };
    const only = (kind: string) => ({ find: (k: string) => (k === kind ? { kind } : null) });
    let refused: unknown;
    try {
      insertConnectionRow(db, only('keap'), { ...row, kind: 'hubspot' });
    } catch (error) {
      refused = error;
    }
    expect(isAppError(refused, 'UNSUPPORTED')).toBe(true);
    expect(listConnections(db)).toEqual([]);
    insertConnectionRow(db, only('hubspot'), { ...row, kind: 'hubspot' });
    expect(listConnections(db).map((c) => c.kind)).toEqual(['hubspot']);
    db.close();
  });
});
