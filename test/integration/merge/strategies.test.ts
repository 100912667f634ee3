import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/store/database';
import { MergeJournal } from '../../../app/merge/journal';
import { writeSurvivorship } from '../../../app/merge/settings';
import { cacheState, executor, planFor, queue, seedCache, seedRemotes } from '../../helpers/merge-world';

const dbs: ReturnType<typeof openDatabase>[] = [];
afterEach(() => {
  while (dbs.length) dbs.pop()!.close();
});

async function setup(options: { nativeMerge?: boolean } = {}) {
  const remotes = seedRemotes(options);
  const db = openDatabase(':memory:');
  dbs.push(db);
  const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102']);
  return { ...remotes, db, groupId };
}

describe('offline decisions re-checked before running', () => {
  it('returns a group to the queue when a record changed since review (STALE), and touches nothing', async () => {
    const { crm, wp, db, groupId, faults } = await setup();
    db.prepare(`UPDATE dup_groups SET status = 'stale' WHERE id = ?`).run(groupId);
    const runId = queue(db, planFor(db, groupId, { survivorId: '101' }));
    db.prepare(
      `INSERT INTO decisions (connection_id, kind, crm_ids, payload, created_at) VALUES ('keap1', 'reviewed_plan', '["101","102"]', ?, 'x')`,
    ).run(JSON.stringify({ runId }));
    // Someone opts the duplicate out and adds a tag in the CRM while the reviewer was offline.
    crm.touch('102', (c, tags) => {
      c.jobTitle = 'Owner';
      tags.add('13');
    });
    const outcome = await executor(db, crm, wp).run(runId);
    expect(outcome.status).toBe('stale');
    expect(outcome.error?.code).toBe('STALE');
    const changes = (outcome.error?.details as { changes: string[] }).changes;
    expect(changes.join(' ')).toContain('Ann Lee-Smith (#102) was updated');
    expect(changes.join(' ')).toContain('added "Customer"');
    expect(db.prepare('SELECT status FROM dup_groups WHERE id = ?').pluck().get(groupId)).toBe('open');
    expect(db.prepare(`SELECT undone_at IS NOT NULL FROM decisions`).pluck().get()).toBe(1);
    expect(Object.keys(faults.mutatingCounts())).toEqual([]);
    expect(crm.contacts.has('102')).toBe(true);
    await expect(executor(db, crm, wp).run(runId)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('manual strategy (a CRM without a usable merge)', () => {
  it('applies tags and fields, adds sequences, relinks WordPress, re-keys AccessAlly orders and deletes the loser', async () => {
    const { crm, wp, db, groupId, faults } = await setup({ nativeMerge: false });
    const plan = planFor(
      db,
      groupId,
      { survivorId: '101', sequences: [{ campaignId: 'c1', sequenceId: 'welcome' }] },
      'manual',
    );
    expect(plan.loserAction).toBe('delete');
    const runId = queue(db, plan);
    const outcome = await executor(db, crm, wp).run(runId);
    expect(outcome.status).toBe('completed');
    expect(faults.count('mergeContacts')).toBe(0);
    expect(crm.contacts.has('102')).toBe(false);
    expect([...crm.contactTags.get('101')!].sort()).toEqual(['10', '11', '12', '13']);
    expect([...crm.sequences.get('101')!]).toEqual(['welcome']);
    expect(wp.members.get(7)!.linkedContactId).toBe('101');
    expect(wp.orders.get('order:aa-1')!.contactId).toBe('101');
    const steps = new MergeJournal(db, () => '').steps(runId).map((s) => s.name);
    expect(steps).toContain('sequence_added');
    expect(steps).toContain('loser_deleted');
    expect(steps).not.toContain('crm_merged');
    // The CRM API cannot move orders: they stay on the removed id, and the plan said so up front.
    expect(crm.orders.get('o2')!.contactId).toBe('102');
    expect((cacheState(db) as { contacts: unknown[] }).contacts).toHaveLength(1);
  });

  it('tags and keeps the loser when set to archive', async () => {
    const { crm, wp, db, groupId } = await setup({ nativeMerge: false });
    writeSurvivorship(db, { manualLoserAction: 'archive', archiveTagId: '99' });
    const plan = planFor(db, groupId, { survivorId: '101' }, 'manual');
    expect(plan.loserAction).toBe('archive');
    const outcome = await executor(db, crm, wp).run(queue(db, plan));
    expect(outcome.status).toBe('completed');
    expect(crm.contactTags.get('102')!.has('99')).toBe(true);
  });
});

describe('sequences', () => {
  it('re-adds the survivor to chosen sequences after a native merge (the CRM merge does not carry them)', async () => {
    const { crm, wp, db, groupId, faults } = await setup();
    const plan = planFor(db, groupId, { survivorId: '101', sequences: [{ sequenceId: 'vip-onboarding' }] });
    const outcome = await executor(db, crm, wp).run(queue(db, plan));
    expect(outcome.status).toBe('completed');
    expect([...crm.sequences.get('101')!]).toEqual(['vip-onboarding']);
    const names = faults.calls.filter((c) => c.mutating).map((c) => c.method);
    expect(names.indexOf('addToSequence')).toBeGreaterThan(names.indexOf('mergeContacts'));
  });
});

describe('guards at execution', () => {
  it('refuses to run a plan whose confirmable guards were not confirmed', async () => {
    const { crm, wp, db, groupId, faults } = await setup();
    const plan = planFor(db, groupId, { survivorId: '101', skipTagIds: ['12'] });
    expect(plan.guards.map((g) => g.code)).toContain('access_loss');
    const runId = queue(db, plan, []);
    await expect(executor(db, crm, wp).run(runId)).rejects.toMatchObject({ code: 'GUARD_REFUSED' });
    expect(faults.calls).toHaveLength(0);
  });
});
