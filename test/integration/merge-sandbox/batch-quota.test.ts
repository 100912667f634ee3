import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../app/api/core';
import { openWorkspace } from '../../../app/workspace/workspace';
import { crmClientFor } from '../../../app/merge/clients';
import { batchSummary, startBatch, waitForBatch } from '../../../app/merge/batch';
import type { MergeBatchPayload } from '../../../app/context/events';
import type { Clock } from '../../../app/ports/clock';
import { buildTemplate, scenario, type Scenario, type Template } from '../../helpers/merge-faults';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';

/** A clock the test moves: sleeping advances it at once, so a wait for the daily reset takes no real time. */
function manualClock(start: number): Clock & { readonly slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      t += Math.max(0, ms);
      await Promise.resolve();
    },
  };
}

const MIDNIGHT = Date.UTC(2026, 11, 2);

describe('a batch against the Keap daily quota, across a simulated 00:00 UTC reset', () => {
  let template: Template;
  beforeAll(async () => {
    template = await buildTemplate();
  }, 120_000);
  afterAll(() => template?.dispose());

  async function setup(perDay: number): Promise<{
    s: Scenario;
    core: Core;
    clock: ReturnType<typeof manualClock>;
    groups: number[];
    events: MergeBatchPayload[];
    close: () => Promise<void>;
  }> {
    const clock = manualClock(MIDNIGHT - 5 * 60_000);
    const s = await scenario(template, { crmSandbox: { now: clock.now, limits: { perDay } } });
    const core = createCore({
      workspace: openWorkspace(s.dir),
      host: 'cli',
      clock,
      connectors: BUILT_IN_CONNECTORS,
    });
    const db = core.context.workspace.db;
    const safe = db
      .prepare(`SELECT id FROM dup_groups WHERE status = 'open' AND lane = 'safe' ORDER BY score DESC, id`)
      .pluck()
      .all() as number[];
    const groups: number[] = [];
    for (const groupId of safe) {
      const { plan } = await core.call('merge/plan', { groupId, choices: {} });
      if (plan.guards.length === 0) groups.push(groupId);
      if (groups.length === 3) break;
    }
    expect(groups.length).toBe(3);
    const events: MergeBatchPayload[] = [];
    const off = core.context.events.subscribe((e) => {
      if (e.name === 'merge/batch') events.push(e.payload as MergeBatchPayload);
    });
    return {
      s,
      core,
      clock,
      groups,
      events,
      close: async () => {
        off();
        core.close();
        await s.close();
      },
    };
  }

  it('plans within what is left today, waits for the reset before a merge that does not fit, and finishes', async () => {
    // Learn each merge's cost first, on a generous quota.
    const probe = await setup(30_000);
    const needs: number[] = [];
    for (const g of probe.groups) {
      needs.push((await probe.core.call('merge/batch-plan', { groupIds: [g] })).requests);
    }
    await probe.close();

    // One request to learn the quota, then exactly the first two merges fit before midnight.
    const w = await setup(1 + needs[0]! + needs[1]! + 1);
    try {
      const connectionId = w.core.context.workspace.db
        .prepare(`SELECT id FROM connections WHERE kind = 'keap'`)
        .pluck()
        .get() as string;
      await crmClientFor(w.core.context, connectionId).getContact('1');
      const plan = await w.core.call('merge/batch-plan', { groupIds: w.groups });
      expect(plan.fitsToday).toBe(2);
      expect(plan.message).toBe("2 groups fit in today's quota; the rest continue after 00:00 UTC.");
      expect(plan.etaSeconds).toBeGreaterThanOrEqual(5 * 60 - 1);

      // One merge at a time, so "before midnight" is well defined on a clock that jumps when slept on.
      startBatch(w.core.context, { groupIds: w.groups, concurrency: 1 });
      const end = await waitForBatch(w.core.context);
      expect(end.status).toBe('finished');
      expect(end.failed).toEqual([]);
      expect(end.merged).toBe(3);
      // It waited for the reset (not a 429 it could not handle) and the clock crossed midnight.
      const waiting = w.events.find((e) => e.quota?.waitingUntil);
      expect(waiting?.quota?.waitingUntil).toBe(new Date(MIDNIGHT).toISOString());
      // Two merges ran before midnight; the third began after the reset.
      expect(waiting?.done).toBe(2);
      expect(w.clock.now()).toBeGreaterThan(MIDNIGHT);
      // No merge was cut by the quota: every run went straight through (the frozen clock may throttle a second).
      const interrupted = w.core.context.workspace.db
        .prepare(`SELECT count(*) FROM audit_log WHERE action LIKE '%interrupted%'`)
        .pluck()
        .get();
      expect(interrupted).toBe(0);
      // Every event carries progress for the batch screen.
      expect(w.events.every((e) => typeof e.requests === 'number')).toBe(true);
      expect(end.etaSeconds).toBe(0);
      // The summary pages through the groups, in people's words: who was kept and who was merged into them.
      const first = await w.core.call('merge/batch-summary', { offset: 0, limit: 2 });
      const rest = await w.core.call('merge/batch-summary', { offset: 2, limit: 2 });
      expect(first.total).toBe(3);
      expect(first.rows).toHaveLength(2);
      expect(rest.rows).toHaveLength(1);
      const rows = [...first.rows, ...rest.rows];
      expect(rows.map((r) => r.groupId)).toEqual(w.groups);
      for (const r of rows) {
        expect(r.outcome).toBe('merged');
        expect(r.runId).toMatch(/\S/);
        expect(r.names).toMatch(/[A-Za-z]/);
        expect(r.detail).toMatch(/^Kept [A-Za-z][^#]* \(#\d+\); merged [A-Za-z][^#]* \(#\d+\)/);
      }
      // History pages through the runs newest first, and finds one group's runs however many came after.
      const all = (await w.core.call('merge/runs', { limit: 10 })).map((r) => r.id);
      expect(all).toHaveLength(3);
      const newer = await w.core.call('merge/runs', { offset: 0, limit: 2 });
      const older = await w.core.call('merge/runs', { offset: 2, limit: 2 });
      expect([...newer, ...older].map((r) => r.id)).toEqual(all);
      const ofGroup = await w.core.call('merge/runs', { groupId: w.groups[1]! });
      expect(ofGroup.map((r) => r.groupId)).toEqual([w.groups[1]]);
      expect(ofGroup[0]!.id).toBe(rows[1]!.runId);
      await expect(w.core.call('merge/batch-summary', { offset: 0, limit: 201 })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    } finally {
      await w.close();
    }
  }, 120_000);

  it('a quota spent by someone else mid-merge interrupts the run between steps; it resumes after the reset', async () => {
    const w = await setup(30_000);
    try {
      let spentAt: string | null = null;
      w.s.onWrite = (n, phase, signature) => {
        // Someone else drains today's quota just as the second merge applies its first change.
        if (spentAt === null && phase === 'after' && signature.startsWith('crm ') && w.s.writes.length > 4) {
          spentAt = signature;
          const limiter = w.s.crm.limiter;
          const used = Number(limiter.headersFor(w.s.crm.apiKey)['x-keap-product-quota-used']);
          // What is left of today is gone; tomorrow brings a quota large enough for the rest.
          limiter.limits = { ...limiter.limits, perDay: used };
          expect(limiter.take(w.s.crm.apiKey)).toMatchObject({ ok: false, window: 'day' });
        }
        return undefined;
      };
      await w.core.call('merge/batch-start', { groupIds: w.groups });
      const end = await waitForBatch(w.core.context);
      expect(spentAt).not.toBeNull();
      expect(w.s.crm.stats.rateLimited).toBeGreaterThan(0);
      expect(end.failed).toEqual([]);
      expect(end.merged).toBe(3);
      expect(w.clock.now()).toBeGreaterThan(MIDNIGHT);
      const runs = w.core.context.workspace.db
        .prepare(`SELECT status FROM merge_runs WHERE status <> 'dry_run'`)
        .pluck()
        .all();
      expect(runs).toEqual(['completed', 'completed', 'completed']);
    } finally {
      await w.close();
    }
  }, 120_000);

  it('a stop while a merge applies its changes leaves that run to resume, not a failure', async () => {
    const w = await setup(30_000);
    try {
      let stoppedAt: string | null = null;
      w.s.onWrite = (n, phase, signature) => {
        // The user presses Stop just as the first merge has applied its first change to the CRM.
        if (stoppedAt === null && phase === 'after' && signature.startsWith('crm ')) {
          stoppedAt = signature;
          void w.core.call('merge/batch-stop', {});
        }
        return undefined;
      };
      startBatch(w.core.context, { groupIds: w.groups, concurrency: 1 });
      const end = await waitForBatch(w.core.context);
      expect(stoppedAt).not.toBeNull();
      expect(end.status).toBe('stopped');
      expect(end.failed).toEqual([]);
      expect(end.interrupted).toHaveLength(1);
      const [cut] = end.interrupted;
      expect(cut!.groupId).toBe(w.groups[0]);
      expect(cut!.message).toMatch(/Stopped part-way .* resuming it from History continues where it stopped/);
      expect(cut!.names).toBeTruthy();
      // The groups the stop reached before they began are not started, not failed.
      expect(end.total - end.done).toBe(2);
      const page = await w.core.call('merge/batch-summary', {});
      expect(page.total).toBe(1);
      expect(page.rows[0]).toMatchObject({ outcome: 'interrupted', runId: cut!.runId, names: cut!.names });
      const summary = batchSummary(end);
      expect(summary[0]).toMatch(
        /^Batch stopped: 0 merged, 0 skipped, 0 failed, 1 stopped part-way, 2 not started/,
      );
      expect(summary[1]).toContain(`stopped part-way group ${cut!.groupId} (${cut!.names})`);
      expect(summary[1]).toContain(`(run ${cut!.runId}; mergedesk resume)`);
      const db = w.core.context.workspace.db;
      const status = () =>
        db.prepare('SELECT status FROM merge_runs WHERE id = ?').pluck().get(cut!.runId) as string;
      expect(['running', 'interrupted']).toContain(status());
      w.s.onWrite = null;
      await w.core.call('merge/resume', { runId: cut!.runId });
      expect(status()).toBe('completed');
    } finally {
      await w.close();
    }
  }, 120_000);
});
