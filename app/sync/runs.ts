import type { Db } from '../store/database';

/** The `sync_runs` table: one row per sync of a connection (CRM or site), what it did and how it ended. */
export type SyncRunMode = 'full' | 'incremental';
export type SyncRunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export interface SyncRunRow {
  readonly id: number;
  readonly mode: SyncRunMode;
  readonly status: SyncRunStatus;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly stats: string;
  readonly error: string | null;
}

/** Runs still marked running belong to a process that is gone: they are marked interrupted. */
export function interruptRunningSyncs(db: Db, connectionId: string, at: string | null): void {
  db.prepare(
    `UPDATE sync_runs SET status = 'interrupted', finished_at = coalesce(?, finished_at)
     WHERE connection_id = ? AND status = 'running'`,
  ).run(at, connectionId);
}

export function startSyncRun(
  db: Db,
  connectionId: string,
  mode: SyncRunMode,
  at: string,
  stats = '{}',
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO sync_runs (connection_id, mode, status, started_at, stats) VALUES (?, ?, 'running', ?, ?)`,
      )
      .run(connectionId, mode, at, stats).lastInsertRowid,
  );
}

export function completeSyncRun(db: Db, id: number, at: string, stats: string): void {
  db.prepare(`UPDATE sync_runs SET status = 'completed', finished_at = ?, stats = ? WHERE id = ?`).run(
    at,
    stats,
    id,
  );
}

/** A run that failed or was cancelled; `stats` is kept as it was when null. */
export function endSyncRun(
  db: Db,
  id: number,
  status: 'failed' | 'cancelled',
  at: string,
  error: string,
  stats: string | null = null,
): void {
  db.prepare(
    `UPDATE sync_runs SET status = ?, finished_at = ?, stats = coalesce(?, stats), error = ? WHERE id = ?`,
  ).run(status, at, stats, error, id);
}

export function lastSyncRun(db: Db, connectionId: string): SyncRunRow | null {
  return (
    (db
      .prepare(
        `SELECT id, mode, status, started_at, finished_at, stats, error FROM sync_runs WHERE connection_id = ?
         ORDER BY id DESC LIMIT 1`,
      )
      .get(connectionId) as SyncRunRow | undefined) ?? null
  );
}
