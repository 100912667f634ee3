import type { Db } from '../store/database';
import type { Model, ModelParams } from './model';
import { bulkInsert } from '../store/bulk-insert';

// A scan's own bookkeeping: the blocking keys a re-scan looks records up by, the value counts its model weighs
// rare values with, and the runs (model, watermark) a re-scan continues from.

export function clearKeys(db: Db): void {
  db.exec('DELETE FROM match_keys');
}

/**
 * Starts a full scan: the stored keys are cleared and each connection gets a run marked running, in one
 * transaction. Until that run completes the keys no longer match the last completed run, so a re-scan falls back
 * to a full scan (see `lastRun`): during the scan, and after one that was cancelled, failed or killed, whose keys
 * are gone or partial. Returns each connection's run id.
 */
export function beginFullScan(
  db: Db,
  connectionIds: readonly string[],
  startedAt: string,
): Map<string, number> {
  const ids = new Map<string, number>();
  db.transaction(() => {
    clearKeys(db);
    const insert = db.prepare(
      `INSERT INTO detect_runs (connection_id, kind, status, started_at) VALUES (?, 'full', 'running', ?)`,
    );
    for (const c of connectionIds) ids.set(c, Number(insert.run(c, startedAt).lastInsertRowid));
  })();
  return ids;
}

/** Ends the runs of a full scan that stopped before completing them (the completed ones stay as they are). */
export function abandonRuns(
  db: Db,
  runIds: Iterable<number>,
  status: 'cancelled' | 'failed',
  at: string,
): void {
  db.prepare(
    `UPDATE detect_runs SET status = ?, finished_at = ?
     WHERE id IN (SELECT value FROM json_each(?)) AND status = 'running'`,
  ).run(status, at, JSON.stringify([...runIds]));
}

/**
 * (key, contact pk) rows. The table is ordered by both, so rows arriving in that order (a full scan's keys, rule
 * by rule) are appended; a key a contact already has (a re-scan storing its unchanged keys again) is skipped.
 */
export function insertKeys(db: Db, rows: Iterable<readonly [number, number]>): void {
  bulkInsert(db, 'match_keys', ['key', 'contact_pk'], rows, 'OR IGNORE');
}

/**
 * Members of the blocks behind some keys, a few hundred keys per query; blocks above the cap (a shared office
 * number) are left out, as in a full scan.
 */
export function lookupBlocks(db: Db, keys: readonly number[], cap: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i += 400) {
    const chunk = keys.slice(i, i + 400);
    const marks = chunk.map(() => '?').join(',');
    const counts = db
      .prepare(`SELECT key, count(*) FROM match_keys WHERE key IN (${marks}) GROUP BY key`)
      .raw()
      .all(...chunk) as [number, number][];
    const small = counts.filter(([, n]) => n <= cap).map(([k]) => k);
    if (small.length === 0) continue;
    const rows = db
      .prepare(`SELECT key, contact_pk FROM match_keys WHERE key IN (${small.map(() => '?').join(',')})`)
      .raw()
      .all(...small) as [number, number][];
    for (const [k, pk] of rows) {
      const members = out.get(k);
      if (members) members.push(pk);
      else out.set(k, [pk]);
    }
  }
  return out;
}

/** The values a model saw at least twice, per field, as plain lists (what is stored of its value counts). */
export interface TermCountTable {
  readonly field: Uint8Array;
  readonly value: string[];
  readonly count: Int32Array;
}

export function termCountTable(model: Model): TermCountTable {
  const field: number[] = [];
  const value: string[] = [];
  const count: number[] = [];
  for (let k = 0; k < model.tf.length; k++) {
    const map = model.tf[k];
    if (!(map instanceof Map)) continue;
    for (const [v, c] of map as Map<string, number>) {
      if (c < 2) continue;
      field.push(k);
      value.push(v);
      count.push(c);
    }
  }
  return { field: Uint8Array.from(field), value, count: Int32Array.from(count) };
}

