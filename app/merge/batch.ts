import type { CoreContext } from '../context/context';
import type { MergeBatchPayload } from '../context/events';
import { AppError, toErrorShape } from '../domain/errors';
import { isoNow } from '../ports/clock';
import type { CrmClient } from '../ports/crm';
import { crmClientFor } from './clients';
import { currentQuota, estimateRequests, forecast } from './quota-plan';
import { DEFAULT_PACE, MergePacer } from './batch-pace';
import { executeRun, planMerge, planMergeLive, queuePlan, saveDryRun } from './service';
import { gateLanes, gateProfiles } from '../detect/batch-gate';
import { groupNames } from '../detect/gate-store';
import { groupStandingReader, openSafeGroupIds } from '../detect/store';
import { needsChoiceReason } from './guards';
import type { BatchQuotaPlan, Guard, MergePlan } from './types';

/** Why a batch left a group alone, in the guards' own words. */
function guardReason(guards: readonly Guard[]): string {
  return `${needsChoiceReason(guards.map((g) => ({ short: g.short ?? g.code })))}. ${guards.map((g) => g.message).join(' ')}`;
}

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
  // The lanes are judged again with the cache and the merge settings as they are now (a sync or a settings change
  // may have come after the last scan), so the batch takes exactly what the Safe tab promises.
  gateLanes(db, gateProfiles(ctx), { now: isoNow(ctx.clock) });
  if (!groupIds) {
    return {
      ids: openSafeGroupIds(db),
      skipped: [],
    };
  }
  const standing = groupStandingReader(db);
  const ids: number[] = [];
  const skipped: { groupId: number; reason: string }[] = [];
  for (const id of groupIds) {
    const g = standing(id);
    if (!g)
      skipped.push({
        groupId: id,
        reason: 'this group no longer exists (merged, dismissed or re-formed by a scan)',
      });
    else if (g.status !== 'open') skipped.push({ groupId: id, reason: `this group is already ${g.status}` });
    else if (g.lane === 'maybe_two_people')
      skipped.push({
        groupId: id,
        reason:
          'these may be two different people: a batch never merges them; confirm it in the review instead',
      });
    else if (g.lane !== 'safe')
      skipped.push({
        groupId: id,
        reason: g.reason.startsWith('needs a choice:')
          ? g.reason
          : 'only groups in the safe lane merge in a batch; review it instead',
      });
    else ids.push(id);
  }
  return { ids, skipped };
}

/**
 * How a batch over these groups (or the whole safe lane) fits the CRM's quota: requests each merge will spend,
 * how many groups fit in what is left today and when the rest continue. Reads the cache only; spends nothing.
 */
export type { BatchQuotaPlan };

export async function planBatchQuota(
  ctx: CoreContext,
  input: { groupIds?: readonly number[] },
): Promise<BatchQuotaPlan> {
  const { ids } = eligible(ctx, input.groupIds);
  const needs: number[] = [];
  let guarded = 0;
  let crm: CrmClient | null = null;
  let probe: string | null = null;
  for (const groupId of ids) {
    const { plan } = planMerge(ctx, { groupId }, {});
    if (plan.guards.length > 0) {
      guarded++;
      continue;
    }
    crm ??= crmClientFor(ctx, plan.connectionId);
    probe ??= plan.survivorId;
    needs.push(estimateRequests(plan, crm));
  }
  // The CRM reports its quota on every answer: one read learns it when this connection has not asked anything yet.
  if (crm && probe !== null && crm.quota && crm.quota()?.availableToday == null) {
    await crm.getContact(probe).catch(() => null);
  }
  const quota = currentQuota(crm?.quota?.() ?? null, ctx.clock.now());
  const f = forecast(needs, quota, ctx.clock.now());
  return {
    groups: needs.length,
    guarded,
    requests: f.requests,
    fitsToday: f.fitsToday,
    etaSeconds: f.etaSeconds,
    perMinute: quota?.perMinute ?? null,
    perDay: quota?.perDay ?? null,
    availableToday: quota?.availableToday ?? null,
    resetsAt: quota?.resetsAt ? new Date(quota.resetsAt).toISOString() : null,
    message: f.message,
  };
}

const MAX_QUOTA_WAITS = 3;

/**
 * Merges a selection or the whole safe lane with the default choices, several groups at a time (as many as keep
 * the CRM's limiter busy, see `batch-pace.ts`; `concurrency` fixes the number). A group whose plan raises any guard
 * is skipped, never merged: a batch makes no decision a person should make.
 */
