import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeConnectors } from '../../helpers/connectors';
import { waitForBatch } from '../../../app/merge/batch';
import { tempCore } from '../../helpers/workspace';
import { seedCache, seedRemotes, ALL_GUARDS } from '../../helpers/merge-world';
import type { EventName } from '../../../app/context/events';

let core: ReturnType<typeof tempCore>;
let remotes: ReturnType<typeof seedRemotes>;

beforeEach(() => {
  remotes = seedRemotes();
  core = tempCore('cli', fakeConnectors(remotes));
});
afterEach(() => {
  core.dispose();
});

describe('merge through the contract', () => {
  it('reviews, plans, executes with step events, lists the run, exports the audit log and restores', async () => {
    const groupId = await seedCache(core.context.workspace.db, remotes.crm, remotes.wp, ['101', '102']);
    const review = await core.call('merge/review', { groupId, survivorId: '101' });
    expect(review.strategy).toBe('native');
    expect(review.records[0]!.contactId).toBe('101');
    const invalid = await core.invoke('merge/review', { groupId: -1 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const { preview } = await core.call('merge/plan', { groupId, choices: { survivorId: '101' } });
    expect(preview.lines.some((l) => l.step === 'crm_merged')).toBe(true);

    const events: EventName[] = [];
    core.events.subscribe((e) => events.push(e.name));
    const detail = await core.call('merge/execute', {
      groupId,
      choices: { survivorId: '101' },
      confirm: ALL_GUARDS,
    });
    expect(detail.run.status).toBe('completed');
    expect(detail.steps.every((s) => s.status === 'done')).toBe(true);
    expect(events).toContain('merge/step');
    expect(events).toContain('merge/finished');

    const runs = await core.call('merge/runs', {});
    expect(runs.map((r) => r.id)).toEqual([detail.run.id]);
    const csv = await core.call('merge/audit-export', { format: 'csv' });
    expect(csv.content.split('\n')[0]).toBe('id,at,action,connection_id,run_id,subject,details');
    expect(csv.content).toContain('merge.step.crm_merged');
    expect(() => core.context.workspace.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);

    const restorePreview = await core.call('merge/restore-preview', { runId: detail.run.id });
    expect(restorePreview.possible).toBe(true);
    expect(restorePreview.cannotReturn.join(' ')).toContain('#102');
    const restored = await core.call('merge/restore', { runId: detail.run.id, confirm: true });
    expect(restored.recreated).toHaveLength(1);
    const newId = restored.recreated[0]!.newId;
    expect([...remotes.crm.contactTags.get(newId)!].sort()).toEqual(['11', '12']);
    expect(remotes.wp.members.get(7)!.linkedContactId).toBe(newId);
    expect([...remotes.crm.contactTags.get('101')!].sort()).toEqual(['10', '13']);
    expect((await core.call('merge/run', { runId: detail.run.id })).run.status).toBe('restored');
  });

  it('refuses to execute when a guard is not confirmed', async () => {
    const groupId = await seedCache(core.context.workspace.db, remotes.crm, remotes.wp, ['101', '102']);
    const res = await core.invoke('merge/execute', {
      groupId,
      choices: { survivorId: '101', skipTagIds: ['12'] },
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'GUARD_REFUSED' } });
    expect(remotes.faults.mutatingCounts()).toEqual({});
  });

  it('batch-merges the safe lane and skips groups with guards', async () => {
    const db = core.context.workspace.db;
    const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102'], 'safe');
    const state = await core.call('merge/batch-start', { lane: 'safe' });
    expect(state.total).toBe(1);
    const done = await waitForBatch(core.context);
    expect(done.status).toBe('finished');
    expect(done.merged + done.skipped.length).toBe(1);
    if (done.merged === 1)
      expect(db.prepare('SELECT status FROM dup_groups WHERE id = ?').pluck().get(groupId)).toBe('merged');
  });

  it('skips a safe-lane group whose plan raises a guard instead of merging it', async () => {
    remotes.crm.contacts.get('101')!.emails = [{ slot: 'EMAIL1', email: 'ann@example.com', optIn: false }];
    const groupId = await seedCache(
      core.context.workspace.db,
      remotes.crm,
      remotes.wp,
      ['101', '102'],
      'safe',
    );
    await core.call('merge/batch-start', { groupIds: [groupId] });
    const done = await waitForBatch(core.context);
    expect(done.merged).toBe(0);
    // The gate moved it out of the safe lane before the batch started, naming the guard.
    expect(done.skipped[0]?.reason).toMatch(/^needs a choice: opt-out on one record/);
    expect(remotes.faults.mutatingCounts()).toEqual({});
  });

  it('remembers not-a-duplicate and removes a member from a group', async () => {
    const db = core.context.workspace.db;
    const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102', '103']);
    // The pairs detection stored for the group: the rest is re-grouped from them.
    db.prepare(
      `INSERT INTO candidate_pairs (a_pk, b_pk, score, weight, flags, rule, contributions)
       SELECT a.pk, b.pk, 0.97, 5, 20, 'email', '[]' FROM contacts a JOIN contacts b ON a.pk < b.pk`,
    ).run();
    const r = await core.call('groups/remove-member', { id: groupId, crmId: '103' });
    expect(r).toEqual({ decisionId: expect.any(Number), groupId, remaining: 2, status: 'open' });
    await core.call('groups/dismiss', { id: groupId });
    const decisions = db
      .prepare(`SELECT crm_ids FROM decisions WHERE kind = 'not_duplicate' ORDER BY id`)
      .pluck()
      .all();
    expect(decisions).toEqual(['["101","102","103"]', '["101","102"]']);
  });

  it('saves and reads survivorship and access settings', async () => {
    const saved = await core.call('merge/settings-set', {
      survivorship: { survivor: 'oldest', fieldRules: { company: 'most_recent' } } as never,
    });
    expect(saved.survivorship.survivor).toBe('oldest');
    expect((await core.call('merge/settings-get', {})).survivorship.fieldRules.company).toBe('most_recent');
  });

  it('re-gates the safe lane when the access settings change what counts as a revoke tag', async () => {
    const db = core.context.workspace.db;
    const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102'], 'safe');
    const lane = () =>
      db.prepare('SELECT lane, reason FROM dup_groups WHERE id = ?').get(groupId) as {
        lane: string;
        reason: string;
      };
    const defaults = (await core.call('merge/settings-get', {})).access;
    // The member logs in with 102 ("VIP Member", no revoke tag); 101 carries "Customer".
    await core.call('merge/settings-set', {
      access: { ...defaults, revokeNamePatterns: [...defaults.revokeNamePatterns, 'Customer'] },
    });
    expect(lane().lane).toBe('needs_choice');
    expect(lane().reason).toMatch(/^needs a choice: revoke tag "Customer" would land on a member's access/);
    await core.call('merge/settings-set', { access: defaults });
    expect(lane()).toEqual({ lane: 'safe', reason: 'same email' });
  });
});
