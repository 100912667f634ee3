import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations as defaultMigrations, type Migration } from './migrations';
import { AppError } from '../domain/errors';

export type Db = Database.Database;

export interface OpenOptions {
  /** For tests of the migration runner; production always uses the shipped list. */
  readonly migrations?: readonly Migration[];
  readonly readonly?: boolean;
}

/**
 * Opens (creating if needed) a workspace cache and brings its schema up to date.
 * WAL lets the UI read while a sync writes; NORMAL synchronous is enough for a cache that can be re-synced,
 * and the merge journal commits its own steps before any side effect is attempted.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false, timeout: 5000 });
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) migrate(db, options.migrations ?? defaultMigrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestSchemaVersion(list: readonly Migration[] = defaultMigrations): number {
  return list.length === 0 ? 0 : list[list.length - 1]!.version;
}

export function migrate(db: Db, list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = schemaVersion(db);
  const latest = latestSchemaVersion(list);
  if (current > latest) {
    throw new AppError(
      'DB_TOO_NEW',
      `This workspace was written by a newer Mergedesk (schema ${current}; this version knows up to ${latest}). ` +
        'Update Mergedesk, or open another workspace.',
      { current, latest },
    );
  }
  const pending = list.filter((m) => m.version > current);
  if (pending.length === 0) return;
  // All pending steps commit together: a crash mid-upgrade leaves the previous, consistent schema.
  db.transaction(() => {
    for (const m of pending) db.exec(m.up);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  db.pragma('optimize');
}
