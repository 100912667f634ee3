import type { HandlerSubset } from './types';
import type { mergeMethods } from '../methods/merge';
import { AppError } from '../../domain/errors';
import {
  executeRun,
  listRuns,
  planMergeLive,
  groupMemberships,
  offeredSequences,
  queuePlan,
  resumeRuns,
  reviewGroup,
  runDetail,
  saveDryRun,
} from '../../merge/service';
import { capabilitiesFor } from '../../merge/clients';
import { restorePreview, restoreRun } from '../../merge/restore';
import { exportAudit } from '../../merge/audit-export';
import { batchState, pauseBatch, planBatchQuota, startBatch, stopBatch } from '../../merge/batch';
import { batchSummaryPage } from '../../merge/batch-summary';
import { readAccess, readSurvivorship, writeAccess, writeSurvivorship } from '../../merge/settings';
import type { ReviewChoices } from '../../merge/types';
import { gateLanes, gateProfiles } from '../../detect/batch-gate';
import { isoNow } from '../../ports/clock';

type MergeMethod = keyof typeof mergeMethods;

/** zod's optional keys arrive as `T | undefined`; the domain wants them absent. */
function choices(c: Record<string, unknown>): ReviewChoices {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as ReviewChoices;
}

export const mergeHandlers: HandlerSubset<MergeMethod> = {
  'merge/review': (input, ctx) => reviewGroup(ctx, input),
  'merge/memberships': async (input, ctx) => ({ memberships: await groupMemberships(ctx, input) }),
  'merge/sequences': async (input, ctx) => ({
    sequences: capabilitiesFor(ctx, input.connectionId)?.sequences
      ? await offeredSequences(ctx, input.connectionId)
      : null,
  }),
  'merge/plan': async (input, ctx) => {
    const { plan, preview } = await planMergeLive(ctx, input, choices(input.choices));
    return { plan, preview };
  },
  'merge/dry-run': (input, ctx) => saveDryRun(ctx, input, choices(input.choices)),
  'merge/queue': async (input, ctx) => {
    const { plan, preview } = await planMergeLive(ctx, input, choices(input.choices));
    const runId = queuePlan(ctx, plan, input.confirm);
    return { runId, plan, preview };
  },
  'merge/execute': async (input, ctx) => {
    let runId = input.runId;
    if (runId === undefined) {
      const { plan } = await planMergeLive(ctx, input, choices(input.choices));
      runId = queuePlan(ctx, plan, input.confirm);
    }
    await executeRun(ctx, runId, input.confirm);
    return runDetail(ctx, runId);
  },
  'merge/resume': async (input, ctx) => {
    const outcomes = await resumeRuns(ctx, input.runId);
    return outcomes.map((o) => runDetail(ctx, o.runId).run);
  },
  'merge/restore-preview': (input, ctx) => restorePreview(ctx, input.runId),
  'merge/restore': (input, ctx) => restoreRun(ctx, input.runId),
  'merge/runs': (input, ctx) =>
    listRuns(ctx, {
      limit: input.limit,
      offset: input.offset,
      ...(input.status ? { status: input.status } : {}),
      ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
    }),
  'merge/run': (input, ctx) => runDetail(ctx, input.runId),
  'merge/audit-export': (input, ctx) => exportAudit(ctx, input.format),
  'merge/batch-start': (input, ctx) =>
    startBatch(ctx, { dryRun: input.dryRun, ...(input.groupIds ? { groupIds: input.groupIds } : {}) }),
  'merge/batch-plan': (input, ctx) => planBatchQuota(ctx, input.groupIds ? { groupIds: input.groupIds } : {}),
  'merge/batch-status': (_input, ctx) => ({ batch: batchState(ctx) }),
  'merge/batch-summary': (input, ctx) => batchSummaryPage(ctx, input),
  'merge/batch-pause': (input, ctx) => pauseBatch(ctx, input.paused),
  'merge/batch-stop': (_input, ctx) => stopBatch(ctx),
  'merge/settings-get': (_input, ctx) => ({
    survivorship: readSurvivorship(ctx.workspace.db),
    access: readAccess(ctx.workspace.db),
  }),
  'merge/settings-set': (input, ctx) => {
    const db = ctx.workspace.db;
    if (!input.survivorship && !input.access) throw new AppError('INVALID_INPUT', 'Nothing to save.');
    db.transaction(() => {
      if (input.survivorship) writeSurvivorship(db, input.survivorship);
      if (input.access) writeAccess(db, input.access);
    })();
    // What a batch may merge without a look depends on these settings (opt-out wins, access and revoke tags).
    gateLanes(db, gateProfiles(ctx), { now: isoNow(ctx.clock) });
    ctx.events.emit('workspace/changed', { reason: 'lanes' });
    return { survivorship: readSurvivorship(db), access: readAccess(db) };
  },
};
