import type { SyncConnectionStatus } from '../methods/sync';
import type { HandlerSubset } from './types';
import { getConnection, listConnections } from '../../sync/connections';
import { syncManager } from '../../sync/manager';
import { lastSyncRun } from '../../sync/runs';
import { hasResumableSync } from '../../sync/state';
import { AppError } from '../../domain/errors';

export const syncHandlers: HandlerSubset<'sync/start' | 'sync/cancel' | 'sync/status'> = {
  'sync/start': (input, ctx) => {
    const row = getConnection(ctx.workspace.db, input.connectionId);
    if (!ctx.connectors.isCrm(row.kind))
      throw new AppError('UNSUPPORTED', `"${row.label}" is not a CRM connection.`);
    return syncManager(ctx).start(row.id, { mode: input.mode, confirmRemovals: input.confirmRemovals });
  },
  'sync/cancel': (input, ctx) => ({ cancelled: syncManager(ctx).cancel(input.connectionId) }),
  'sync/status': (input, ctx) => {
    const db = ctx.workspace.db;
    const running = new Map(
      syncManager(ctx)
        .running()
        .map((j) => [j.connectionId, j]),
    );
    const rows = listConnections(db).filter(
      (c) => ctx.connectors.isCrm(c.kind) && (!input.connectionId || c.id === input.connectionId),
    );
    return rows.map((c): SyncConnectionStatus => {
      const job = running.get(c.id);
      const run = lastSyncRun(db, c.id);
      const stats = run ? parseStats(run.stats) : {};
      return {
        connectionId: c.id,
        label: c.label,
        running: Boolean(job),
        jobId: job?.jobId ?? null,
        progress: job?.progress ?? null,
        lastRun: run
          ? {
              id: run.id,
              mode: run.mode,
              // A run still marked running without a live job was cut short (a crash, a kill).
              status: run.status === 'running' && !job ? 'interrupted' : run.status,
              startedAt: run.started_at,
              finishedAt: run.finished_at,
              stats,
              error: run.error,
            }
          : null,
        resumable: !job && hasResumableSync(db, c.id),
      };
    });
  },
};

function parseStats(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
