import { AppError } from '../domain/errors';
import type { Clock } from '../ports/clock';
import type { CrmClient, Page } from '../ports/crm';
import { ContactsRepo } from '../store/contacts-repo';
import type { Db } from '../store/database';
import { RESOURCES, SyncStateRepo, type Resource, type ResourceState, type RunInfo } from './state';
import { completeSyncRun, endSyncRun, interruptRunningSyncs, startSyncRun } from './runs';
import { recordSynced } from '../store/connections-repo';
import { connectionContactCount } from '../store/contacts-reads';

export type SyncMode = 'full' | 'incremental' | 'auto';

export interface SyncProgress {
  readonly resource: Resource;
  readonly done: number;
  readonly total: number | null;
  readonly ratePerSecond: number | null;
  readonly etaSeconds: number | null;
  readonly message: string;
}

export interface SyncCounts {
  contacts: number;
  deleted: number;
  tags: number;
  orders: number;
  subscriptions: number;
  rejected: number;
}

export interface SyncResult {
  readonly mode: 'full' | 'incremental';
  readonly resumed: boolean;
  readonly counts: SyncCounts;
}

export interface SyncOptions {
  readonly mode: SyncMode;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly pageSize?: number;
  /** How far before the last high-water mark an incremental pass starts (clock skew, in-flight writes). */
  readonly overlapMs?: number;
  /** Sweep deletions with a cheap id listing after an incremental pass (a full pass sweeps for free). */
  readonly sweepDeletions?: boolean;
  /** The user confirmed that a sync may remove more than REMOVAL_CONFIRM_SHARE of the cached contacts. */
  readonly confirmRemovals?: boolean;
  readonly onProgress?: (p: SyncProgress) => void;
  /** Called after every committed page (tests use it to kill a process at a known point). */
  readonly onPageCommitted?: (resource: Resource, done: number) => void;
}

const DEFAULT_OVERLAP_MS = 10 * 60_000;

/**
 * A sync that would remove more than this share of the cached contacts stops and asks first: a CRM rarely loses a
 * fifth of its contacts at once, while a misconfigured or impostor server answering "no contacts" does exactly that.
 */
export const REMOVAL_CONFIRM_SHARE = 0.2;
/** Below this many cached contacts a share says little; small caches are not guarded. */
const REMOVAL_GUARD_MIN = 10;

function guardRemovals(removing: number, cached: number, confirmed: boolean | undefined): void {
  if (confirmed || cached < REMOVAL_GUARD_MIN || removing <= cached * REMOVAL_CONFIRM_SHARE) return;
  const share = Math.round((removing / cached) * 100);
  throw new AppError(
    'GUARD_REFUSED',
    `This sync would remove ${removing.toLocaleString('en')} of ${cached.toLocaleString('en')} cached contacts ` +
      `(${share} %). Nothing was removed. If the CRM really no longer has them, sync again and confirm the removal.`,
    { guard: 'large_removal', removing, cached, confirm: 'confirmRemovals' },
  );
}

/**
 * One CRM → cache sync: tags, contacts (full, or incremental by `update_time` with an overlap window), orders,
 * subscriptions, then deletions. Each page and its cursor commit in one transaction, so a killed process resumes
 * from the last committed page and never duplicates or loses rows (upserts are idempotent).
 */
