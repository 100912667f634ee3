import type { Migration } from './types';

/**
 * `match_keys` becomes one B-tree ordered by (key, contact_pk) instead of a rowid table plus an index holding the
 * same two columns: a full scan writes each of a million contacts' ~15 keys once instead of twice, and the file
 * holds them once. A key stored twice for one contact meant nothing, so the copy keeps one of each.
 */
export const clusteredMatchKeys: Migration = {
  version: 4,
  name: 'clustered-match-keys',
  up: `
    CREATE TABLE match_keys_clustered (
      key INTEGER NOT NULL,
      contact_pk INTEGER NOT NULL,
      PRIMARY KEY (key, contact_pk)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO match_keys_clustered (key, contact_pk)
      SELECT key, contact_pk FROM match_keys ORDER BY key, contact_pk;
    DROP TABLE match_keys;
    ALTER TABLE match_keys_clustered RENAME TO match_keys;
  `,
};
