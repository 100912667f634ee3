import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/store/database';
import { CacheReader } from '../../../app/merge/cache-reader';
import { buildReview } from '../../../app/merge/review';
import {
  accessSettingsSchema,
  survivorshipSettingsSchema,
  withCapacity,
  writeAccess,
} from '../../../app/merge/settings';
import { keapConnector } from '../../../app/connectors/keap/connector';
import { classifyTag, accessConflicts } from '../../../app/merge/tag-rules';
import { assertGuards, previewPlan, stepsFor } from '../../../app/merge/plan';
import { planFor, seedCache, seedRemotes } from '../../helpers/merge-world';

const access = accessSettingsSchema.parse({});
const keapSlots = keapConnector.capabilities.slots;
const survivorship = withCapacity(survivorshipSettingsSchema.parse({}), keapSlots);
const dbs: ReturnType<typeof openDatabase>[] = [];
afterEach(() => {
  while (dbs.length) dbs.pop()!.close();
});

async function group(ids = ['101', '102'], mutate?: (r: ReturnType<typeof seedRemotes>) => void) {
  const r = seedRemotes();
  mutate?.(r);
  const db = openDatabase(':memory:');
  dbs.push(db);
  const groupId = await seedCache(db, r.crm, r.wp, ids);
  const reader = new CacheReader(db);
  const g = reader.groupMembers(groupId);
  return { db, groupId, data: reader.load({ connectionId: g.connectionId, crmIds: g.crmIds, groupId }) };
}

describe('tag classification', () => {
  it('treats revoke/cancel tags as never granting access, and flags automation tags', () => {
    expect(classifyTag({ id: '1', name: 'Course A Access', category: null }, access)).toMatchObject({
      access: true,
      revoke: false,
    });
    expect(classifyTag({ id: '2', name: 'Course A – Cancelled', category: 'Access' }, access)).toMatchObject({
      access: false,
      revoke: true,
    });
    expect(classifyTag({ id: '3', name: 'Start onboarding', category: null }, access).automation).toBe(true);
    expect(classifyTag({ id: '4', name: 'Newsletter', category: 'Marketing' }, access)).toEqual({
      access: false,
      revoke: false,
      automation: false,
    });
  });
  it('reports access vs revoke only across records', () => {
    const classes = new Map([
      ['a', { access: true, revoke: false, automation: false }],
      ['r', { access: false, revoke: true, automation: false }],
    ]);
    expect(
      accessConflicts(
        new Map([
          ['1', ['a']],
          ['2', ['r']],
        ]),
        classes,
      ),
    ).toHaveLength(1);
    expect(
      accessConflicts(
        new Map([
          ['1', ['a', 'r']],
          ['2', []],
        ]),
        classes,
      ),
    ).toHaveLength(0);
  });
});

describe('review model', () => {
  it('puts the survivor first, unions multi-values, collapses identical rows and previews access', async () => {
    const { data } = await group();
    const review = buildReview(data, survivorship, access, { strategy: 'native', survivorId: '101' });
    expect(review.records.map((r) => r.contactId)).toEqual(['101', '102']);
    const given = review.rows.find((r) => r.kind === 'single' && r.field === 'givenName')!;
    expect(given.identical).toBe(true);
    const company = review.rows.find((r) => r.kind === 'single' && r.field === 'company');
    expect(company).toMatchObject({ choice: { contactId: '102', rule: 'only_value' } });
    const emails = review.rows.find((r) => r.kind === 'multi' && r.field === 'emails');
    expect(emails?.kind === 'multi' && emails.options.map((o) => o.key)).toEqual([
      'ann@example.com',
      'ann.lee@work.test',
    ]);
    expect(review.access.gained).toEqual(['VIP Member']);
    expect(review.access.lost).toEqual([]);
    expect(review.tags.map((g) => g.category)).toEqual(['Access', 'Marketing', 'Uncategorised']);
    expect(review.wordpress.keepWpId).toBe(7);
    expect(review.wordpress.users[0]!.outcome).toContain('relinked from 102 to 101');
  });

  it('warns about an access tag on one record and a cancel tag on the other, and about automations', async () => {
    const { db, data } = await group(['101', '102'], (r) => {
      r.crm.seedTag({ id: '20', name: 'Course A Cancelled', category: 'Access' });
      r.crm.seedTag({ id: '21', name: 'Start onboarding sequence', category: null });
      r.crm.contactTags.get('102')!.add('20').add('21');
    });
    writeAccess(db, {});
    const review = buildReview(data, survivorship, access, { strategy: 'native', survivorId: '101' });
    expect(review.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['access_conflict', 'automation']),
    );
  });
});

