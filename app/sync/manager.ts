import { randomUUID } from 'node:crypto';
import type { CoreContext } from '../context/context';
import { AppError, toErrorShape } from '../domain/errors';
import type { CrmClient } from '../ports/crm';
import { createCrmClient, getConnection, parseSettings, recordTest } from './connections';
import { runSync, type SyncMode, type SyncProgress, type SyncResult } from './engine';

export interface SyncJobStatus {
  readonly jobId: string;
  readonly connectionId: string;
  readonly mode: SyncMode;
  readonly startedAt: string;
  readonly progress: SyncProgress | null;
}

interface Job extends SyncJobStatus {
  progress: SyncProgress | null;
  readonly abort: AbortController;
  readonly done: Promise<SyncResult>;
}

export interface StartOptions {
  readonly mode?: SyncMode;
  /** Tests and the embedded sandbox inject a client; normally it is built from the stored connection. */
  readonly client?: CrmClient;
  readonly pageSize?: number;
  /** The user confirmed a removal of more than a fifth of the cached contacts. */
  readonly confirmRemovals?: boolean;
}

/** One sync at a time per connection; progress goes out as `sync/progress` events, the end as `sync/finished`. */
export class SyncManager {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly ctx: CoreContext) {}

  start(connectionId: string, options: StartOptions = {}): { jobId: string; alreadyRunning: boolean } {
    const running = this.jobs.get(connectionId);
    if (running) return { jobId: running.jobId, alreadyRunning: true };
    const row = getConnection(this.ctx.workspace.db, connectionId);
    const jobId = randomUUID();
    const abort = new AbortController();
    const mode = options.mode ?? 'auto';
    let lastEmit = 0;
    const job: Job = {
      jobId,
      connectionId,
      mode,
      startedAt: new Date(this.ctx.clock.now()).toISOString(),
      progress: null,
      abort,
      done: (async () => {
        const client = options.client ?? (await createCrmClient(this.ctx, row));
        const settings = parseSettings(row);
        return runSync(this.ctx.workspace.db, connectionId, client, {
          mode,
          clock: this.ctx.clock,
          signal: abort.signal,
          ...(options.confirmRemovals ? { confirmRemovals: true } : {}),
          ...((options.pageSize ?? settings.pageSize)
            ? { pageSize: options.pageSize ?? settings.pageSize }
            : {}),
          ...(settings.overlapMinutes !== undefined ? { overlapMs: settings.overlapMinutes * 60_000 } : {}),
          onProgress: (p) => {
            job.progress = p;
            const now = Date.now();
            // Enough for a smooth bar without flooding the event stream.
            if (now - lastEmit < 100 && p.total !== p.done && !p.message.endsWith('done')) return;
            lastEmit = now;
            this.ctx.events.emit('sync/progress', {
              jobId,
              connectionId,
              resource: p.resource,
              phase: p.resource,
              done: p.done,
              total: p.total,
              ratePerSecond: p.ratePerSecond,
              etaSeconds: p.etaSeconds,
              message: p.message,
            });
          },
        });
      })(),
    };
    this.jobs.set(connectionId, job);
    job.done.then(
      () => {
        this.jobs.delete(connectionId);
        // A completed sync proves the connection works: "Last test: failed" from earlier no longer holds.
        recordTest(
          this.ctx.workspace.db,
          connectionId,
          true,
          null,
          new Date(this.ctx.clock.now()).toISOString(),
        );
        this.ctx.events.emit('sync/finished', { jobId, connectionId, status: 'completed' });
        this.ctx.events.emit('workspace/changed', { reason: 'sync' });
      },
      (error: unknown) => {
        this.jobs.delete(connectionId);
        const shape = toErrorShape(error);
        this.ctx.events.emit('sync/finished', {
          jobId,
          connectionId,
          status: shape.code === 'CANCELLED' ? 'cancelled' : 'failed',
          error: { code: shape.code, message: shape.message },
        });
        this.ctx.events.emit('workspace/changed', { reason: 'sync' });
      },
    );
    return { jobId, alreadyRunning: false };
  }

  /** Resolves with the result of the running job (or throws its error). */
  wait(connectionId: string): Promise<SyncResult> {
    const job = this.jobs.get(connectionId);
    if (!job) throw new AppError('NOT_FOUND', 'No sync is running for this connection.');
    return job.done;
  }

  cancel(connectionId: string): boolean {
    const job = this.jobs.get(connectionId);
    if (!job) return false;
    job.abort.abort(new AppError('CANCELLED', 'The sync was cancelled.'));
    return true;
  }

  running(): SyncJobStatus[] {
    return [...this.jobs.values()].map(({ jobId, connectionId, mode, startedAt, progress }) => ({
      jobId,
      connectionId,
      mode,
      startedAt,
      progress,
    }));
  }

  async cancelAll(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const j of jobs) j.abort.abort(new AppError('CANCELLED', 'Mergedesk is closing.'));
    await Promise.allSettled(jobs.map((j) => j.done));
  }
}

const managers = new WeakMap<CoreContext, SyncManager>();

export function syncManager(ctx: CoreContext): SyncManager {
  let m = managers.get(ctx);
  if (!m) {
    m = new SyncManager(ctx);
    managers.set(ctx, m);
  }
  return m;
}
