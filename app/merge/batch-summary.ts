import type { CoreContext } from '../context/context';
import { groupNames } from '../detect/gate-store';
import { batchState } from './batch';
import { completedRunsAmong, runNames } from './service';

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
  // Everything but the merged runs is already in the batch's state, with the names it was given there.
  const others: (Omit<BatchSummaryRow, 'names'> & { readonly known?: string })[] = [
    ...state.skipped.map((s) => ({
      groupId: s.groupId,
      known: s.names,
      outcome: 'skipped' as const,
      detail: s.reason,
      runId: null,
    })),
    ...state.failed.map((f) => ({
      groupId: f.groupId,
      known: f.names,
      outcome: 'failed' as const,
      detail: f.message,
      runId: f.runId,
    })),
    ...state.interrupted.map((i) => ({
      groupId: i.groupId,
      known: i.names,
      outcome: 'interrupted' as const,
      detail: i.message,
      runId: i.runId,
    })),
  ];
  const total = merged.length + others.length;
  const rows: BatchSummaryRow[] = [];
  const end = Math.min(total, page.offset + page.limit);
  for (let at = page.offset; at < end; at++) {
    if (at >= merged.length) {
      const { known, ...row } = others[at - merged.length]!;
      rows.push({ ...row, names: names(row.groupId, known) });
      continue;
    }
    const run = merged[at]!;
    const who = runNames(ctx, run);
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
  }
  return { total, rows };
}
