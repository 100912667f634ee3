import { AppError } from '../domain/errors';
import type { Db } from './database';

/**
 * The `connections` table: every SQL statement that names it lives here. What a kind may be is not the schema's
 * business (adding a CRM needs no migration): a new row's kind is checked against the connectors the core was
 * built with.
 */
export interface ConnectionRow {
  readonly id: string;
  /** A connector kind, as its descriptor names it. */
  readonly kind: string;
  readonly label: string;
  readonly base_url: string;
  readonly settings: string;
  readonly account: string | null;
  readonly secret_ref: string | null;
  readonly is_sandbox: number;
  readonly created_at: string;
  readonly last_tested_at: string | null;
  readonly last_test_ok: number | null;
  readonly last_sync_at: string | null;
}

/** The part of the connector registry a new row is checked against. */
export interface KnownConnectorKinds {
  find(kind: string): unknown;
}

export interface NewConnectionRow {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly baseUrl: string;
  /** JSON, never secrets. */
  readonly settings: string;
  readonly account: string | null;
  readonly secretRef: string | null;
  readonly isSandbox: boolean;
  readonly createdAt: string;
  readonly testedOk: boolean;
}

export function insertConnectionRow(db: Db, kinds: KnownConnectorKinds, row: NewConnectionRow): void {
  if (!kinds.find(row.kind)) {
    throw new AppError(
      'UNSUPPORTED',
      `This version of Mergedesk cannot connect "${row.kind}" accounts: no connector for them is installed.`,
      { kind: row.kind },
    );
  }
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, settings, account, secret_ref, is_sandbox, created_at,
       last_tested_at, last_test_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.kind,
    row.label,
    row.baseUrl,
    row.settings,
    row.account,
    row.secretRef,
    row.isSandbox ? 1 : 0,
    row.createdAt,
    row.createdAt,
    row.testedOk ? 1 : 0,
  );
}

export function findConnection(db: Db, id: string): ConnectionRow | null {
  return (db.prepare('SELECT * FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined) ?? null;
}

export function getConnection(db: Db, id: string): ConnectionRow {
  const row = findConnection(db, id);
  if (!row) throw new AppError('NOT_FOUND', `There is no connection ${id}.`, { id });
  return row;
}

/** Every connection, oldest first. */
export function listConnections(db: Db): ConnectionRow[] {
  return db.prepare('SELECT * FROM connections ORDER BY created_at, id').all() as ConnectionRow[];
}

export function listConnectionsOfKind(db: Db, kind: string): ConnectionRow[] {
  return db
    .prepare('SELECT * FROM connections WHERE kind = ? ORDER BY created_at, id')
    .all(kind) as ConnectionRow[];
}

/** The ids of the connections of the given kinds, oldest first. */
export function connectionIdsOfKinds(db: Db, kinds: readonly string[]): string[] {
  return db
    .prepare(`SELECT id FROM connections WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY created_at`)
    .pluck()
    .all(JSON.stringify(kinds)) as string[];
}

/** The connection of this kind already saved for the same account at the same address, if any. */
export function findSameAccount(db: Db, kind: string, baseUrl: string, account: string): string | null {
  return (
    (db
      .prepare('SELECT id FROM connections WHERE kind = ? AND base_url = ? AND account = ?')
      .pluck()
      .get(kind, baseUrl, account) as string | undefined) ?? null
  );
}

export function updateConnectionRow(
  db: Db,
  id: string,
  change: { readonly label: string | null; readonly baseUrl: string | null; readonly account: string | null },
): void {
  db.prepare(
    `UPDATE connections SET label = COALESCE(?, label), base_url = COALESCE(?, base_url),
       account = COALESCE(?, account) WHERE id = ?`,
  ).run(change.label, change.baseUrl, change.account, id);
}

export function setSecretRef(db: Db, id: string, ref: string): void {
  db.prepare('UPDATE connections SET secret_ref = ? WHERE id = ?').run(ref, id);
}

/** Removes the row; the cache rows of the connection go with it by foreign key. */
export function deleteConnectionRow(db: Db, id: string): void {
  db.prepare('DELETE FROM connections WHERE id = ?').run(id);
}

/** The outcome of a connection test; `account` is kept when the test did not name one. */
export function recordTest(db: Db, id: string, ok: boolean, account: string | null, at: string): void {
  db.prepare(
    'UPDATE connections SET last_tested_at = ?, last_test_ok = ?, account = COALESCE(?, account) WHERE id = ?',
  ).run(at, ok ? 1 : 0, account, id);
}

export function recordSynced(db: Db, id: string, at: string): void {
  db.prepare('UPDATE connections SET last_sync_at = ? WHERE id = ?').run(at, id);
}

/** After the cache was rebuilt empty: every connection's next sync is a full one. */
export function forgetSyncTimes(db: Db): void {
  db.prepare('UPDATE connections SET last_sync_at = NULL').run();
}

/** Marks a connection's credentials as proven, keeping when it was last tested. */
export function recordTestPassed(db: Db, id: string): void {
  db.prepare('UPDATE connections SET last_test_ok = 1 WHERE id = ?').run(id);
}

/** Points a connection at a new address (a sandbox listens on a new port every run). */
export function setBaseUrl(db: Db, id: string, baseUrl: string): void {
  db.prepare('UPDATE connections SET base_url = ? WHERE id = ?').run(baseUrl, id);
}