/** Stores the values seen at least twice per field, writing only the counts that changed. */
export function saveTermFrequencies(db: Db, connectionId: string, table: TermCountTable): void {
  const stored = new Map<string, number>();
  for (const [field, value, count] of db
    .prepare('SELECT field, value, count FROM match_term_freq WHERE connection_id = ?')
    .raw()
    .all(connectionId) as [number, string, number][])
    stored.set(`${field}\u0000${value}`, count);
  bulkInsert(
    db,
    'match_term_freq',
    ['connection_id', 'field', 'value', 'count'],
    (function* () {
      for (let t = 0; t < table.value.length; t++) {
        const k = table.field[t]!;
        const value = table.value[t]!;
        const count = table.count[t]!;
        // A first scan has no stored counts: no key is built to look them up.
        if (stored.size === 0) {
          yield [connectionId, k, value, count];
          continue;
        }
        const key = `${k}\u0000${value}`;
        const old = stored.get(key);
        stored.delete(key);
        if (old !== count) yield [connectionId, k, value, count];
      }
    })(),
    'OR REPLACE',
  );
  const remove = db.prepare(
    'DELETE FROM match_term_freq WHERE connection_id = ? AND field = ? AND value = ?',
  );
  for (const key of stored.keys()) {
    const cut = key.indexOf('\u0000');
    remove.run(connectionId, Number(key.slice(0, cut)), key.slice(cut + 1));
  }
}

/** How often one field's value was seen at the last full scan (1 when fewer than twice). */
export function termFrequencyReader(db: Db, connectionId: string): (field: number, value: string) => number {
  const stmt = db
    .prepare('SELECT count FROM match_term_freq WHERE connection_id = ? AND field = ? AND value = ?')
    .pluck();
  return (field, value) => (stmt.get(connectionId, field, value) as number | undefined) ?? 1;
}

export interface LastRun {
  model: ModelParams;
  watermark: string | null;
  maxPk: number;
  /**
   * The `BLOCKING_VERSION` the stored keys were written under (null: before versions were recorded, or the keys
   * were cleared by a full scan that did not complete).
   */
  blocking: number | null;
}

export interface RunRecord {
  readonly connectionId: string;
  readonly kind: 'full' | 'incremental';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly model: ModelParams;
  readonly watermark: string | null;
  readonly maxPk: number;
  /** The `BLOCKING_VERSION` of the keys in `match_keys` after this run. */
  readonly blocking: number;
  readonly stats: object;
}

/** Records a completed run: a re-scan's new row, or (with `runId`) the completion of a full scan's running one. */
export function recordRun(db: Db, run: RunRecord, runId?: number): void {
  const values = [
    run.startedAt,
    run.finishedAt,
    JSON.stringify(run.model),
    run.watermark,
    run.maxPk,
    JSON.stringify({ blocking: run.blocking, ...run.stats }),
  ];
  if (runId !== undefined)
    db.prepare(
      `UPDATE detect_runs SET status = 'completed', started_at = ?, finished_at = ?, model = ?, watermark = ?,
         max_pk = ?, stats = ? WHERE id = ?`,
    ).run(...values, runId);
  else
    db.prepare(
      `INSERT INTO detect_runs (connection_id, kind, status, started_at, finished_at, model, watermark, max_pk, stats)
       VALUES (?, ?, 'completed', ?, ?, ?, ?, ?, ?)`,
    ).run(run.connectionId, run.kind, ...values);
}

export function lastRun(db: Db, connectionId: string): LastRun | null {
  const row = db
    .prepare(
      `SELECT model, watermark, max_pk, json_extract(stats, '$.blocking') AS blocking,
         EXISTS (SELECT 1 FROM detect_runs later WHERE later.connection_id = d.connection_id
           AND later.kind = 'full' AND later.status <> 'completed' AND later.id > d.id) AS cleared
       FROM detect_runs d
       WHERE connection_id = ? AND status = 'completed' AND model <> '{}' ORDER BY id DESC LIMIT 1`,
    )
    .get(connectionId) as
    | { model: string; watermark: string | null; max_pk: number; blocking: number | null; cleared: number }
    | undefined;
  if (!row) return null;
  return {
    model: JSON.parse(row.model) as ModelParams,
    watermark: row.watermark,
    maxPk: row.max_pk,
    // A full scan started since cleared the keys and did not complete: they are not this run's any more.
    blocking: typeof row.blocking === 'number' && !row.cleared ? row.blocking : null,
  };
}

export function completedRunCount(db: Db): number {
  return db.prepare(`SELECT count(*) FROM detect_runs WHERE status = 'completed'`).pluck().get() as number;
}
