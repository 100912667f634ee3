import type { CoreContext } from '../context/context';
import type { MergeBatchPayload } from '../context/events';
import { AppError, toErrorShape } from '../domain/errors';
import { isoNow } from '../ports/clock';
import { executeRun, planMergeLive, queuePlan, saveDryRun } from './service';

export type BatchState = MergeBatchPayload;

interface Batch {
  state: BatchState;
  abort: AbortController;
  resume: (() => void) | null;
  done: Promise<BatchState>;
}

const batches = new WeakMap<CoreContext, Batch>();

export function batchState(ctx: CoreContext): BatchState | null {
  return batches.get(ctx)?.state ?? null;
}

/** The groups a batch may merge: only the `safe` lane, as the design requires, and only open groups. */
function eligible(
  ctx: CoreContext,
  groupIds: readonly number[] | undefined,
): { ids: number[]; skipped: { groupId: number; reason: string }[] } {
  const db = ctx.workspace.db;
  if (!groupIds) {
    return {
      ids: db
        .prepare(`SELECT id FROM dup_groups WHERE status = 'open' AND lane = 'safe' ORDER BY score DESC, id`)
        .pluck()
        .all() as number[],
      skipped: [],
    };
  }
  const get = db.prepare('SELECT lane, status FROM dup_groups WHERE id = ?');
  const ids: number[] = [];
  const skipped: { groupId: number; reason: string }[] = [];
  for (const id of groupIds) {
    const g = get.get(id) as { lane: string; status: string } | undefined;
    if (!g) skipped.push({ groupId: id, reason: 'no such group' });
    else if (g.status !== 'open') skipped.push({ groupId: id, reason: `group is ${g.status}` });
    else if (g.lane !== 'safe')
      skipped.push({
        groupId: id,
        reason: 'only groups in the safe lane merge in a batch; review it instead',
      });
    else ids.push(id);
  }
  return { ids, skipped };
}

/**
 * Merges a selection or the whole safe lane one group after another with the default choices. A group whose
 * plan raises any guard is skipped, never merged: a batch makes no decision a person should make.
 */
export function startBatch(
  ctx: CoreContext,
  input: { groupIds?: readonly number[]; dryRun?: boolean },
): BatchState {
  const existing = batches.get(ctx);
  if (
    existing &&
    (existing.state.status === 'running' ||
      existing.state.status === 'paused' ||
      existing.state.status === 'stopping')
  ) {
    throw new AppError('BUSY', 'A batch merge is already running; pause or stop it first.');
  }
  const { ids, skipped } = eligible(ctx, input.groupIds);
  const batch: Batch = {
    state: {
      id: `batch-${ctx.clock.now()}`,
      status: 'running',
      dryRun: input.dryRun ?? false,
      total: ids.length,
      done: 0,
      merged: 0,
      current: null,
      skipped,
      failed: [],
      runIds: [],
      startedAt: isoNow(ctx.clock),
      finishedAt: null,
    },
    abort: new AbortController(),
    resume: null,
    done: Promise.resolve(null as unknown as BatchState),
  };
  const update = (patch: Partial<BatchState>) => {
    batch.state = { ...batch.state, ...patch };
    ctx.events.emit('merge/batch', batch.state);
  };
  batch.done = (async () => {
    for (const groupId of ids) {
      if (batch.state.status === 'paused') await new Promise<void>((resolve) => (batch.resume = resolve));
      if (batch.abort.signal.aborted) break;
      update({ current: groupId });
      try {
        if (batch.state.dryRun) {
          const { runId, plan } = await saveDryRun(ctx, { groupId }, {});
          if (plan.guards.length)
            update({
              skipped: [
                ...batch.state.skipped,
                { groupId, reason: plan.guards.map((g) => g.message).join(' ') },
              ],
            });
          update({ runIds: [...batch.state.runIds, runId] });
        } else {
          const { plan } = await planMergeLive(ctx, { groupId }, {});
          if (plan.guards.length > 0) {
            update({
              skipped: [
                ...batch.state.skipped,
                { groupId, reason: plan.guards.map((g) => g.message).join(' ') },
              ],
            });
          } else {
            const runId = queuePlan(ctx, plan, []);
            update({ runIds: [...batch.state.runIds, runId] });
            const outcome = await executeRun(ctx, runId, [], batch.abort.signal);
            if (outcome.status === 'completed') update({ merged: batch.state.merged + 1 });
            else if (outcome.status === 'stale')
              update({
                skipped: [
                  ...batch.state.skipped,
                  { groupId, reason: outcome.error?.message ?? 'changed since review' },
                ],
              });
            else
              update({
                failed: [
                  ...batch.state.failed,
                  {
                    groupId,
                    runId,
                    code: outcome.error?.code ?? 'INTERNAL',
                    message: outcome.error?.message ?? outcome.status,
                  },
                ],
              });
          }
        }
      } catch (error) {
        const shape = toErrorShape(error);
        update({
          failed: [...batch.state.failed, { groupId, runId: null, code: shape.code, message: shape.message }],
        });
      }
      update({ done: batch.state.done + 1 });
    }
    update({
      status: batch.abort.signal.aborted ? 'stopped' : 'finished',
      current: null,
      finishedAt: isoNow(ctx.clock),
    });
    return batch.state;
  })();
  batches.set(ctx, batch);
  ctx.events.emit('merge/batch', batch.state);
  return batch.state;
}

export function pauseBatch(ctx: CoreContext, paused: boolean): BatchState {
  const batch = batches.get(ctx);
  if (!batch) throw new AppError('NOT_FOUND', 'No batch merge is running.');
  if (paused && batch.state.status === 'running') batch.state = { ...batch.state, status: 'paused' };
  if (!paused && batch.state.status === 'paused') {
    batch.state = { ...batch.state, status: 'running' };
    batch.resume?.();
    batch.resume = null;
  }
  ctx.events.emit('merge/batch', batch.state);
  return batch.state;
}

/** Stops after the current step; an interrupted run resumes later from its journal. */
export function stopBatch(ctx: CoreContext): BatchState {
  const batch = batches.get(ctx);
  if (!batch) throw new AppError('NOT_FOUND', 'No batch merge is running.');
  if (batch.state.status === 'finished' || batch.state.status === 'stopped') return batch.state;
  batch.state = { ...batch.state, status: 'stopping' };
  batch.abort.abort(new AppError('CANCELLED', 'Batch stopped.'));
  batch.resume?.();
  ctx.events.emit('merge/batch', batch.state);
  return batch.state;
}

export function waitForBatch(ctx: CoreContext): Promise<BatchState> {
  const batch = batches.get(ctx);
  if (!batch) throw new AppError('NOT_FOUND', 'No batch merge was started.');
  return batch.done;
}
