import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKeapConnection, tempCore } from '../helpers/workspace';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { startScan } from '../../app/detect/service';
import { BLOCKING_VERSION } from '../../app/detect/blocking';
import type { CrmContact } from '../../app/ports/crm';

type TestCore = ReturnType<typeof tempCore>;

const contact = (
  id: string,
  given: string,
  family: string,
  email: string,
  extra: Partial<CrmContact> = {},
): CrmContact => ({
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
});

const seed = (): CrmContact[] => [
  contact('101', 'William', 'Turner', 'wturner@example.com', {
    phones: [{ slot: 'PHONE1', number: '415-555-0101' }],
    tagIds: ['t1'],
  }),
  contact('102', 'Bill', 'Turner', 'wturner@example.com', {
    phones: [{ slot: 'PHONE1', number: '(415) 555 0101' }],
  }),
  contact('201', 'Grace', 'Hopper', 'grace.hopper@gmail.com'),
  contact('202', 'Grace', 'Hopper', 'gracehopper@gmail.com'),
  contact('301', 'Alan', 'Kay', 'alan@example.org'),
];

async function scan(core: TestCore, mode: 'full' | 'incremental' = 'full') {
  return startScan(core.context, mode).finished;
}

describe('detection over the workspace cache', () => {
  let core: TestCore;
  let repo: ContactsRepo;
  beforeEach(() => {
    core = tempCore();
    addKeapConnection(core.context.workspace.db);
    repo = new ContactsRepo(core.context.workspace.db, 'k');
    repo.saveTags([{ id: 't1', name: 'Course A' }]);
    repo.saveContacts(seed(), '2026-01-01T00:00:00.000Z');
  });
  afterEach(() => core.dispose());

  it('scans, lists groups with reasons, filters, and shows per-field evidence', async () => {
    const events: string[] = [];
    core.events.subscribe((e) => events.push(e.name));
    const summary = await scan(core);
    expect(summary.groups).toBe(2);
    expect(events).toContain('detect/finished');
    const list = await core.call('groups/list', {});
    expect(list.total).toBe(2);
    const turner = list.items.find((g) => g.names.includes('Turner'))!;
    expect(turner.reason).toContain('nickname Bill/William');
    expect((await core.call('groups/list', { search: 'hopper' })).items).toHaveLength(1);
    expect((await core.call('groups/list', { tag: 'Course A' })).items.map((g) => g.id)).toEqual([turner.id]);
    const detail = await core.call('groups/get', { id: turner.id });
    expect(detail.members.map((m) => m.crmId).sort()).toEqual(['101', '102']);
    expect(detail.pairs[0]!.contributions.find((c) => c.field === 'given')).toMatchObject({
      level: 'nickname',
    });
    expect(detail.pairs[0]!.contributions.find((c) => c.field === 'email')!.weight).toBeGreaterThan(0);
  });

  it('remembers "not a duplicate" across re-scans and re-syncs, and can undo it', async () => {
    await scan(core);
    const list = await core.call('groups/list', {});
    const hopper = list.items.find((g) => g.names.includes('Hopper'))!;
    const { decisionId } = await core.call('groups/dismiss', { id: hopper.id });
    expect((await core.call('groups/list', {})).total).toBe(1);

    await scan(core, 'full');
    expect((await core.call('groups/list', {})).items.some((g) => g.names.includes('Hopper'))).toBe(false);

    // A re-sync hands the same CRM records back with newer timestamps; the decision still holds.
    repo.saveContacts(
      seed().map((c) => ({ ...c, updatedAt: '2026-03-01T00:00:00.000Z' })),
      '2026-03-01T00:00:00.000Z',
    );
    const inc = await scan(core, 'incremental');
    expect(inc.mode).toBe('incremental');
    expect(inc.changed).toBe(5);
    expect((await core.call('groups/list', {})).items.some((g) => g.names.includes('Hopper'))).toBe(false);

    const decisions = await core.call('detect/decisions/list', {});
    expect(decisions.items.map((d) => d.id)).toEqual([decisionId]);
    expect(decisions.items[0]!.crmIds).toEqual(['201', '202']);

    await core.call('detect/decisions/undo', { id: decisionId });
    expect((await core.call('detect/decisions/list', {})).items).toHaveLength(0);
    expect((await core.call('groups/list', {})).items.some((g) => g.names.includes('Hopper'))).toBe(true);
  });

  it('re-scores only changed contacts after a sync and finds a new duplicate', async () => {
    await scan(core);
    repo.saveContacts(
      [contact('302', 'Alan', 'Kay', 'alan@example.org', { updatedAt: '2026-02-01T00:00:00.000Z' })],
      '2026-02-01T00:00:00.000Z',
    );
    const inc = await scan(core, 'incremental');
    expect(inc.changed).toBe(1);
    const list = await core.call('groups/list', { search: 'alan' });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.size).toBe(2);
  });

  it('scans in full when the stored keys were written under other blocking rules', async () => {
    await scan(core);
    // A scan made before the rules changed (or before their version was recorded) left keys that a re-scan's
    // lookups would no longer meet.
    core.context.workspace.db
      .prepare(`UPDATE detect_runs SET stats = json_set(stats, '$.blocking', ?)`)
      .run(BLOCKING_VERSION - 1);
    repo.saveContacts(
      [contact('302', 'Alan', 'Kay', 'alan@example.org', { updatedAt: '2026-02-01T00:00:00.000Z' })],
      '2026-02-01T00:00:00.000Z',
    );
    const rescan = await scan(core, 'incremental');
    expect(rescan.mode).toBe('full');
    expect((await core.call('groups/list', { search: 'alan' })).items[0]!.size).toBe(2);
    repo.saveContacts(
      [contact('303', 'Alan', 'Kay', 'alan@example.org', { updatedAt: '2026-03-01T00:00:00.000Z' })],
      '2026-03-01T00:00:00.000Z',
    );
    expect((await scan(core, 'incremental')).mode).toBe('incremental');
  });

  it('takes one record out of a group and keeps the rest', async () => {
    repo.saveContacts([contact('103', 'Will', 'Turner', 'wturner@example.com')], '2026-01-01T00:00:00.000Z');
    await scan(core);
    const turner = (await core.call('groups/list', { search: 'turner' })).items[0]!;
    expect(turner.size).toBe(3);
    await core.call('groups/remove-member', { id: turner.id, crmId: '103' });
    const after = (await core.call('groups/list', { search: 'turner' })).items;
    expect(after).toHaveLength(1);
    expect(after[0]!.size).toBe(2);
    await scan(core, 'full');
    expect((await core.call('groups/list', { search: 'turner' })).items[0]!.size).toBe(2);
  });

  it('stores settings and previews lanes without re-scanning', async () => {
    await scan(core);
    const saved = await core.call('detect/settings/set', { threshold: 0.95, fieldWeights: { email: 0.5 } });
    expect(saved).toMatchObject({
      threshold: 0.95,
      reviewThreshold: 0.2,
      fieldWeights: { email: 0.5, given: 1 },
    });
    const preview = await core.call('detect/preview', { reviewThreshold: 0.999, fieldWeights: { email: 0 } });
    expect(preview.groups).toBeLessThanOrEqual(2);
    const same = await core.call('detect/preview', {});
    expect(same.groups).toBe(2);
  });

  it('analyses a CSV export and returns downloadable pairs and clusters', async () => {
    const csv = (text: string) => core.uploads.put('export.csv', Buffer.from(text)).upload;
    const out = await core.call('detect/csv/analyse', {
      upload: csv(
        'Contact ID,First Name,Last Name,Email\n1,Ann,Lee,ann@x.org\n2,Anne,Lee,ANN@x.org\n3,Tom,Hardy,t@y.org\n',
      ),
    });
    expect(out.records).toBe(3);
    expect(out.recognised).toMatchObject({ id: ['Contact ID'], email: ['Email'] });
    expect(out.pairsCsv.split('\n')[0]).toBe('id_a,id_b,score,lane');
    expect(out.preview[0]).toMatchObject({ idA: '1', idB: '2' });
    await expect(core.call('detect/csv/analyse', { upload: csv('id,email\n1,"oops\n') })).rejects.toThrow(
      /line 2/,
    );
  });
});
