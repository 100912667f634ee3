import type { CoreContext } from '../context/context';
import { groupNames } from '../detect/gate-store';
import { batchState } from './batch';
import { completedRunsAmong, namesOfRun } from './service';

/** One group of the last batch as its summary lists it. */
export interface BatchSummaryRow {
  readonly groupId: number;
  /** The group's members' names; null when the group is gone. */
  readonly names: string | null;
  readonly outcome: 'merged' | 'skipped' | 'failed' | 'interrupted';
  /** What happened, in words: who was kept and merged, or the reason it was left alone or failed. */
  readonly detail: string;
  /** The run in History, when one was queued. */
  readonly runId: string | null;
}

export interface BatchSummaryPage {
  /** Rows in the whole summary (merged, skipped, failed, stopped part-way). */
  readonly total: number;
  readonly rows: readonly BatchSummaryRow[];
}

/**
 * A page of the last batch's summary: merged groups first (in the order they were taken), then those skipped,
 * failed and stopped part-way. Read on demand rather than carried in the batch's progress events: a batch of the
 * safe lane of a large list merges thousands of groups, and every progress event would carry all of them.
 */
export function batchSummaryPage(
  ctx: CoreContext,
  page: { readonly offset: number; readonly limit: number },
): BatchSummaryPage {
  const state = batchState(ctx);
  if (!state) return { total: 0, rows: [] };
  const merged = state.dryRun ? [] : completedRunsAmong(ctx, state.runIds);
  const db = ctx.workspace.db;
  const names = (groupId: number, known?: string) => known || groupNames(db, groupId) || null;
  const total = merged.length + state.skipped.length + state.failed.length + state.interrupted.length;
  const rows: BatchSummaryRow[] = [];
  const end = Math.min(total, page.offset + page.limit);
  for (let at = page.offset; at < end; at++) {
    let k = at;
    if (k < merged.length) {
      const run = merged[k]!;
      const who = namesOfRun(ctx, run);
      const label = (id: string) => (who[id] ? `${who[id]} (#${id})` : `#${id}`);
      // The records merged away may be gone from the cache: the run's own names say who the group was.
      const people = [...new Set([run.survivorId, ...run.loserIds].map((id) => who[id]).filter(Boolean))];
      rows.push({
        groupId: run.groupId ?? 0,
        names: people.join(', ') || (run.groupId === null ? null : names(run.groupId)),
        outcome: 'merged',
        detail: `Kept ${label(run.survivorId)}; merged ${run.loserIds.map(label).join(', ')}`,
        runId: run.id,
      });
      continue;
    }
    k -= merged.length;
    if (k < state.skipped.length) {
      const s = state.skipped[k]!;
      rows.push({
        groupId: s.groupId,
        names: names(s.groupId, s.names),
        outcome: 'skipped',
        detail: s.reason,
        runId: null,
      });
      continue;
    }
    k -= state.skipped.length;
    if (k < state.failed.length) {
      const f = state.failed[k]!;
      rows.push({
        groupId: f.groupId,
        names: names(f.groupId, f.names),
        outcome: 'failed',
        detail: f.message,
        runId: f.runId,
      });
      continue;
    }
    k -= state.failed.length;
    const i = state.interrupted[k]!;
    rows.push({
      groupId: i.groupId,
      names: names(i.groupId, i.names),
      outcome: 'interrupted',
      detail: i.message,
      runId: i.runId,
    });
  }
  return { total, rows };
}
