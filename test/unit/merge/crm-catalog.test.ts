import { describe, expect, it } from 'vitest';
import { CATALOG_TTL_MS, CrmCatalog, MEMBERSHIPS_TTL_MS } from '../../../app/merge/crm-catalog';
import { readGroupMemberships } from '../../../app/merge/crm-extras';
import { FakeCrm } from '../../helpers/fake-crm';

function world() {
  const crm = new FakeCrm(undefined, { lists: true });
  crm.seedList({ id: 'l1', name: 'Newsletter' });
  crm.seedAutomation({ id: 'a1', name: 'Welcome series', active: true, sendsEmail: true });
  crm.seedCustomField({ id: 'f1', name: 'Favourite course' });
  let now = 1_000_000;
  let syncedAt: string | null = '2026-12-01T10:00:00.000Z';
  const catalog = () =>
    new CrmCatalog(
      crm,
      () => now,
      () => syncedAt,
    );
  return {
    crm,
    catalog,
    later: (ms: number) => (now += ms),
    synced: (at: string) => (syncedAt = at),
    reads: () =>
      crm.faults.count('listLists') +
      crm.faults.count('listAutomations') +
      crm.faults.count('listCustomFields'),
  };
}

describe('the account catalog', () => {
  it('reads the account lists, automations and custom fields once for a few minutes', async () => {
    const w = world();
    await w.catalog().lists();
    await w.catalog().automations();
    await w.catalog().customFields();
    expect(w.reads()).toBe(3);
    await w.catalog().lists();
    await w.catalog().customFields();
    expect(w.reads()).toBe(3);
    w.later(CATALOG_TTL_MS);
    await w.catalog().lists();
    expect(w.reads()).toBe(4);
  });

  it('reads again after a sync, and after forget (a merge)', async () => {
    const w = world();
    await w.catalog().lists();
    w.synced('2026-12-01T10:05:00.000Z');
    await w.catalog().lists();
    expect(w.reads()).toBe(2);
    w.catalog().forget();
    await w.catalog().lists();
    expect(w.reads()).toBe(3);
  });

  it("lends the review's reads of the records to a plan within the minute, not after", async () => {
    const w = world();
    for (const id of ['101', '102'])
      w.crm.seedContact({ id, givenName: 'Ann', emails: [], phones: [], addresses: [] });
    w.crm.seedMembership('101', 'l1', 'active');
    const review = (await readGroupMemberships(w.catalog(), ['101', '102']))!;
    w.catalog().rememberMemberships(review.records);
    expect(w.catalog().freshMemberships(['101', '102'])).toEqual(review.records);
    // A plan made from them reads neither the account nor the records again.
    const calls = w.crm.faults.calls.length;
    const plan = await readGroupMemberships(
      w.catalog(),
      ['101', '102'],
      undefined,
      w.catalog().freshMemberships(['101', '102']),
    );
    expect(plan).toEqual(review);
    expect(w.crm.faults.calls.length).toBe(calls);
    expect(w.catalog().freshMemberships(['101', '103'])).toBeNull();
    w.later(MEMBERSHIPS_TTL_MS);
    expect(w.catalog().freshMemberships(['101', '102'])).toBeNull();
  });
});
