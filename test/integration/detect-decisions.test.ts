import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKeapConnection, tempCore } from '../helpers/workspace';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { startScan } from '../../app/detect/service';
import type { CrmContact } from '../../app/ports/crm';

type TestCore = ReturnType<typeof tempCore>;

const contact = (id: string, given: string, family: string, email: string, extra: Partial<CrmContact> = {}) =>
  ({
    id,
    givenName: given,
    familyName: family,
    emails: [{ slot: 'EMAIL1', email }],
    phones: [],
    addresses: [],
    tagIds: [],
    updatedAt: '2026-01-01T00:00:00.000Z',
    raw: { id },
    ...extra,
  }) satisfies CrmContact;

/** Three records of Ann (one email, one phone) and two of Grace; Alan is alone. */
const seed = (): CrmContact[] => [
  contact('101', 'Ann', 'Lee', 'ann@example.com', { phones: [{ slot: 'PHONE1', number: '415-555-0101' }] }),
  contact('102', 'Ann', 'Lee', 'ann@example.com', { phones: [{ slot: 'PHONE1', number: '(415) 555 0101' }] }),
  contact('103', 'Ann', 'Lee', 'ann@example.com', { phones: [{ slot: 'PHONE1', number: '4155550101' }] }),
  contact('201', 'Grace', 'Hopper', 'grace@example.org'),
  contact('202', 'Grace', 'Hopper', 'grace@example.org'),
  contact('301', 'Alan', 'Kay', 'alan@example.org'),
];

describe('decisions and group ids across re-syncs and re-scans', () => {
  let core: TestCore;
  let repo: ContactsRepo;
  let clock = Date.parse('2026-02-01T00:00:00.000Z');
  const scan = (mode: 'full' | 'incremental') => startScan(core.context, mode).finished;
  /** A sync that saw one contact change (a new company): its `updated_at` moves on. */
  const touch = (id: string) => {
    clock += 60_000;
    const c = seed().find((x) => x.id === id)!;
    repo.saveContacts(
      [{ ...c, company: `Co ${clock}`, updatedAt: new Date(clock).toISOString() }],
      new Date(clock).toISOString(),
    );
  };
  const groupOf = async (crmId: string) => {
    const list = await core.call('groups/list', { limit: 100 });
    const found = [];
    for (const g of list.items) {
      const detail = await core.call('groups/get', { id: g.id });
      if (detail.members.some((m) => m.crmId === crmId)) found.push(detail);
    }
    return found;
  };

  beforeEach(async () => {
    core = tempCore();
    addKeapConnection(core.context.workspace.db);
    repo = new ContactsRepo(core.context.workspace.db, 'k');
    repo.saveContacts(seed(), '2026-01-01T00:00:00.000Z');
    await scan('full');
  });
  afterEach(() => core.dispose());

  it('keeps a record taken out through the review screen out after a change, a re-sync and incremental and full re-scans', async () => {
    const [ann] = await groupOf('101');
    expect(ann!.members.map((m) => m.crmId).sort()).toEqual(['101', '102', '103']);
    const r = await core.call('groups/remove-member', { id: ann!.id, crmId: '103' });
    expect(r).toMatchObject({ groupId: ann!.id, remaining: 2, status: 'open' });

    touch('102');
    await scan('incremental');
    expect((await groupOf('103')).map((g) => g.members.map((m) => m.crmId).sort())).toEqual([]);
    touch('103');
    await scan('incremental');
    expect(await groupOf('103')).toEqual([]);
    // A full re-sync rewrites every row of the cache; the decision is held by CRM id.
    repo.saveContacts(seed(), new Date((clock += 60_000)).toISOString());
    await scan('full');
    expect(await groupOf('103')).toEqual([]);
    const [kept] = await groupOf('101');
    expect(kept!.members.map((m) => m.crmId).sort()).toEqual(['101', '102']);
    expect(kept!.id).toBe(ann!.id);
  });

  it('leaves a pair dismissed through the review screen out of the settings preview and every re-scan', async () => {
    const before = await core.call('detect/preview', {});
    const [grace] = await groupOf('201');
    await core.call('groups/dismiss', { id: grace!.id });
    const after = await core.call('detect/preview', {});
    expect(after.groups).toBe(before.groups - 1);
    touch('202');
    await scan('incremental');
    expect(await groupOf('201')).toEqual([]);
    await scan('full');
    expect(await groupOf('201')).toEqual([]);
    expect((await core.call('detect/preview', {})).groups).toBe(before.groups - 1);
    // Both screens read one list of decisions, and undo brings the pair back under its old id.
    const decisions = await core.call('detect/decisions/list', {});
    const d = decisions.items.find((x) => x.crmIds.includes('201'))!;
    expect(d.separated).toBeNull();
    await core.call('detect/decisions/undo', { id: d.id });
    const [back] = await groupOf('201');
    expect(back!.members.map((m) => m.crmId).sort()).toEqual(['201', '202']);
    expect(back!.id).toBe(grace!.id);
  });

  it('gives a group the same id across full and incremental re-scans while its members stay together', async () => {
    const [ann] = await groupOf('101');
    const [grace] = await groupOf('201');
    await scan('full');
    expect((await groupOf('101'))[0]!.id).toBe(ann!.id);
    expect((await groupOf('201'))[0]!.id).toBe(grace!.id);
    touch('101');
    touch('202');
    await scan('incremental');
    expect((await groupOf('101'))[0]!.id).toBe(ann!.id);
    expect((await groupOf('201'))[0]!.id).toBe(grace!.id);
    // A newcomer joins Ann's group: the group keeps its id; a new pair gets an id never used before.
    clock += 60_000;
    repo.saveContacts(
      [
        contact('104', 'Ann', 'Lee', 'ann@example.com', { updatedAt: new Date(clock).toISOString() }),
        contact('302', 'Alan', 'Kay', 'alan@example.org', { updatedAt: new Date(clock).toISOString() }),
      ],
      new Date(clock).toISOString(),
    );
    await scan('incremental');
    const [grown] = await groupOf('104');
    expect(grown!.id).toBe(ann!.id);
    expect(grown!.members).toHaveLength(4);
    const [alan] = await groupOf('301');
    expect([ann!.id, grace!.id]).not.toContain(alan!.id);
    await scan('full');
    expect((await groupOf('301'))[0]!.id).toBe(alan!.id);
  });

  it('answers NOT_FOUND, saying the group is gone, for a group id that no longer exists', async () => {
    const [grace] = await groupOf('201');
    await core.call('groups/dismiss', { id: grace!.id });
    await scan('full');
    const missing = 999_999;
    for (const [method, input] of [
      ['groups/get', { id: missing }],
      ['merge/review', { groupId: missing }],
      ['merge/plan', { groupId: missing, choices: {} }],
    ] as const) {
      const res = await core.invoke(method, input);
      expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(res)).toContain(`group ${missing} no longer exists`);
    }
  });
});
