import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MergePlan } from '../../../app/merge/types';
import { sandboxWorkspace, type SandboxWorkspace } from '../../helpers/sandbox-workspace';

const CONFIRM = ['access_loss', 'access_conflict', 'consent_conflict', 'two_active_subscriptions'] as const;

/**
 * How many requests a native merge spends against the Keap sandbox, counted by the sandbox itself. Every record is
 * read (with its tags) in one request per group before and after; orders and subscriptions move with the merge.
 */
describe('Keap native merge request budget (counted by the sandbox)', () => {
  let w: SandboxWorkspace;
  beforeAll(async () => {
    w = await sandboxWorkspace(400);
  }, 120_000);
  afterAll(async () => w?.close());

  /** An open group of `size` records whose plan applies at least one tag, with every tag but one skipped. */
  async function oneTagPlan(size: number): Promise<{ groupId: number; plan: MergePlan; skip: string[] }> {
    const db = w.core.context.workspace.db;
    const groups = db
      .prepare(
        `SELECT id FROM dup_groups WHERE status = 'open' AND size = ? AND lane IN ('safe', 'needs_choice')
         ORDER BY id`,
      )
      .pluck()
      .all(size) as number[];
    for (const groupId of groups) {
      const { plan } = await w.core.call('merge/plan', { groupId, choices: {} });
      if (plan.tagsToApply.length === 0) continue;
      const skip = plan.tagsToApply.slice(1);
      const again = await w.core.call('merge/plan', { groupId, choices: { skipTagIds: skip } });
      if (again.plan.tagsToApply.length === 1 && again.plan.sequences.length === 0)
        return { groupId, plan: again.plan, skip };
    }
    throw new Error(`no ${size}-record group applies a tag`);
  }

  async function counted(groupId: number, skip: string[]) {
    const stats = w.emb.sandbox.stats;
    const before = { total: stats.requests, routes: { ...stats.byRoute } };
    const out = await w.core.call('merge/execute', {
      groupId,
      choices: { skipTagIds: skip },
      confirm: [...CONFIRM],
    });
    const routes: Record<string, number> = {};
    for (const [r, n] of Object.entries(stats.byRoute)) {
      const d = n - (before.routes[r] ?? 0);
      if (d) routes[r] = d;
    }
    return { status: out.run.status, total: stats.requests - before.total, routes };
  }

  for (const size of [2, 3]) {
    it(`a ${size}-record merge with one tag write: one read before, one tag, ${size - 1} merge(s), one read after`, async () => {
      const { groupId, plan, skip } = await oneTagPlan(size);
      const patch = Object.keys(plan.patch).length > 0 ? 1 : 0;
      const r = await counted(groupId, skip);
      expect(r.status).toBe('completed');
      expect(r.routes).toEqual({
        'GET /contacts': 2,
        'POST /tags/{id}/contacts:applyTags': 1,
        'POST /contacts:merge': size - 1,
        ...(patch ? { 'PATCH /contacts/{id}': 1 } : {}),
      });
      expect(r.total).toBe(3 + size - 1 + patch);
      // The budget: at most 6 for two records (a field write included), at most 3 more per extra record.
      expect(r.total).toBeLessThanOrEqual(6 + 3 * (size - 2));
    }, 60_000);
  }

  it('the group read honours fields: tag ids and update time come back for exactly the ids asked', async () => {
    const data = w.emb.sandbox.store.data;
    const ids = Object.keys(data.contacts).slice(0, 3);
    const res = await fetch(
      `${w.emb.sandbox.baseUrl}/rest/v2/contacts?filter=${encodeURIComponent(`ids==${ids.join(',')}`)}&fields=tag_ids,update_time&page_size=3`,
      { headers: { 'X-Keap-API-Key': w.emb.sandbox.apiKey } },
    );
    const body = (await res.json()) as { contacts: Record<string, unknown>[] };
    expect(body.contacts.map((c) => c.id).sort()).toEqual([...ids].sort());
    for (const c of body.contacts) {
      expect(Object.keys(c).sort()).toEqual(['id', 'tag_ids', 'update_time']);
      expect((c.tag_ids as string[]).sort()).toEqual(
        Object.keys(data.contactTags[c.id as string] ?? {}).sort(),
      );
    }
  });
});
