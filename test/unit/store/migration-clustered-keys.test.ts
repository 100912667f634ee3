import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, schemaVersion } from '../../../app/store/database';
import { migrations } from '../../../app/store/migrations';

describe('migration 4: match_keys is one B-tree ordered by key and contact', () => {
  it('keeps each key once, in the table itself, with no second index', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'md-keys-mig-')), 'cache.db');
    const v3 = openDatabase(file, { migrations: migrations.slice(0, 3) });
    const insert = v3.prepare('INSERT INTO match_keys (key, contact_pk) VALUES (?, ?)');
    for (const [key, pk] of [
      [4294967297, 2],
      [4294967297, 1],
      [12, 7],
      [12, 7],
    ])
      insert.run(key, pk);
    v3.close();

    const db = openDatabase(file, { migrations: migrations.slice(0, 4) });
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT key, contact_pk FROM match_keys').raw().all()).toEqual([
      [12, 7],
      [4294967297, 1],
      [4294967297, 2],
    ]);
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'match_keys'`).pluck().get() as string;
    expect(sql).toMatch(/WITHOUT ROWID/);
    expect(
      db
        .prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'match_keys'`)
        .pluck()
        .get(),
    ).toBe(0);
    db.close();
  });
});
