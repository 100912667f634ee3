import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestSchemaVersion, openDatabase, schemaVersion } from '../../../app/store/database';
import { migrations } from '../../../app/store/migrations';
import { isAppError } from '../../../app/domain/errors';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'md-db-')), 'cache.db');

describe('cache migrations', () => {
  it('brings a new database to the latest version with WAL and foreign keys on', () => {
    const db = openDatabase(tempFile());
    expect(schemaVersion(db)).toBe(latestSchemaVersion());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const file = tempFile();
    openDatabase(file).close();
    const newer = [
      ...migrations,
      { version: migrations.length + 1, name: 'future', up: 'CREATE TABLE future (x);' },
    ];
    openDatabase(file, { migrations: newer }).close();
    let caught: unknown;
    try {
      openDatabase(file);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught, 'DB_TOO_NEW')).toBe(true);
  });

  it('applies pending steps in one transaction: a failing step leaves the previous schema', () => {
    const file = tempFile();
    openDatabase(file).close();
    const broken = [
      ...migrations,
      { version: migrations.length + 1, name: 'ok', up: 'CREATE TABLE step_ok (x);' },
      { version: migrations.length + 2, name: 'bad', up: 'CREATE TABLE oops (' },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(latestSchemaVersion());
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'step_ok'`).pluck().get()).toBe(0);
    db.close();
  });

  it('rejects a migration list with a gap', () => {
    const gap = [{ version: 2, name: 'gap', up: '' }];
    expect(() => openDatabase(':memory:', { migrations: gap })).toThrow(/expected 1/);
  });

  it('matches the schema snapshot', () => {
    const db = openDatabase(':memory:');
    const schema = (
      db
        .prepare(`SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name`)
        .all() as { type: string; name: string; sql: string }[]
    )
      .map((r) => `-- ${r.type} ${r.name}\n${r.sql.replace(/\s+/g, ' ').trim()};`)
      .join('\n');
    db.close();
    const snapshotFile = join(import.meta.dirname, 'schema.snapshot.sql');
    if (process.env.UPDATE_SCHEMA_SNAPSHOT) {
      writeFileSync(snapshotFile, schema + '\n');
    }
    expect(schema + '\n').toBe(readFileSync(snapshotFile, 'utf8'));
  });
});
