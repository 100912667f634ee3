import { afterEach, describe, expect, it } from 'vitest';
import { MergeJournal } from '../../../app/merge/journal';
import { SimulatedCrash } from '../../helpers/faults';
import {
  cacheState,
  executor,
  fileDb,
  planFor,
  queue,
  seedCache,
  seedRemotes,
} from '../../helpers/merge-world';
import { openDatabase, type Db } from '../../../app/store/database';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function cleanRun(ids: readonly string[] = ['101', '102']) {
  const remotes = seedRemotes();
  const db = openDatabase(':memory:');
  cleanups.push(() => db.close());
  const groupId = await seedCache(db, remotes.crm, remotes.wp, ids);
  const plan = planFor(db, groupId, { survivorId: '101' });
  const runId = queue(db, plan);
  remotes.faults.calls.length = 0;
  const outcome = await executor(db, remotes.crm, remotes.wp).run(runId);
  return { ...remotes, db, groupId, plan, runId, outcome };
}

describe('merge executor against Keap-like and AccessAlly-like fakes', () => {
  it('runs a clean native merge: fields, tag union, CRM merge, WP relink, order re-key, verify, cache', async () => {
    const { crm, wp, db, outcome, runId, faults } = await cleanRun();
    expect(outcome.status).toBe('completed');
    expect(crm.contacts.has('102')).toBe(false);
    expect([...crm.contactTags.get('101')!].sort()).toEqual(['10', '11', '12', '13']);
    expect(crm.orders.get('o2')!.contactId).toBe('101');
    expect(crm.subscriptions.get('s1')!.contactId).toBe('101');
    const survivor = crm.contacts.get('101')!;
    expect(survivor.company).toBe('Lee Studio');
    expect(survivor.emails.map((e) => e.email)).toEqual(['ann@example.com', 'ann.lee@work.test']);
    expect(wp.members.get(7)!.linkedContactId).toBe('101');
    expect(wp.members.get(7)!.accessTags.map((t) => t.id)).toEqual(['10', '11', '12', '13']);
    expect(wp.orders.get('order:aa-1')!.contactId).toBe('101');
    expect(faults.count('mergeContacts')).toBe(1);
    const steps = new MergeJournal(db, () => '').steps(runId);
    expect(steps.map((s) => s.name)).toEqual([
      'planned',
      'snapshotted',
      'fields_written',
      'tags_unioned',
      'crm_merged',
      'wp_relinked',
      'orders_rekeyed',
      'resynced',
      'verified',
      'cache_updated',
    ]);
    expect(steps.every((s) => s.status === 'done')).toBe(true);
    const cache = cacheState(db) as {
      contacts: { crm_id: string }[];
      groups: { status: string }[];
      wpUsers: unknown[];
    };
    expect(cache.contacts.map((c) => c.crm_id)).toEqual(['101']);
    expect(cache.groups[0]!.status).toBe('merged');
    expect(cache.wpUsers).toEqual([{ wp_id: 7, linked_contact_id: '101' }]);
    const snaps = new MergeJournal(db, () => '').snapshots(runId);
    expect(snaps.map((s) => s.ref).sort()).toEqual(['101', '102']);
  });

  it('merges a 3-record group as N-1 pairwise CRM merges and re-keys AccessAlly orders from every loser', async () => {
    const { crm, wp, outcome, faults, plan } = await cleanRun(['101', '102', '103']);
    expect(outcome.status).toBe('completed');
    expect(plan.loserIds).toEqual(['102', '103']);
    expect(faults.calls.filter((c) => c.method === 'mergeContacts').map((c) => c.args)).toEqual([
      { survivorId: '101', duplicateId: '102' },
      { survivorId: '101', duplicateId: '103' },
    ]);
    expect([...crm.contacts.keys()]).toEqual(['101']);
    expect(wp.orders.get('subscription:aa-2')!.contactId).toBe('101');
    expect(crm.contacts.get('101')!.emails.map((e) => e.email)).toEqual([
      'ann@example.com',
      'ann.lee@work.test',
      'ann@old.test',
    ]);
  });

  it.each([
    ['network', 'before'],
    ['timeout', 'before'],
    ['5xx', 'after'],
    ['429', 'before'],
    ['network', 'after'],
  ] as const)('retries a %s failure (%s the side effect) and still merges once', async (kind, when) => {
    const remotes = seedRemotes();
    const db = openDatabase(':memory:');
    cleanups.push(() => db.close());
    const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102']);
    const runId = queue(db, planFor(db, groupId, { survivorId: '101' }));
    remotes.faults
      .onMethod('mergeContacts', 1, when, kind)
      .onMethod('relinkMember', 1, when, kind)
      .onMethod('applyTags', 1, when, kind);
    const outcome = await executor(db, remotes.crm, remotes.wp).run(runId);
    expect(outcome.status).toBe('completed');
    expect(remotes.crm.contacts.has('102')).toBe(false);
    // 'after' faults leave the side effect done: the retry finds it and does not repeat it.
    expect(remotes.faults.count('mergeContacts')).toBe(when === 'after' ? 1 : 2);
    expect(remotes.faults.count('relinkMember')).toBe(when === 'after' ? 1 : 2);
    expect(remotes.faults.count('applyTags')).toBe(when === 'after' ? 1 : 2);
  });

  it('stops as interrupted when the network stays down, then resumes without repeating anything', async () => {
    const remotes = seedRemotes();
    const db = openDatabase(':memory:');
    cleanups.push(() => db.close());
    const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102']);
    const runId = queue(db, planFor(db, groupId, { survivorId: '101' }));
    remotes.faults.onMethod('relinkMember', 1, 'before', 'network', 10);
    const first = await executor(db, remotes.crm, remotes.wp).run(runId);
    expect(first.status).toBe('interrupted');
    expect(first.error?.code).toBe('CONNECTION_FAILED');
    remotes.faults.clear();
    const second = await executor(db, remotes.crm, remotes.wp).run(runId);
    expect(second.status).toBe('completed');
    expect(remotes.faults.count('mergeContacts')).toBe(1);
    expect(remotes.faults.count('updateContact')).toBe(1);
  });
});

