import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../app/store/database';
import { closeScanConnection, openScanConnection } from '../../../app/detect/scan-connection';
import { tempDir } from '../../helpers/workspace';

/** [busy, frames in the WAL, frames copied into the database file] as a passive checkpoint reports them. */
const walState = (file: string) => {
  const db = openDatabase(file);
  try {
    return Object.values(
      (db.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as Record<string, number>[])[0]!,
    );
  } finally {
    db.close();
  }
};

describe('a scan connection', () => {
  it('leaves a large commit in the WAL until it is closed, then copies it into the database file', () => {
    const file = join(tempDir('md-scan-conn-'), 'cache.db');
    // Another connection stays open throughout, as the app's does, so closing the scan's is not the last close.
    const app = openDatabase(file);
    const scan = openScanConnection(file);
    scan.exec('CREATE TABLE filler (x TEXT)');
    const insert = scan.prepare('INSERT INTO filler (x) VALUES (?)');
    // About 2,000 pages: twice what an automatic checkpoint would have waited for.
    scan.transaction(() => {
      for (let i = 0; i < 8000; i++) insert.run(String(i).padEnd(900, '.'));
    })();
    const frames = statSync(`${file}-wal`).size / 4120;
    expect(frames).toBeGreaterThan(1500);
    expect(app.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(8000);
    // Nothing copied yet: the database file holds the schema, not the rows.
    const sizeBefore = statSync(file).size;
    expect(sizeBefore).toBeLessThan(1_000_000);

    closeScanConnection(scan);
    expect(statSync(file).size).toBeGreaterThan(sizeBefore + 7000 * 900);
    const [busy, log, copied] = walState(file);
    expect(busy).toBe(0);
    expect(copied).toBe(log);
    expect(app.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(8000);
    app.close();
  });
});
