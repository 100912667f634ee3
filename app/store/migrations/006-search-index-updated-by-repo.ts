import type { Migration } from './types';

/**
 * A changed contact's search text is re-indexed by `ContactsRepo`, one statement per batch, instead of by a
 * trigger per updated row: FTS5 flushes its pending terms at every statement, so the trigger wrote a segment per
 * contact. `ContactsRepo` is the only writer of `contacts`. Deletes keep their trigger: they also arrive by cascade.
 */
export const searchIndexUpdatedByRepo: Migration = {
  version: 6,
  name: 'search-index-updated-by-repo',
  up: `DROP TRIGGER IF EXISTS contacts_fts_au;`,
};