describe('plan and guards', () => {
  it('lists every change in step order, N-1 merges, and what cannot be undone', async () => {
    const { db, groupId } = await group(['101', '102', '103']);
    const plan = planFor(db, groupId, { survivorId: '101' });
    expect(plan.version).toBe(1);
    expect(plan.tagsToApply).toEqual(['11', '12']);
    expect(plan.patch).toMatchObject({ company: 'Lee Studio' });
    expect(
      stepsFor(plan)
        .filter((s) => s.name === 'crm_merged')
        .map((s) => s.target),
    ).toEqual(['102', '103']);
    const preview = previewPlan(plan);
    expect(preview.lines.map((l) => l.step)[0]).toBe('snapshotted');
    expect(preview.lines.filter((l) => l.step === 'crm_merged')).toHaveLength(2);
    expect(preview.irreversible.join(' ')).toContain(
      'The contact ids of Ann Lee-Smith (#102), A. Lee (#103) cannot come back',
    );
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('guards: access loss, consent conflict, two active subscriptions, two WP users with progress, too many values', async () => {
    const { db, groupId } = await group(['101', '102'], (r) => {
      r.crm.contacts.get('101')!.emails = [{ slot: 'EMAIL1', email: 'ann@example.com', optIn: false }];
      r.crm.seedSubscription({
        id: 's2',
        contactId: '101',
        title: 'Course A plan',
        status: 'Active',
        active: true,
      });
      r.wp.seedMember({
        wpId: 8,
        login: 'ann2',
        email: null,
        displayName: null,
        registeredAt: null,
        lastLoginAt: null,
        linkedContactId: '101',
        progress: { lessonsCompleted: 3 },
      });
    });
    const plan = planFor(db, groupId, {
      survivorId: '101',
      skipTagIds: ['12'],
      multi: { emails: ['ann@example.com', 'ann.lee@work.test'] },
    });
    const codes = plan.guards.map((g) => g.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'access_loss',
        'consent_conflict',
        'two_active_subscriptions',
        'two_wp_users_with_progress',
      ]),
    );
    // Opt-out wins on the merged address.
    expect(plan.patch.emails?.find((e) => e.email === 'ann@example.com')?.optIn).toBe(false);
    expect(() => assertGuards(plan, [])).toThrow(/confirmation/);
    expect(() =>
      assertGuards(plan, [
        'access_loss',
        'consent_conflict',
        'two_active_subscriptions',
        'two_wp_users_with_progress',
      ]),
    ).not.toThrow();
    const tooMany = planFor(db, groupId, { survivorId: '101' });
    expect(tooMany.guards.some((g) => g.code === 'too_many_values')).toBe(false);
  });

  it('blocks more values than the CRM holds (its connector says how many)', async () => {
    const { db, groupId } = await group(['101', '102', '103']);
    const twoEmails = { ...keapSlots, emails: ['EMAIL1', 'EMAIL2'] };
    const plan = planFor(
      db,
      groupId,
      {
        survivorId: '101',
        multi: { emails: ['ann@example.com', 'ann.lee@work.test', 'ann@old.test'] },
      },
      'native',
      twoEmails,
    );
    expect(plan.guards.find((g) => g.code === 'too_many_values')?.severity).toBe('block');
    expect(() => assertGuards(plan, ['access_loss'])).toThrow(/cannot run/);
  });
});
