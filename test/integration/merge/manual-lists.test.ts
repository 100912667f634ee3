import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/store/database';
import { activeCampaignConnector } from '../../../app/connectors/activecampaign/connector';
import { planExtras, readGroupMemberships } from '../../../app/merge/crm-extras';
import { contactLabel, previewPlan, stepsFor } from '../../../app/merge/plan';
import { MergeJournal } from '../../../app/merge/journal';
import { SimulatedCrash, type FaultKind } from '../../helpers/faults';
import { ALL_GUARDS, executor, planFor, queue, seedCache, seedRemotes } from '../../helpers/merge-world';
import { fakeConnectors } from '../../helpers/connectors';
import { tempCore } from '../../helpers/workspace';

const dbs: Db[] = [];
afterEach(() => {
  while (dbs.length) dbs.pop()!.close();
});

/** A CRM like ActiveCampaign: no merge, a status per list, automations, custom fields kept apart. */
function acRemotes() {
  const r = seedRemotes({ lists: true });
  const { crm } = r;
  crm.seedList({ id: 'l1', name: 'Newsletter' });
  crm.seedList({ id: 'l2', name: 'Customers' });
  crm.seedAutomation({ id: 'a1', name: 'Welcome series', active: true, sendsEmail: true });
  crm.seedAutomation({ id: 'a2', name: 'Course onboarding', active: true, sendsEmail: true });
  crm.seedAutomation({ id: 'a3', name: 'Win-back', active: true, sendsEmail: true });
  crm.seedCustomField({ id: 'f1', name: 'Favourite course' });
  crm.seedMembership('101', 'l1', 'active');
  crm.seedMembership('102', 'l1', 'unsubscribed');
  crm.seedMembership('102', 'l2', 'active');
  crm.seedInAutomation('101', 'a1');
  crm.seedInAutomation('102', 'a2', 'completed');
  crm.contacts.get('102')!.customFields = { f1: 'Course A' };
  return r;
}

async function acPlan(db: Db, r: ReturnType<typeof acRemotes>, groupId: number, automationIds?: string[]) {
  const base = planFor(
    db,
    groupId,
    { survivorId: '101' },
    'manual',
    activeCampaignConnector.capabilities.slots,
  );
  const m = (await readGroupMemberships(r.crm, ['101', '102']))!;
  return {
    ...base,
    extras: planExtras(m, '101', ['102'], automationIds, true, (id) => contactLabel(base, id)),
  };
}

async function setup() {
  const r = acRemotes();
  const db = openDatabase(':memory:');
  dbs.push(db);
  const groupId = await seedCache(db, r.crm, r.wp, ['101', '102']);
  return { ...r, db, groupId };
}

/** Side effects sent, less AccessAlly's resync: it only re-reads the CRM, so the step repeats it by design. */
function effects(r: ReturnType<typeof acRemotes>) {
  const { ['wp.resyncMember']: _resync, ...rest } = r.faults.mutatingCounts();
  return rest;
}

function endState(r: ReturnType<typeof acRemotes>) {
  return { crm: r.crm.state(), wp: [...r.wp.members.values()].map((m) => [m.wpId, m.linkedContactId]) };
}

