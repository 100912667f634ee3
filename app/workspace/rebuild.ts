import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../store/database';
import { DATABASE_FILE } from './paths';
import { forgetSyncTimes } from '../store/connections-repo';

/** What the user decided and what the merge history holds; everything else is a cache a sync rebuilds. */
const CARRIED = [
  'settings',
  'connections',
  'decisions',
  'merge_runs',
  'merge_steps',
  'snapshots',
  'restore_steps',
  'audit_log',
] as const;

export interface RebuildResult {
  /** Where the damaged database was kept. */
  readonly damagedFile: string;
  /** Tables carried over whole; the others could not be read and start empty. */
  readonly carried: readonly string[];
  readonly lost: readonly string[];
}

/**
 * Rebuilds a damaged workspace database: the damaged file (with its -wal and -shm) is moved aside, a fresh one is
 * created, and connections, settings, decisions and the merge history are copied over where they can still be
 * read. Contacts, members and duplicate groups are a cache: the next sync reads them again from the CRM.
 * No host may have the workspace open meanwhile.
 */
export function rebuildCache(dir: string, now = new Date()): RebuildResult {
  const file = join(dir, DATABASE_FILE);
  const damagedFile = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, damagedFile);
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${damagedFile}${suffix}`);
  const fresh = openDatabase(file);
  const carried: string[] = [];
  const lost: string[] = [];
  let old: Database.Database | null = null;
  try {
    old = new Database(damagedFile, { readonly: true, fileMustExist: true });
    fresh.pragma('foreign_keys = OFF');
    for (const table of CARRIED) {
      try {
        const columns = (fresh.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
        const have = new Set((old.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
        const common = columns.filter((c) => have.has(c));
        const rows = old
          .prepare(`SELECT ${common.join(', ')} FROM ${table}`)
          .raw()
          .all() as unknown[][];
        const insert = fresh.prepare(
          `INSERT OR IGNORE INTO ${table} (${common.join(', ')}) VALUES (${common.map(() => '?').join(', ')})`,
        );
        fresh.transaction(() => rows.forEach((r) => insert.run(...r)))();
        carried.push(table);
      } catch {
        lost.push(table);
      }
    }
    // Nothing is cached any more: the next sync of every connection is a full one.
    forgetSyncTimes(fresh);
  } catch {
    lost.push(...CARRIED.filter((t) => !carried.includes(t) && !lost.includes(t)));
  } finally {
    old?.close();
    fresh.pragma('foreign_keys = ON');
    fresh.close();
  }
  return { damagedFile, carried, lost };
}
