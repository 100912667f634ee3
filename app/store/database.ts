import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations as defaultMigrations, type Migration } from './migrations';
import { AppError } from '../domain/errors';

export type Db = Database.Database;

/**
 * How long a connection waits for another writer (a sync beside a scan, a merge beside either) before giving up.
 * Writers commit in short transactions, so a wait this long means something is wrong, not merely busy.
 */
export const BUSY_TIMEOUT_MS = 30_000;

export interface OpenOptions {
  /** For tests of the migration runner; production always uses the shipped list. */
  readonly migrations?: readonly Migration[];
  readonly readonly?: boolean;
  /** Run `PRAGMA quick_check` first (a workspace being opened by a host); a damaged file then refuses writes. */
  readonly integrityCheck?: boolean;
}

/** What `PRAGMA quick_check` found when the workspace was opened; null when the file is sound or was not checked. */
export interface DamageReport {
  readonly problems: readonly string[];
}

const damage = new WeakMap<Db, DamageReport>();

/** The integrity problems found when this connection was opened, if any. */
export function damageOf(db: Db): DamageReport | null {
  return damage.get(db) ?? null;
}

/** The workspace's files hold every contact and, beside them, the credentials: only their owner may read them. */
const PRIVATE = 0o600;

function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) {
    // Created before SQLite sees it, so it never exists with the umask's looser mode; SQLite gives the -wal and
    // -shm files it creates the database file's mode.
    closeSync(openSync(file, 'a', PRIVATE));
  }
  chmodSync(file, PRIVATE);
}

function tightenSidecars(file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) {
    const side = `${file}${suffix}`;
    try {
      if (existsSync(side)) chmodSync(side, PRIVATE);
    } catch {
      // Another process removed it at checkpoint time: nothing left to protect.
    }
  }
}

/**
 * Every transaction on a workspace connection starts IMMEDIATE: a transaction that reads and then writes would
 * otherwise have to upgrade its lock, and SQLite answers a contended upgrade with SQLITE_BUSY at once instead of
 * waiting for the busy timeout.
 */
function immediateByDefault(db: Db): void {
  const original = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const t = original(fn);
    const run = (...args: unknown[]) => t.immediate(...args);
    return Object.assign(run, {
      default: t.default,
      deferred: t.deferred,
      immediate: t.immediate,
      exclusive: t.exclusive,
    });
  }) as typeof db.transaction;
}

/**
 * Opens (creating if needed) a workspace cache and brings its schema up to date.
 * WAL lets the UI read while a sync writes; NORMAL synchronous is enough for a cache that can be re-synced,
 * and the merge journal commits its own steps before any side effect is attempted.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const onDisk = file !== ':memory:';
  if (onDisk) mkdirSync(dirname(file), { recursive: true });
  if (onDisk && !options.readonly) ensurePrivateFile(file);
  const db = new Database(file, { readonly: options.readonly ?? false, timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (options.integrityCheck && onDisk) {
      const problems = quickCheck(db);
      if (problems.length > 0) {
        damage.set(db, { problems });
        // Reads may still show what is there; no write may build on a damaged file.
        db.pragma('query_only = ON');
        return db;
      }
    }
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    immediateByDefault(db);
    if (!options.readonly) migrate(db, options.migrations ?? defaultMigrations);
    if (onDisk && !options.readonly) tightenSidecars(file);
    return db;
  } catch (error) {
    db.close();
    if (isCorruption(error)) {
      throw new AppError('DB_DAMAGED', damagedMessage([(error as Error).message]), {
        problems: [(error as Error).message],
      });
    }
    throw error;
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT_VTAB';
}

/** `PRAGMA quick_check`'s findings (the first ten); an unreadable file is one finding. */
export function quickCheck(db: Db): string[] {
  try {
    const rows = db.pragma('quick_check(10)', { simple: false }) as { quick_check: string }[];
    const found = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    return found;
  } catch (error) {
    return [(error as Error).message];
  }
}

export function damagedMessage(problems: readonly string[]): string {
  return (
    `This workspace's database is damaged (${problems[0] ?? 'integrity check failed'}), so Mergedesk will not ` +
    'write to it. Restore the folder from a backup, or rebuild the cache: the damaged file is kept aside, ' +
    'connections, decisions and the merge history are carried over where they can be read, and contacts are ' +
    're-synced from the CRM (`mergedesk rebuild-cache`).'
  );
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestSchemaVersion(list: readonly Migration[] = defaultMigrations): number {
  return list.length === 0 ? 0 : list[list.length - 1]!.version;
}

function tooNew(current: number, latest: number): AppError {
  return new AppError(
    'DB_TOO_NEW',
    `This workspace was written by a newer Mergedesk (schema ${current}; this version knows up to ${latest}). ` +
      'Update Mergedesk, or open another workspace.',
    { current, latest },
  );
}

const danglingRows = (db: Db): number =>
  (db.pragma('foreign_key_check', { simple: false }) as unknown[]).length;

export function migrate(db: Db, list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = latestSchemaVersion(list);
  if (schemaVersion(db) > latest) throw tooNew(schemaVersion(db), latest);
  if (schemaVersion(db) === latest) return;
  // All pending steps commit together: a crash mid-upgrade leaves the previous, consistent schema. The version
  // is read again under the write lock, so a host opening the same new workspace at the same moment, which
  // migrated first, is not migrated a second time.
  // Foreign key enforcement cannot change inside a transaction, so a rebuild's need is decided up front (a host
  // that finds the work already done has switched it off and on for nothing).
  const rebuilds = list.some((m) => m.version > schemaVersion(db) && m.foreignKeysOff === true);
  if (rebuilds) db.pragma('foreign_keys = OFF');
  try {
    const applied = db
      .transaction(() => {
        const current = schemaVersion(db);
        if (current > latest) throw tooNew(current, latest);
        const pending = list.filter((m) => m.version > current);
        // A rebuild must leave no row pointing nowhere; rows that already did (written with enforcement off, by
        // an old rebuild of a damaged cache) are not its doing and do not stop the upgrade.
        const danglingBefore = rebuilds ? danglingRows(db) : 0;
        for (const m of pending) db.exec(m.up);
        if (rebuilds && danglingRows(db) > danglingBefore)
          throw new Error(
            'A schema upgrade would leave rows pointing at nothing; the workspace was not changed.',
          );
        db.pragma(`user_version = ${latest}`);
        return pending.length;
      })
      .immediate();
    if (applied > 0) db.pragma('optimize');
  } finally {
    if (rebuilds) db.pragma('foreign_keys = ON');
  }
}