export async function runSync(
  db: Db,
  connectionId: string,
  client: CrmClient,
  options: SyncOptions,
): Promise<SyncResult> {
  const clock = options.clock;
  const iso = () => new Date(clock.now()).toISOString();
  const states = new SyncStateRepo(db, connectionId);
  const repo = new ContactsRepo(db, connectionId);
  const pageSize = options.pageSize ?? 1000;
  const counts: SyncCounts = { contacts: 0, deleted: 0, tags: 0, orders: 0, subscriptions: 0, rejected: 0 };

  // Resume an interrupted run unless a full pass was asked for over an interrupted incremental one.
  const existing = states.all();
  const contactsState = existing.get('contacts');
  const interrupted = [...existing.values()].some(
    (s) => s.phase === 'pending' || s.phase === 'running' || s.phase === 'done',
  );
  const storedRun = contactsState?.stats;
  const resumed =
    interrupted &&
    contactsState?.runStartedAt != null &&
    !(options.mode === 'full' && storedRun?.mode !== 'full');
  let run: RunInfo;
  let runStartedAt: string;
  const highWater = contactsState?.highWater ?? null;
  if (resumed) {
    run = { mode: storedRun!.mode, since: storedRun!.since };
    runStartedAt = contactsState!.runStartedAt!;
  } else {
    const mode = options.mode === 'auto' ? (highWater ? 'incremental' : 'full') : options.mode;
    const effective = mode === 'incremental' && !highWater ? 'full' : mode;
    const overlap = options.overlapMs ?? DEFAULT_OVERLAP_MS;
    run = {
      mode: effective,
      since: effective === 'incremental' ? new Date(Date.parse(highWater!) - overlap).toISOString() : null,
    };
    runStartedAt = iso();
    db.transaction(() => {
      for (const resource of RESOURCES) {
        states.put(
          {
            resource,
            phase: 'pending',
            cursor: null,
            highWater: existing.get(resource)?.highWater ?? null,
            runStartedAt,
            stats: { ...run, done: 0 },
          },
          runStartedAt,
        );
      }
    })();
  }

  // A run still marked running here was cut short (this process owns the connection's only job).
  interruptRunningSyncs(db, connectionId, null);
  const runId = startSyncRun(db, connectionId, run.mode, iso(), JSON.stringify({ resumed }));

  try {
    const estimate = await estimateContacts(db, connectionId, client, run, options.signal);
    for (const resource of RESOURCES) {
      const state = states.all().get(resource)!;
      if (state.phase === 'done') continue;
      if (resource === 'contact_ids' && (run.mode === 'full' || options.sweepDeletions === false)) {
        states.put({ ...state, phase: 'done' }, iso());
        continue;
      }
      await syncResource(resource, state, resource === 'contacts' ? estimate : null);
    }

    // The run is complete: remember the high-water mark and reset the per-run cursors.
    const contacts = states.all().get('contacts')!;
    const maxUpdated = contacts.stats.maxUpdated ?? null;
    const candidates = [runStartedAt, maxUpdated].filter((v): v is string => Boolean(v)).sort();
    const newHighWater =
      run.mode === 'full' || !highWater ? candidates[0]! : [highWater, candidates[0]!].sort()[1]!;
    const finished = iso();
    db.transaction(() => {
      for (const resource of RESOURCES) {
        const s = states.all().get(resource)!;
        states.put(
          {
            ...s,
            phase: 'idle',
            cursor: null,
            highWater: resource === 'contacts' ? newHighWater : s.highWater,
            stats: { ...s.stats, done: 0 },
          },
          finished,
        );
      }
      completeSyncRun(db, runId, finished, JSON.stringify({ resumed, ...counts }));
      recordSynced(db, connectionId, finished);
    })();
    return { mode: run.mode, resumed, counts };
  } catch (error) {
    const cancelled = error instanceof AppError && error.code === 'CANCELLED';
    endSyncRun(
      db,
      runId,
      cancelled ? 'cancelled' : 'failed',
      iso(),
      error instanceof Error ? error.message : String(error),
      JSON.stringify({ resumed, ...counts }),
    );
    throw error;
  }

  async function syncResource(resource: Resource, state: ResourceState, total: number | null) {
    let cursor = state.cursor;
    let done = state.stats.done;
    let maxUpdated = state.stats.maxUpdated ?? null;
    let rejected = state.stats.rejected ?? 0;
    const seenTags = new Set<string>();
    const liveIds = new Set<string>();
    const started = clock.now();
    const doneAtStart = done;
    states.put({ ...state, phase: 'running' }, iso());
    const report = (message: string) => {
      const seconds = (clock.now() - started) / 1000;
      const rate = seconds > 0.5 ? (done - doneAtStart) / seconds : null;
      const eta =
        rate && total && total > done ? (total - done) / rate : total !== null && done >= total ? 0 : null;
      options.onProgress?.({
        resource,
        done,
        total: total !== null ? Math.max(total, done) : null,
        ratePerSecond: rate !== null ? Math.round(rate * 10) / 10 : null,
        etaSeconds: eta !== null ? Math.round(eta) : null,
        message,
      });
    };
    report(`Syncing ${resource}…`);
    // Pipelined: the next page is requested before this one is written, so the rate limiter, not the cache
    // write, sets the pace. Only a committed page moves the stored cursor.
    let inflight: Promise<Page<unknown>> | null = fetchPage(resource, cursor);
    while (inflight) {
      const page: Page<unknown> = await inflight;
      inflight = page.nextCursor ? fetchPage(resource, page.nextCursor) : null;
      // Observed below on the next turn; this only keeps a failure during the write from being "unhandled".
      inflight?.catch(() => undefined);
      // Let the limiter put the next request on the wire before the (synchronous) write blocks the thread.
      if (inflight) await new Promise((resolve) => setImmediate(resolve));
      const syncedAt = iso();
      rejected += page.rejected?.length ?? 0;
      db.transaction(() => {
        switch (resource) {
          case 'tags':
            repo.saveTags(page.items as never);
            for (const t of page.items as { id: string }[]) seenTags.add(t.id);
            counts.tags += page.items.length;
            break;
          case 'contacts':
            repo.saveContacts(page.items as never, syncedAt);
            for (const c of page.items as { updatedAt?: string | null }[]) {
              if (c.updatedAt && (!maxUpdated || c.updatedAt > maxUpdated)) maxUpdated = c.updatedAt;
            }
            counts.contacts += page.items.length;
            break;
          case 'orders':
            repo.saveOrders(page.items as never, syncedAt);
            counts.orders += page.items.length;
            break;
          case 'subscriptions':
            repo.saveSubscriptions(page.items as never, syncedAt);
            counts.subscriptions += page.items.length;
            break;
          case 'contact_ids':
            for (const id of page.items as string[]) liveIds.add(id);
            break;
        }
        done += page.items.length;
        cursor = page.nextCursor;
        // The sweep keeps its ids in memory, so it restarts rather than resumes.
        const persistCursor = resource === 'contact_ids' ? null : cursor;
        states.put(
          {
            ...state,
            phase: 'running',
            cursor: persistCursor,
            stats: { ...state.stats, done, maxUpdated, rejected },
          },
          syncedAt,
        );
      })();
      counts.rejected += page.rejected?.length ?? 0;
      options.onPageCommitted?.(resource, done);
      report(`Syncing ${resource}…`);
    }

    // End of a complete listing: reflect deletions, then mark the resource done in the same transaction.
    db.transaction(() => {
      if (resource === 'contacts' && run.mode === 'full') {
        const { removing, cached } = repo.countRemovalsSince(runStartedAt);
        guardRemovals(removing, cached, options.confirmRemovals);
        counts.deleted += repo.deleteContactsNotSyncedSince(runStartedAt);
      }
      if (resource === 'orders') repo.deleteOrdersNotSyncedSince(runStartedAt);
      if (resource === 'subscriptions') repo.deleteSubscriptionsNotSyncedSince(runStartedAt);
      if (resource === 'tags') repo.deleteUnlistedTags(seenTags);
      if (resource === 'contact_ids') {
        const gone = repo.cachedContactIds().filter((id) => !liveIds.has(id));
        guardRemovals(gone.length, repo.cachedContactCount(), options.confirmRemovals);
        counts.deleted += repo.deleteContacts(gone);
      }
      states.put(
        { ...state, phase: 'done', cursor: null, stats: { ...state.stats, done, maxUpdated, rejected } },
        iso(),
      );
    })();
    report(`${resource} done`);
  }

  async function fetchPage(resource: Resource, cursor: string | null): Promise<Page<unknown>> {
    const base = { cursor, pageSize, ...(options.signal ? { signal: options.signal } : {}) };
    try {
      switch (resource) {
        case 'tags':
          return await client.listTags(base);
        case 'contacts':
          return await client.listContacts({ ...base, updatedSince: run.since });
        case 'orders':
          return await client.listOrders(base);
        case 'subscriptions':
          return await client.listSubscriptions(base);
        case 'contact_ids':
          return await client.listContactIds({ ...base, pageSize: 1000 });
      }
    } catch (error) {
      // A stored page token the CRM no longer accepts (expired, or the server restarted): start that listing over.
      // Upserts are idempotent, so re-reading pages costs requests but never correctness.
      if (cursor && error instanceof AppError && error.code === 'REMOTE_ERROR' && statusOf(error) === 400) {
        return fetchPage(resource, null);
      }
      throw error;
    }
  }
}

function statusOf(error: AppError): number | undefined {
  const details = error.details as { status?: unknown } | undefined;
  return typeof details?.status === 'number' ? details.status : undefined;
}

/** How many contacts the pass will see: the cache's count for a re-sync, unknown for a first full sync. */
async function estimateContacts(
  db: Db,
  connectionId: string,
  client: CrmClient,
  run: RunInfo,
  signal?: AbortSignal,
): Promise<number | null> {
  if (run.mode === 'incremental') return null;
  const cached = connectionContactCount(db, connectionId);
  if (cached > 0) return cached;
  return client.estimateContactCount ? client.estimateContactCount(signal) : null;
}
