import { openDatabase, type Db } from '../store/database';

/**
 * A scan's own connection. Its commits leave the WAL as it is, with no automatic checkpoint: copying the pages a
 * scan wrote into the database file took ~80 ms of a million-contact re-scan's commit, and nothing needs that copy
 * before the answer. `closeScanConnection` makes it once the answer is on its way. A copy that never happens (the
 * process ends first) loses nothing: the WAL keeps the pages, and the next checkpoint of any connection copies them.
 */
export function openScanConnection(file: string): Db {
  const db = openDatabase(file);
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

/** Copies what the scan wrote into the database file, without waiting for readers, and closes the connection. */
export function closeScanConnection(db: Db): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    db.close();
  }
}
