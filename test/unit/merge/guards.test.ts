import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/store/database';
import { CacheReader } from '../../../app/merge/cache-reader';
import { buildReview } from '../../../app/merge/review';
import { accessSettingsSchema, survivorshipSettingsSchema, withCapacity } from '../../../app/merge/settings';
import { keapConnector } from '../../../app/connectors/keap/connector';
import { previewPlan, stepsFor } from '../../../app/merge/plan';
import { planFor, seedCache, seedRemotes } from '../../helpers/merge-world';

const access = accessSettingsSchema.parse({});
const survivorship = withCapacity(survivorshipSettingsSchema.parse({}), keapConnector.capabilities.slots);
const dbs: ReturnType<typeof openDatabase>[] = [];
afterEach(() => {
  while (dbs.length) dbs.pop()!.close();
});

async function group(mutate: (r: ReturnType<typeof seedRemotes>) => void, ids = ['101', '102']) {
  const r = seedRemotes();
  r.crm.seedTag({ id: '20', name: 'Course A Cancelled', category: 'Access' });
  mutate(r);
  const db = openDatabase(':memory:');
  dbs.push(db);
  const groupId = await seedCache(db, r.crm, r.wp, ids);
  const reader = new CacheReader(db);
  const g = reader.groupMembers(groupId);
  return { db, groupId, data: reader.load({ connectionId: g.connectionId, crmIds: g.crmIds, groupId }) };
}

describe('the access guard judges what the merge changes for each member', () => {
  it('reports a revoke tag already next to the access on the record the member stays linked to as information', async () => {
    const { db, groupId } = await group((r) => {
      // The member logs in with 101, which already carries the access and the cancellation; 102 only adds access.
      r.crm.contactTags.set('101', new Set(['10', '20', '13']));
      r.crm.contactTags.set('102', new Set(['10', '11']));
      r.wp.members.get(7)!.linkedContactId = '101';
    });
    const plan = planFor(db, groupId, { survivorId: '101' });
    expect(plan.guards.map((g) => g.code)).not.toContain('access_conflict');
    expect(plan.notices?.map((n) => n.code)).toContain('access_conflict');
    expect(plan.notices?.find((n) => n.code === 'access_conflict')?.message).toContain(
      `Ann Lee (#101)'s login annlee already carries "Course A Access" and "Course A Cancelled"`,
    );
    expect(previewPlan(plan).notices).toEqual(plan.notices);
  });

  it('refuses when a revoke tag from another record would land on a member who has access and no revoke tag', async () => {
    const { db, groupId, data } = await group((r) => {
      r.crm.contactTags.set('101', new Set(['20', '13']));
    });
    const plan = planFor(db, groupId, { survivorId: '101' });
    const guard = plan.guards.find((g) => g.code === 'access_conflict');
    expect(guard?.severity).toBe('confirm');
    expect(guard?.message).toBe(
      `Ann Lee-Smith (#102)'s login annlee has "VIP Member" and no revoke tag today; after the merge it also carries "Course A Cancelled" (from Ann Lee (#101)): check which one the site honours.`,
    );
    // The review says it in the same words.
    const review = buildReview(data, survivorship, access, { strategy: 'native', survivorId: '101' });
    expect(review.warnings.find((w) => w.code === 'access_conflict')?.message).toBe(guard?.message);
  });
});

describe('the consent guard judges each address before and after', () => {
  it('is information when the records opted in and out on different addresses', async () => {
    const { db, groupId } = await group((r) => {
      r.crm.contacts.get('101')!.emails = [{ slot: 'EMAIL1', email: 'ann@example.com', optIn: true }];
      r.crm.contacts.get('102')!.emails = [{ slot: 'EMAIL1', email: 'ann.lee@work.test', optIn: false }];
    });
    const plan = planFor(db, groupId, { survivorId: '101' });
    expect(plan.guards.map((g) => g.code)).not.toContain('consent_conflict');
    expect(plan.notices?.find((n) => n.code === 'consent_conflict')?.message).toContain(
      'on different addresses: each address keeps its own consent',
    );
    expect(plan.patch.emails?.find((e) => e.email === 'ann.lee@work.test')?.optIn).toBe(false);
  });

  it('asks when one address is opted in on one record and opted out on the other (the opt-out wins)', async () => {
    const { db, groupId } = await group((r) => {
      r.crm.contacts.get('101')!.emails = [{ slot: 'EMAIL1', email: 'ann@example.com', optIn: false }];
    });
    const plan = planFor(db, groupId, { survivorId: '101' });
    const guard = plan.guards.find((g) => g.code === 'consent_conflict');
    expect(guard).toMatchObject({ severity: 'confirm', short: 'opt-out on one record' });
    expect(guard?.message).toContain('opted in on Ann Lee-Smith (#102) but opted out on Ann Lee (#101)');
  });

  it('asks when an opt-out would disappear with the duplicate', async () => {
    const { db, groupId } = await group((r) => {
      r.crm.contacts.get('102')!.emails = [{ slot: 'EMAIL1', email: 'ann.lee@work.test', optIn: false }];
    });
    const plan = planFor(db, groupId, { survivorId: '101', multi: { emails: ['ann@example.com'] } });
    expect(plan.guards.find((g) => g.code === 'consent_conflict')?.short).toBe('an opt-out would be lost');
  });
});

describe('the billing guard', () => {
  it('is information when the only active subscriptions already sit on one record', async () => {
    const { db, groupId } = await group((r) => {
      r.crm.seedSubscription({
        id: 's2',
        contactId: '102',
        title: 'Course B',
        status: 'Active',
        active: true,
      });
    });
    const plan = planFor(db, groupId, { survivorId: '101' });
    expect(plan.guards.map((g) => g.code)).not.toContain('two_active_subscriptions');
    expect(plan.notices?.map((n) => n.code)).toContain('two_active_subscriptions');
  });
});

describe('a tag the reviewer drops', () => {
  it('is removed from the survivor after the CRM merge, as a listed step, and the access preview says so', async () => {
    const { db, groupId, data } = await group(() => undefined);
    const plan = planFor(db, groupId, { survivorId: '101', skipTagIds: ['12'] });
    expect(plan.tagsToRemove).toEqual(['12']);
    const names = stepsFor(plan).map((s) => s.name);
    expect(names.indexOf('tags_dropped')).toBe(names.lastIndexOf('crm_merged') + 1);
    expect(previewPlan(plan).lines.find((l) => l.step === 'tags_dropped')?.text).toContain(
      'Remove the unticked tag "VIP Member" from Ann Lee (#101)',
    );
    // No warning any more that the CRM brings the tags back anyway: it does, and the step takes them off.
    expect(plan.guards.map((g) => g.message).join(' ')).not.toMatch(/will still arrive/);
    expect(plan.guards.find((g) => g.code === 'access_loss')?.message).toContain('"VIP Member"');
    const review = buildReview(data, survivorship, access, {
      strategy: 'native',
      survivorId: '101',
      skipTagIds: ['12'],
    });
    expect(review.access.lost).toEqual(['VIP Member']);
    expect(review.access.lostNote).toContain('removed from the survivor after the CRM merge');
  });

  it('lists no removal step when nothing is dropped', async () => {
    const { db, groupId } = await group(() => undefined);
    const plan = planFor(db, groupId, { survivorId: '101' });
    expect(stepsFor(plan).map((s) => s.name)).not.toContain('tags_dropped');
  });
});
