import type { Migration } from './types';

/**
 * `connections.kind` loses its CHECK of the kinds known when the schema was written: which kinds exist is the
 * connector registry's answer (`app/store/connections-repo.ts` checks a new row against it), so adding a CRM needs
 * no schema change. SQLite cannot drop a constraint in place, so the table is rebuilt the documented way (new
 * table, copy, drop, rename) with foreign keys off, which keeps every row that points at a connection.
 */
export const openConnectionKinds: Migration = {
  version: 3,
  name: 'open-connection-kinds',
  foreignKeysOff: true,
  up: `
    CREATE TABLE connections_rebuilt (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      label TEXT NOT NULL,
      base_url TEXT NOT NULL,
      settings TEXT NOT NULL DEFAULT '{}',
      account TEXT,
      secret_ref TEXT,
      is_sandbox INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      last_tested_at TEXT,
      last_test_ok INTEGER,
      last_sync_at TEXT
    );
    INSERT INTO connections_rebuilt (id, kind, label, base_url, settings, account, secret_ref, is_sandbox,
      created_at, last_tested_at, last_test_ok, last_sync_at)
    SELECT id, kind, label, base_url, settings, account, secret_ref, is_sandbox, created_at, last_tested_at,
      last_test_ok, last_sync_at FROM connections;
    DROP TABLE connections;
    ALTER TABLE connections_rebuilt RENAME TO connections;
  `,
};
