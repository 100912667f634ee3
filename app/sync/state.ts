import type { Db } from '../store/database';

/** The resources a CRM sync walks, in order. `contact_ids` is the deletion sweep of an incremental run. */
export const RESOURCES = ['tags', 'contacts', 'orders', 'subscriptions', 'contact_ids'] as const;
export type Resource = (typeof RESOURCES)[number];

export type Phase = 'idle' | 'pending' | 'running' | 'done';

export interface RunInfo {
  readonly mode: 'full' | 'incremental';
  /** ISO lower bound of `update_time` for an incremental contacts pass. */
  readonly since: string | null;
}

export interface ResourceState {
  readonly resource: Resource;
  readonly phase: Phase;
  readonly cursor: string | null;
  readonly highWater: string | null;
  readonly runStartedAt: string | null;
  readonly stats: RunInfo & {
    readonly done: number;
    readonly maxUpdated?: string | null;
    readonly rejected?: number;
  };
}

interface Row {
  resource: string;
  phase: string;
  cursor: string | null;
  high_water: string | null;
  run_started_at: string | null;
  stats: string;
}

/** Cursors per connection and resource, written in the same transaction as the page they describe. */
export class SyncStateRepo {
  constructor(
    private readonly db: Db,
    private readonly connectionId: string,
  ) {}

  all(): Map<Resource, ResourceState> {
    const rows = this.db
      .prepare(
        'SELECT resource, phase, cursor, high_water, run_started_at, stats FROM sync_state WHERE connection_id = ?',
      )
      .all(this.connectionId) as Row[];
    const map = new Map<Resource, ResourceState>();
    for (const r of rows) {
      let stats: ResourceState['stats'];
      try {
        stats = JSON.parse(r.stats) as ResourceState['stats'];
      } catch {
        stats = { mode: 'full', since: null, done: 0 };
      }
      map.set(r.resource as Resource, {
        resource: r.resource as Resource,
        phase: r.phase as Phase,
        cursor: r.cursor,
        highWater: r.high_water,
        runStartedAt: r.run_started_at,
        stats: { ...stats, mode: stats.mode ?? 'full', since: stats.since ?? null, done: stats.done ?? 0 },
      });
    }
    return map;
  }

  put(state: ResourceState, now: string): void {
    this.db
      .prepare(
        `INSERT INTO sync_state (connection_id, resource, phase, cursor, high_water, run_started_at, stats, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (connection_id, resource) DO UPDATE SET phase = excluded.phase, cursor = excluded.cursor,
           high_water = excluded.high_water, run_started_at = excluded.run_started_at, stats = excluded.stats,
           updated_at = excluded.updated_at`,
      )
      .run(
        this.connectionId,
        state.resource,
        state.phase,
        state.cursor,
        state.highWater,
        state.runStartedAt,
        JSON.stringify(state.stats),
        now,
      );
  }
}

/** Whether a sync of the connection stopped part-way, with cursors left to resume from. */
export function hasResumableSync(db: Db, connectionId: string): boolean {
  const n = db
    .prepare(
      `SELECT count(*) FROM sync_state WHERE connection_id = ? AND phase IN ('pending', 'running', 'done')`,
    )
    .pluck()
    .get(connectionId) as number;
  return n > 0;
}

/** One resource's stored row, for syncs that walk resources of their own (a WordPress site's members and orders). */
export interface SyncStateRow {
  readonly phase: string;
  readonly cursor: string | null;
  readonly high_water: string | null;
  readonly run_started_at: string | null;
  /** JSON. */
  readonly stats: string;
}

export function readSyncState(db: Db, connectionId: string, resource: string): SyncStateRow | undefined {
  return db
    .prepare(
      'SELECT phase, cursor, high_water, run_started_at, stats FROM sync_state WHERE connection_id = ? AND resource = ?',
    )
    .get(connectionId, resource) as SyncStateRow | undefined;
}

/** Writes one resource's row; run it in the transaction of the page it describes. */
export function writeSyncState(
  db: Db,
  connectionId: string,
  resource: string,
  row: SyncStateRow,
  now: string,
): void {
  db.prepare(
    `INSERT INTO sync_state (connection_id, resource, phase, cursor, high_water, run_started_at, stats, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (connection_id, resource) DO UPDATE SET phase = excluded.phase, cursor = excluded.cursor,
       high_water = excluded.high_water, run_started_at = excluded.run_started_at, stats = excluded.stats,
       updated_at = excluded.updated_at`,
  ).run(connectionId, resource, row.phase, row.cursor, row.high_water, row.run_started_at, row.stats, now);
}