describe('manual strategy on a CRM with lists and automations', () => {
  it('carries tags, lists (an unsubscribe wins), automations and custom fields, verifies, and only then deletes', async () => {
    const r = await setup();
    const plan = await acPlan(r.db, r, r.groupId);
    expect(plan.extras.lists).toEqual([
      expect.objectContaining({ listId: 'l1', status: 'unsubscribed' }),
      expect.objectContaining({ listId: 'l2', status: 'active' }),
    ]);
    expect(plan.extras.automations.map((a) => a.name)).toEqual(['Course onboarding']);
    const names = stepsFor(plan).map((s) => s.name);
    expect(names.indexOf('verified')).toBeLessThan(names.indexOf('loser_deleted'));
    expect(names.at(-2)).toBe('loser_deleted');
    const preview = previewPlan(plan);
    const text = preview.lines.map((l) => l.text).join('\n');
    expect(text).toContain(
      'Keep Ann Lee (#101) unsubscribed from the list "Newsletter" (Ann Lee-Smith (#102) unsubscribed',
    );
    expect(text).toContain('Subscribe Ann Lee (#101) to the list "Customers" (from Ann Lee-Smith (#102))');
    expect(text).toContain(
      'Add Ann Lee (#101) to the automation "Course onboarding" — it may send emails at once',
    );
    expect(preview.irreversible.join(' ')).toContain('"Course onboarding"');

    const outcome = await executor(r.db, r.crm, r.wp).run(queue(r.db, plan));
    expect(outcome.status).toBe('completed');
    expect([...r.crm.contactTags.get('101')!].sort()).toEqual(['10', '11', '12', '13']);
    expect([...r.crm.contactLists.get('101')!]).toEqual(
      expect.arrayContaining([
        ['l1', 'unsubscribed'],
        ['l2', 'active'],
      ]),
    );
    expect([...r.crm.contactAutomations.get('101')!.keys()].sort()).toEqual(['a1', 'a2']);
    expect(r.crm.contacts.get('101')!.customFields).toEqual({ f1: 'Course A' });
    expect(r.crm.contacts.has('102')).toBe(false);
    expect(r.wp.members.get(7)!.linkedContactId).toBe('101');
    // The deletion is the last CRM write.
    const writes = r.faults.calls.filter((c) => c.mutating && c.service === 'crm').map((c) => c.method);
    expect(writes.at(-1)).toBe('deleteContact');
  });

  it('adds only the automations the reviewer picked, and none when told none', async () => {
    const r = await setup();
    const none = await acPlan(r.db, r, r.groupId, []);
    expect(stepsFor(none).some((s) => s.name === 'automation_added')).toBe(false);
    const picked = await acPlan(r.db, r, r.groupId, ['a3']);
    expect(picked.extras.automations.map((a) => a.name)).toEqual(['Win-back']);
  });

  // Every write of the merge, each way it can fail: an answer lost (after) or a request never done (before).
  it('ends like a clean run with no write sent twice, whatever fails at any write', async () => {
    const clean = await setup();
    await executor(clean.db, clean.crm, clean.wp).run(
      queue(clean.db, await acPlan(clean.db, clean, clean.groupId)),
    );
    const reference = endState(clean);
    const writes = clean.faults.calls.filter((c) => c.mutating).length;
    const expected = effects(clean);
    const kinds: FaultKind[] = ['crash', 'network', 'timeout', '5xx', '429'];
    let cases = 0;
    for (let w = 1; w <= writes; w++) {
      for (const when of ['before', 'after'] as const) {
        for (const kind of kinds) {
          const r = await setup();
          const runId = queue(r.db, await acPlan(r.db, r, r.groupId));
          let nth = 0;
          // Fault the w-th mutating call.
          const target = () => r.faults.calls.filter((c) => c.mutating).length === w;
          r.faults.hooks = {
            beforeAct: (e) => {
              if (!e.mutating) return;
              nth++;
              if (nth === w && when === 'before') r.faults.atCall(e.index, 'before', kind);
            },
          };
          r.faults.hooks.afterAct = (e) => {
            if (e.mutating && target() && when === 'after') r.faults.atCall(e.index, 'after', kind);
          };
          let outcome;
          try {
            outcome = await executor(r.db, r.crm, r.wp).run(runId);
          } catch (error) {
            if (!(error instanceof SimulatedCrash)) throw error;
          }
          r.faults.hooks = {};
          if (outcome?.status !== 'completed') {
            // A crash leaves the run as it was; a new process resumes it from the journal.
            const run = new MergeJournal(r.db, () => 'x').run(runId)!;
            if (run.status === 'running')
              r.db.prepare(`UPDATE merge_runs SET status = 'interrupted' WHERE id = ?`).run(runId);
            outcome = await executor(r.db, r.crm, r.wp).run(runId);
          }
          expect(outcome.status, `${kind} ${when} write ${w}`).toBe('completed');
          expect(endState(r), `${kind} ${when} write ${w}`).toEqual(reference);
          expect(effects(r), `${kind} ${when} write ${w}`).toEqual(expected);
          cases++;
        }
      }
    }
    expect(cases).toBe(writes * 10);
  });
});

describe('through the contract, with the ActiveCampaign descriptor', () => {
  it('plans with the lists and automations read live, names them, and merges', async () => {
    const r = acRemotes();
    const core = tempCore('cli', fakeConnectors(r, activeCampaignConnector));
    try {
      const db = core.context.workspace.db;
      const groupId = await seedCache(db, r.crm, r.wp, ['101', '102']);
      db.prepare(`UPDATE connections SET kind = 'activecampaign' WHERE kind = 'keap'`).run();
      const { memberships } = await core.call('merge/memberships', { groupId });
      expect(memberships?.records['102']?.lists).toEqual([
        { listId: 'l1', status: 'unsubscribed' },
        { listId: 'l2', status: 'active' },
      ]);
      const review = await core.call('merge/review', { groupId, survivorId: '101' });
      expect(review.strategy).toBe('manual');
      const { preview } = await core.call('merge/plan', { groupId, choices: { survivorId: '101' } });
      expect(preview.lines.filter((l) => l.step === 'automation_added').map((l) => l.text)).toEqual([
        'Add Ann Lee (#101) to the automation "Course onboarding" — it may send emails at once',
      ]);
      const detail = await core.call('merge/execute', {
        groupId,
        choices: { survivorId: '101' },
        confirm: ALL_GUARDS,
      });
      expect(detail.run.status).toBe('completed');
      expect(r.crm.contacts.has('102')).toBe(false);
      expect([...r.crm.contactAutomations.get('101')!.keys()].sort()).toEqual(['a1', 'a2']);
    } finally {
      core.dispose();
    }
  });
});
