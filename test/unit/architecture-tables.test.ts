import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../app/store/database';
import { ROOT, readFacts, sourceFiles } from './architecture-source';

/**
 * Each table has one owner module holding its SQL (docs/ARCHITECTURE.md, "Tables and their owners"). The
 * contacts cache is one owner split in two files: its write path and its reads.
 */
const CONTACTS_CACHE = ['app/store/contacts-repo.ts', 'app/store/contacts-reads.ts'];
/**
 * Detection output: the scan writes groups and pairs; a person's decisions dismiss groups and delete the pairs they
 * rule out, in the decision side of the same owner.
 */
const DETECTION_OUTPUT = ['app/detect/store.ts', 'app/detect/group-store.ts'];

const OWNERS: Readonly<Record<string, readonly string[]>> = {
  settings: ['app/store/settings.ts'],
  connections: ['app/store/connections-repo.ts'],
  contacts: CONTACTS_CACHE,
  contact_emails: CONTACTS_CACHE,
  contact_phones: CONTACTS_CACHE,
  contact_addresses: CONTACTS_CACHE,
  tags: CONTACTS_CACHE,
  contact_tags: CONTACTS_CACHE,
  orders: CONTACTS_CACHE,
  subscriptions: CONTACTS_CACHE,
  contacts_fts: CONTACTS_CACHE,
  wp_users: ['app/store/wp-users-repo.ts'],
  wp_orders: ['app/store/wp-users-repo.ts'],
  sync_state: ['app/sync/state.ts'],
  sync_runs: ['app/sync/runs.ts'],
  dup_groups: DETECTION_OUTPUT,
  dup_group_members: DETECTION_OUTPUT,
  candidate_pairs: DETECTION_OUTPUT,
  match_keys: ['app/detect/scan-store.ts'],
  match_term_freq: ['app/detect/scan-store.ts'],
  detect_runs: ['app/detect/scan-store.ts'],
  decisions: ['app/detect/decisions.ts'],
  merge_runs: ['app/merge/journal.ts'],
  merge_steps: ['app/merge/journal.ts'],
  snapshots: ['app/merge/journal.ts'],
  restore_steps: ['app/merge/journal.ts'],
  audit_log: ['app/store/audit-log.ts'],
  claims: ['app/workspace/claims.ts'],
};

/**
 * Read models that join another owner's tables in one statement, because splitting the statement would cost a
 * round trip per row on a million contacts. They read; they never write.
 */
const READERS: Readonly<Record<string, readonly string[]>> = {
  // The review queue: names, phone and tag filters of groups come from their members' contacts.
  'app/detect/group-reads.ts': [
    'dup_groups',
    'dup_group_members',
    'candidate_pairs',
    'contacts',
    'contact_phones',
    'contact_tags',
    'tags',
  ],
  // The lane gate picks the groups whose members' contacts, subscriptions or WordPress records changed, in one pass.
  'app/detect/gate-store.ts': [
    'dup_groups',
    'dup_group_members',
    'contacts',
    'subscriptions',
    'wp_users',
    'wp_orders',
  ],
  // A scan loads every contact with its emails, phones and addresses in one pass.
  'app/detect/record-reads.ts': ['contacts', 'contact_emails', 'contact_phones', 'contact_addresses'],
  // A multi-connection scan replaces the pairs of one connection's contacts.
  'app/detect/store.ts': ['contacts'],
  // A contact's detail names its connection; a scan covers the connections that hold contacts.
  'app/store/contacts-reads.ts': ['connections'],
  // Members are listed with the contact they link to (orphans, people without a login).
  'app/store/wp-users-repo.ts': ['contacts', 'contact_emails'],
};

/**
 * Statements not yet in their owner, each file with the tables it still names. The list may only shrink: a file
 * that names a table outside its owner and is not listed here fails the test.
 */
const NOT_YET_MOVED: Readonly<Record<string, readonly string[]>> = {
  'app/detect/store.ts': ['decisions'],
};

const STATEMENT =
  /\b(DELETE\s+FROM|INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO|REPLACE\s+INTO|UPDATE|FROM|JOIN)\s+["`]?([a-z_][a-z0-9_]*)/g;

interface Use {
  readonly file: string;
  readonly line: number;
  readonly table: string;
  readonly writes: boolean;
}

function schemaTables(): string[] {
  const db = openDatabase(':memory:');
  try {
    return (
      db
        .prepare(
          `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
        )
        .pluck()
        .all() as string[]
    ).filter((name) => !/_fts_/.test(name));
  } finally {
    db.close();
  }
}

function tableUses(tables: ReadonlySet<string>): Use[] {
  const uses: Use[] = [];
  // Migrations are the schema itself: they name every table by design.
  for (const file of sourceFiles('app').filter((f) => !f.startsWith('app/store/migrations/'))) {
    for (const s of readFacts(file).strings) {
      for (const m of s.text.matchAll(STATEMENT)) {
        const table = m[2]!;
        if (!tables.has(table)) continue;
        const keyword = m[1]!.split(/\s+/)[0]!;
        uses.push({ file, line: s.line, table, writes: keyword !== 'FROM' && keyword !== 'JOIN' });
      }
    }
  }
  return uses;
}

describe('every table has one owner module holding its SQL', () => {
  const tables = schemaTables();
  const uses = tableUses(new Set(tables));

  it('names an owner for every table of the schema, and every owner holds SQL for its tables', () => {
    expect(tables.filter((t) => !OWNERS[t])).toEqual([]);
    expect(Object.keys(OWNERS).filter((t) => !tables.includes(t))).toEqual([]);
    for (const [table, owners] of Object.entries(OWNERS)) {
      for (const owner of owners) expect(existsSync(join(ROOT, owner)), owner).toBe(true);
      expect(
        uses.some((u) => u.table === table && owners.includes(u.file)),
        `${table} has no SQL in ${owners.join(' or ')}`,
      ).toBe(true);
    }
  });

  it('finds no SQL naming a table outside its owner, a granted read or the list still to move', () => {
    const stray = uses
      .filter((u) => !OWNERS[u.table]!.includes(u.file))
      .filter((u) => u.writes || !(READERS[u.file] ?? []).includes(u.table))
      .filter((u) => !(NOT_YET_MOVED[u.file] ?? []).includes(u.table))
      .map(
        (u) =>
          `${u.file}:${u.line} ${u.writes ? 'writes' : 'reads'} ${u.table} (owner: ${OWNERS[u.table]!.join(' + ')})`,
      );
    expect(stray).toEqual([]);
  });

  it('keeps SQL out of the contract handlers entirely', () => {
    expect(uses.filter((u) => u.file.startsWith('app/api/'))).toEqual([]);
  });

  it('catches a statement written outside its owner (the scanner itself works)', () => {
    const found = [
      ...'SELECT id FROM connections c JOIN contacts k ON k.connection_id = c.id'.matchAll(STATEMENT),
    ];
    expect(found.map((m) => m[2])).toEqual(['connections', 'contacts']);
    expect([...`INSERT OR IGNORE INTO tags (pk) VALUES (1)`.matchAll(STATEMENT)].map((m) => m[1])).toEqual([
      'INSERT OR IGNORE INTO',
    ]);
  });
});