describe('crash at every remote call, before and after its side effect', () => {
  it('always ends in the clean run state with no repeated side effect', async () => {
    const reference = await cleanRun(['101', '102', '103']);
    const expected = {
      crm: reference.crm.state(),
      wp: reference.wp.state(),
      cache: cacheState(reference.db),
    };
    const cleanCounts = reference.faults.mutatingCounts();
    const totalCalls = reference.faults.calls.length;
    expect(totalCalls).toBeGreaterThan(20);

    let crashes = 0;
    for (let index = 1; index <= totalCalls; index++) {
      for (const when of ['before', 'after'] as const) {
        const remotes = seedRemotes();
        const files = fileDb();
        cleanups.push(files.dispose);
        let db: Db = files.open();
        const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102', '103']);
        const runId = queue(db, planFor(db, groupId, { survivorId: '101' }));
        remotes.faults.calls.length = 0;
        const crashed = db;
        remotes.faults.atCall(index, when, 'crash', () => crashed.close());
        await expect(executor(db, remotes.crm, remotes.wp).run(runId)).rejects.toBeInstanceOf(SimulatedCrash);
        crashes++;
        remotes.faults.clear();
        // A new process: a new connection to the same database file and a new executor.
        db = files.open();
        const outcome = await executor(db, remotes.crm, remotes.wp).run(runId);
        expect(outcome.status, `crash at call ${index} ${when}`).toBe('completed');
        expect(remotes.crm.state(), `CRM after crash at ${index} ${when}`).toEqual(expected.crm);
        expect(remotes.wp.state(), `WP after crash at ${index} ${when}`).toEqual(expected.wp);
        expect(cacheState(db), `cache after crash at ${index} ${when}`).toEqual(expected.cache);
        const counts = remotes.faults.mutatingCounts();
        for (const [method, n] of Object.entries(cleanCounts)) {
          // A resync only refreshes AccessAlly from the CRM; it is the one call a crash right after it may repeat.
          const allowed =
            method === 'wp.resyncMember' && remotes.faults.calls[index - 1]?.method === 'resyncMember'
              ? n + 1
              : n;
          expect(counts[method] ?? 0, `${method} calls after crash at ${index} ${when}`).toBeLessThanOrEqual(
            allowed,
          );
          expect(
            counts[method] ?? 0,
            `${method} calls after crash at ${index} ${when}`,
          ).toBeGreaterThanOrEqual(n);
        }
        db.close();
      }
    }
    expect(crashes).toBe(totalCalls * 2);
  });
});