export function startBatch(
  ctx: CoreContext,
  input: { groupIds?: readonly number[]; dryRun?: boolean; concurrency?: number },
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
      skipped: skipped.map((e) => ({ ...e, names: groupNames(ctx.workspace.db, e.groupId) })),
      failed: [],
      interrupted: [],
      runIds: [],
      startedAt: isoNow(ctx.clock),
      finishedAt: null,
      requests: 0,
      etaSeconds: null,
      quota: null,
    },
    abort: new AbortController(),
    resume: null,
    done: Promise.resolve(null as unknown as BatchState),
  };
  const named = <T extends { groupId: number; names?: string }>(list: readonly T[]): T[] =>
    list.map((e) => (e.names === undefined ? { ...e, names: groupNames(ctx.workspace.db, e.groupId) } : e));
  const update = (patch: Partial<BatchState>) => {
    batch.state = {
      ...batch.state,
      ...patch,
      ...(patch.skipped ? { skipped: named(patch.skipped) } : {}),
      ...(patch.failed ? { failed: named(patch.failed) } : {}),
      ...(patch.interrupted ? { interrupted: named(patch.interrupted) } : {}),
    };
    ctx.events.emit('merge/batch', batch.state);
  };
  // What each remaining group will spend, estimated once from its plan; guarded groups spend nothing.
  const remaining = new Map<number, number>();
  // Plans are made once: the cache a plan reads does not change under the batch except for the groups it merges,
  // and those are disjoint; the executor re-checks every record against the CRM before it acts.
  const plans = new Map<number, MergePlan>();
  let firstCrm: CrmClient | null = null;
  for (const groupId of ids) {
    if (batch.state.dryRun) break;
    try {
      const { plan } = planMerge(ctx, { groupId }, {});
      plans.set(groupId, plan);
      if (plan.guards.length > 0) continue;
      firstCrm ??= crmClientFor(ctx, plan.connectionId);
      remaining.set(groupId, estimateRequests(plan, firstCrm));
    } catch {
      // Planning fails again, and is reported, when the batch reaches the group.
    }
  }
  let spent = 0;
  const started = ctx.clock.now();
  let waitedMs = 0;
  const pacer = new MergePacer(
    started,
    input.concurrency === undefined
      ? DEFAULT_PACE
      : { ...DEFAULT_PACE, initial: input.concurrency, max: input.concurrency },
  );
  const progress = (waitingUntil: number | null, crm: CrmClient | null = firstCrm): Partial<BatchState> => {
    const now = ctx.clock.now();
    const quota = currentQuota(crm?.quota?.() ?? null, now);
    const working = (now - started - waitedMs) / 1000;
    // The pace sustained so far once there is enough to measure (the client's own request count when it keeps
    // one: counting only finished merges would miss what the merges in flight have sent); the budget before.
    const measured = spent >= 20 && working > 0 ? (pacer.sustained() ?? spent / working) : null;
    const f = forecast([...remaining.values()], quota, now, measured);
    return {
      requests: spent,
      etaSeconds: remaining.size === 0 ? 0 : f.etaSeconds,
      quota: quota
        ? {
            perMinute: quota.perMinute,
            perDay: quota.perDay,
            availableToday: quota.availableToday,
            resetsAt: quota.resetsAt === null ? null : new Date(quota.resetsAt).toISOString(),
            fitsToday: f.fitsToday,
            waitingUntil: waitingUntil === null ? null : new Date(waitingUntil).toISOString(),
            message: f.message,
          }
        : null,
    };
  };
  const waitUntil = async (crm: CrmClient, at: number | null) => {
    const now = ctx.clock.now();
    const until = at ?? currentQuota(crm.quota?.() ?? null, now)?.resetsAt ?? null;
    if (until === null || until <= now) return;
    update(progress(until, crm));
    // A little past the reset so the CRM's new day has begun on its clock too.
    await ctx.clock.sleep(until - now + 1000, batch.abort.signal).catch(() => undefined);
    waitedMs += ctx.clock.now() - now;
    pacer.paused(now, ctx.clock.now());
    update(progress(null, crm));
  };
  /** Reserves a merge's requests in today's quota (with those of the merges in flight), waiting for the reset if needed. */
  const reserve = async (crm: CrmClient, need: number) => {
    for (let waits = 0; ; waits++) {
      // Checked and reserved without an await in between, so merges starting together cannot overbook.
      const quota = currentQuota(crm.quota?.() ?? null, ctx.clock.now());
      const available = quota?.availableToday;
      if (
        available === null ||
        available === undefined ||
        available >= need + reserved ||
        waits >= MAX_QUOTA_WAITS
      ) {
        reserved += need;
        return;
      }
      await waitUntil(crm, quota!.resetsAt);
    }
  };
  let reserved = 0;
  const stoppedPartWay = (groupId: number, runId: string) =>
    update({ interrupted: [...batch.state.interrupted, { groupId, runId, message: STOPPED_PART_WAY }] });
  const one = async (groupId: number) => {
    update({ current: groupId });
    let queued: string | null = null;
    try {
      if (batch.state.dryRun) {
        const { runId, plan } = await saveDryRun(ctx, { groupId }, {});
        if (plan.guards.length)
          update({
            skipped: [...batch.state.skipped, { groupId, reason: guardReason(plan.guards) }],
          });
        update({ runIds: [...batch.state.runIds, runId] });
      } else {
        let plan = plans.get(groupId) ?? planMerge(ctx, { groupId }, {}).plan;
        plans.delete(groupId);
        // A manual merge also moves lists and automations, which only the CRM can tell: plan it live.
        if (plan.strategy === 'manual')
          plan = (await planMergeLive(ctx, { groupId }, {}, batch.abort.signal)).plan;
        if (plan.guards.length > 0) {
          update({
            skipped: [...batch.state.skipped, { groupId, reason: guardReason(plan.guards) }],
          });
        } else {
          const crm = crmClientFor(ctx, plan.connectionId);
          const need = estimateRequests(plan, crm);
          // Never start a merge the day's quota cannot finish (with the merges in flight): wait for the reset.
          await reserve(crm, need);
          const runId = queuePlan(ctx, plan, []);
          queued = runId;
          update({ runIds: [...batch.state.runIds, runId] });
          const mergeStarted = ctx.clock.now();
          let outcome = await executeRun(ctx, runId, [], batch.abort.signal);
          // Someone else spent the quota under the batch: the run stopped between steps with its journal intact,
          // so it continues after the reset instead of failing half-way.
          for (
            let waits = 0;
            outcome.status === 'interrupted' &&
            outcome.error?.code === 'QUOTA_EXHAUSTED' &&
            waits < MAX_QUOTA_WAITS &&
            !batch.abort.signal.aborted;
            waits++
          ) {
            const at = Date.parse(
              String((outcome.error.details as { resetsAt?: unknown } | undefined)?.resetsAt ?? ''),
            );
            await waitUntil(crm, Number.isFinite(at) ? at : null);
            outcome = await executeRun(ctx, runId, [], batch.abort.signal);
          }
          spent += need;
          reserved -= need;
          const quota = crm.quota?.() ?? null;
          pacer.merged(
            mergeStarted,
            ctx.clock.now(),
            need,
            quota?.perMinute ? quota.perMinute / 60 : null,
            quota?.requestsSent ?? null,
            quota?.requestsWaiting ?? null,
          );
          if (outcome.status === 'completed') update({ merged: batch.state.merged + 1 });
          else if (outcome.status === 'stale')
            update({
              skipped: [
                ...batch.state.skipped,
                { groupId, reason: outcome.error?.message ?? 'changed since review' },
              ],
            });
          else if (outcome.status === 'interrupted' && batch.abort.signal.aborted)
            stoppedPartWay(groupId, runId);
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
      if (shape.code === 'CANCELLED' && batch.abort.signal.aborted) {
        // The stop came while the group was being planned or waited for quota: nothing was queued or changed,
        // so the group is one of those not started, not a failure.
        if (queued === null) {
          update(progress(null));
          return;
        }
        stoppedPartWay(groupId, queued);
      } else
        update({
          failed: [
            ...batch.state.failed,
            { groupId, runId: queued, code: shape.code, message: shape.message },
          ],
        });
    }
    remaining.delete(groupId);
    update({ done: batch.state.done + 1, ...progress(null) });
  };
  let gate: Promise<void> | null = null;
  // Several merges in flight: one's WordPress calls and journal commits overlap the others' CRM requests, so the
  // limiter, not the pipeline, sets the pace. Each finished merge starts the next one at once (a slow merge holds
  // only its own place), and the pacer raises the number in flight while the CRM's budget goes unspent. Groups are
  // disjoint, so their merges never touch the same record.
  const dispatch = async () => {
    const inFlight = new Set<Promise<void>>();
    let next = 0;
    while (next < ids.length) {
      while (batch.state.status === 'paused')
        await (gate ??= new Promise<void>(
          (resolve) =>
            (batch.resume = () => {
              gate = null;
              resolve();
            }),
        ));
      if (batch.abort.signal.aborted) break;
      if (inFlight.size >= pacer.target) {
        await Promise.race(inFlight);
        continue;
      }
      const merge: Promise<void> = one(ids[next++]!).finally(() => inFlight.delete(merge));
      inFlight.add(merge);
    }
    await Promise.all(inFlight);
  };
  batch.done = (async () => {
    update(progress(null));
    await dispatch();
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

const STOPPED_PART_WAY =
  'Stopped part-way by the batch stop; the steps done are kept in its journal, and resuming it from History continues where it stopped.';

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

/** The end of a batch in words: counts per outcome, then every group left alone or failed with its reason. */
export function batchSummary(state: BatchState): string[] {
  const label = (e: { groupId: number; names?: string }) =>
    `group ${e.groupId}${e.names ? ` (${e.names})` : ''}`;
  const left = state.total - state.done;
  return [
    `${state.dryRun ? 'Dry run' : 'Batch'} ${state.status}: ${state.merged} merged, ${state.skipped.length} skipped, ${state.failed.length} failed${state.interrupted.length ? `, ${state.interrupted.length} stopped part-way` : ''}${left > 0 ? `, ${left} not started` : ''} (${state.total} group${state.total === 1 ? '' : 's'} taken).`,
    ...state.skipped.map((s) => `  skipped ${label(s)}: ${s.reason}`),
    ...state.interrupted.map(
      (i) => `  stopped part-way ${label(i)}: ${i.message} (run ${i.runId}; mergedesk resume)`,
    ),
    ...state.failed.map(
      (f) => `  failed ${label(f)}: ${f.message}${f.runId ? ` (run ${f.runId}; mergedesk resume)` : ''}`,
    ),
  ];
}
