import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database';
import type { EventBus } from '../context/event-bus';
import type { Clock } from '../ports/clock';
import type { WordPressClient } from '../ports/wordpress';
import { WpUsersRepo } from '../store/wp-users-repo';
import { AppError, toErrorShape } from '../domain/errors';
import type { WordPressSyncMode, WordPressSyncResult } from '../domain/wordpress';
import { completeSyncRun, endSyncRun, interruptRunningSyncs, startSyncRun } from './runs';
import { recordSynced } from '../store/connections-repo';
import { readSyncState, writeSyncState, type SyncStateRow } from './state';

export type { WordPressSyncMode, WordPressSyncResult };

export interface WordPressSyncOptions {
  readonly db: Db;
  readonly client: WordPressClient;
  readonly connectionId: string;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly mode: WordPressSyncMode;
  readonly signal?: AbortSignal;
  readonly perPage?: number;
}

const MEMBERS = 'wp_members';
const ORDERS = 'wp_orders';
/**
 * `modified_since` is compared with the site's clock; starting the window this much before the last run covers a
 * site clock that runs behind ours. Re-reading a few users costs little.
 */
const CLOCK_SKEW_MARGIN_MS = 10 * 60_000;

/**
 * Pulls members (with their contact links and AccessAlly tags) and AccessAlly orders into the cache. Each page is
 * written together with its cursor in one transaction, so a killed process resumes at the next page; a full run
 * then removes users that no longer exist on the site. Incremental runs ask only for users touched since the last
 * completed run (`modified_since`, kept by the bridge plugin) and never delete.
 */
export async function syncWordPress(options: WordPressSyncOptions): Promise<WordPressSyncResult> {
  const { db, client, connectionId, events, clock } = options;
  const repo = new WpUsersRepo(db);
  const iso = () => new Date(clock.now()).toISOString();
  const jobId = randomUUID();
  const perPage = Math.min(100, options.perPage ?? 100);

  const readState = (resource: string) => readSyncState(db, connectionId, resource);
  const writeState = (resource: string, row: SyncStateRow, now: string) =>
    writeSyncState(db, connectionId, resource, row, now);

  interruptRunningSyncs(db, connectionId, iso());

  const previous = readState(MEMBERS);
  const resumable =
    previous?.phase === 'running' && previous.cursor !== null && previous.run_started_at !== null;
  const previousStats = previous ? (JSON.parse(previous.stats) as { mode?: WordPressSyncMode }) : {};
  let mode: WordPressSyncMode = resumable ? (previousStats.mode ?? 'full') : options.mode;
  if (mode === 'incremental' && !previous?.high_water) mode = 'full';
  const startedAt = resumable ? previous.run_started_at! : iso();
  let page = resumable ? Number(previous.cursor) : 1;
  const modifiedSince =
    mode === 'incremental' && previous?.high_water
      ? new Date(Date.parse(previous.high_water) - CLOCK_SKEW_MARGIN_MS).toISOString()
      : null;

  const runId = startSyncRun(db, connectionId, mode, iso());

  let fetched = 0;
  let total = 0;
  const t0 = clock.now();
  const progress = (resource: string, phase: string, done: number, of: number | null) => {
    const seconds = (clock.now() - t0) / 1000;
    const rate = seconds > 0 ? done / seconds : null;
    events.emit('sync/progress', {
      jobId,
      connectionId,
      resource,
      phase,
      done,
      total: of,
      ratePerSecond: rate,
      etaSeconds: rate && of !== null ? Math.max(0, (of - done) / rate) : null,
    });
  };

  try {
    writeState(
      MEMBERS,
      {
        phase: 'running',
        cursor: String(page),
        high_water: previous?.high_water ?? null,
        run_started_at: startedAt,
        stats: JSON.stringify({ mode }),
      },
      iso(),
    );
    for (;;) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'The WordPress sync was cancelled.');
      const res = await client.listMembers({
        page,
        perPage,
        modifiedSince,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      total = res.total;
      const now = iso();
      db.transaction(() => {
        repo.upsertMembers(connectionId, res.items, now);
        writeState(
          MEMBERS,
          {
            phase: 'running',
            cursor: String(page + 1),
            high_water: previous?.high_water ?? null,
            run_started_at: startedAt,
            stats: JSON.stringify({ mode }),
          },
          now,
        );
      })();
      fetched += res.items.length;
      progress('wp_users', 'members', Math.min(total, (page - 1) * perPage + res.items.length), total);
      if (res.items.length === 0 || page >= res.totalPages) break;
      page += 1;
    }
    let removed = 0;
    db.transaction(() => {
      if (mode === 'full') removed = repo.deleteMembersSyncedBefore(connectionId, startedAt);
      writeState(
        MEMBERS,
        {
          phase: 'idle',
          cursor: null,
          high_water: startedAt,
          run_started_at: null,
          stats: JSON.stringify({ mode, fetched, removed, total }),
        },
        iso(),
      );
    })();

    // Orders are few per site and the bridge returns them in one response; always a full refresh.
    progress('wp_orders', 'orders', 0, null);
    const ordersStarted = iso();
    const orders = await client.listOrders(options.signal ? { signal: options.signal } : {});
    let ordersRemoved = 0;
    db.transaction(() => {
      repo.upsertOrders(connectionId, orders, ordersStarted);
      ordersRemoved = repo.deleteOrdersSyncedBefore(connectionId, ordersStarted);
      writeState(
        ORDERS,
        {
          phase: 'idle',
          cursor: null,
          high_water: ordersStarted,
          run_started_at: null,
          stats: JSON.stringify({ fetched: orders.length, removed: ordersRemoved }),
        },
        iso(),
      );
    })();
    progress('wp_orders', 'orders', orders.length, orders.length);

    const finishedAt = iso();
    const result: WordPressSyncResult = {
      jobId,
      connectionId,
      mode,
      resumed: resumable,
      members: { fetched, removed, total: repo.countMembers(connectionId) },
      orders: { fetched: orders.length, removed: ordersRemoved },
      startedAt,
      finishedAt,
    };
    completeSyncRun(db, runId, finishedAt, JSON.stringify(result));
    recordSynced(db, connectionId, finishedAt);
    events.emit('sync/finished', { jobId, connectionId, status: 'completed' });
    return result;
  } catch (error) {
    const shape = toErrorShape(error);
    const status = shape.code === 'CANCELLED' ? 'cancelled' : 'failed';
    endSyncRun(db, runId, status, iso(), JSON.stringify(shape));
    events.emit('sync/finished', {
      jobId,
      connectionId,
      status,
      error: { code: shape.code, message: shape.message },
    });
    throw error;
  }
}
