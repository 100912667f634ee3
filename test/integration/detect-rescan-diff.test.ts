import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../app/workspace/workspace';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { fullScan } from '../../app/detect/scan';
import { defaultDetectSettings } from '../../app/detect/settings';
import type { CrmContact } from '../../app/ports/crm';
import { tempKeapWorkspace } from '../helpers/workspace';
import { gateLanes, type GateProfiles } from '../../app/detect/batch-gate';
import { keapConnector } from '../../app/connectors/keap/connector';
import { writeSurvivorship } from '../../app/merge/settings';

const contact = (
  id: string,
  given: string,
  family: string,
  email: string,
  updatedAt: string,
): CrmContact => ({
  id,
  givenName: given,
  familyName: family,
  emails: [{ slot: 'EMAIL1', email }],
  phones: [],
  addresses: [],
  tagIds: [],
  updatedAt,
  raw: { id },
});

interface GroupState {
  id: number;
  crm_ids: string;
  updated_at: string;
  lane: string;
}

describe('a full re-scan writes only what changed', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  function workspace(): Workspace {
    const ws = tempKeapWorkspace('md-diff-', cleanups);
    const people: CrmContact[] = [];
    for (let i = 0; i < 30; i++) {
      const at = '2026-01-01T00:00:00.000Z';
      people.push(contact(`${1000 + i}`, `Given${i}`, `Family${i}`, `person${i}@example.com`, at));
      people.push(contact(`${2000 + i}`, `Given${i}`, `Family${i}`, `person${i}@example.com`, at));
    }
    new ContactsRepo(ws.db, 'k').saveContacts(people, '2026-01-01T00:00:00.000Z');
    return ws;
  }

  const scan = (ws: Workspace, now: string) =>
    fullScan(ws.db, { settings: defaultDetectSettings(), now: () => now, crmKinds: ['keap'] });
  const groups = (ws: Workspace) =>
    ws.db
      .prepare(`SELECT id, crm_ids, updated_at, lane FROM dup_groups WHERE status = 'open' ORDER BY id`)
      .all() as GroupState[];
  const pairs = (ws: Workspace) =>
    ws.db.prepare('SELECT a_pk, b_pk, score, contributions FROM candidate_pairs ORDER BY a_pk, b_pk').all();
  const terms = (ws: Workspace) =>
    ws.db.prepare('SELECT field, value, count FROM match_term_freq ORDER BY field, value').all();

  it('leaves groups, pairs and term counts as they are when nothing changed, gate outcomes included', () => {
    const ws = workspace();
    scan(ws, '2026-01-02T00:00:00.000Z');
    const before = groups(ws);
    expect(before).toHaveLength(30);
    // The safe-lane gate moved one group out of `safe`, keeping detection's lane beside its own.
    const moved = before[0]!;
    ws.db
      .prepare(
        `UPDATE dup_groups SET lane = 'needs_choice', reason = 'held',
           evidence = json_set(evidence, '$.gate', json(?)) WHERE id = ?`,
      )
      .run(
        JSON.stringify({
          lane: moved.lane,
          reason: ws.db.prepare('SELECT reason FROM dup_groups WHERE id = ?').pluck().get(moved.id),
        }),
        moved.id,
      );
    const pairsBefore = pairs(ws);
    const termsBefore = terms(ws);
    const summary = scan(ws, '2026-01-03T00:00:00.000Z');
    expect(summary.groups).toBe(30);
    const after = groups(ws);
    expect(after.map((g) => [g.id, g.crm_ids, g.updated_at])).toEqual(
      before.map((g) => [g.id, g.crm_ids, g.updated_at]),
    );
    expect(after[0]!.lane).toBe('needs_choice');
    expect(pairs(ws)).toEqual(pairsBefore);
    expect(terms(ws)).toEqual(termsBefore);
  });

  it('updates a changed group in place, drops a dissolved one and adds a new one', () => {
    const ws = workspace();
    scan(ws, '2026-01-02T00:00:00.000Z');
    const before = new Map(groups(ws).map((g) => [g.crm_ids, g]));
    const repo = new ContactsRepo(ws.db, 'k');
    const later = '2026-01-05T00:00:00.000Z';
    repo.saveContacts(
      [
        // Same two people, one record edited: the group keeps its id, with a new activity date.
        contact('2001', 'Given1', 'Family1', 'person1@example.com', later),
        // No longer alike: the group of 1002 and 2002 dissolves.
        contact('2002', 'Zed', 'Other', 'zed@elsewhere.org', later),
        // A new look-alike of 1003 joins nothing old: a group of three replaces the pair.
        contact('3003', 'Given3', 'Family3', 'person3@example.com', later),
      ],
      later,
    );
    scan(ws, '2026-01-06T00:00:00.000Z');
    const after = new Map(groups(ws).map((g) => [g.crm_ids, g]));
    const edited = JSON.stringify(['1001', '2001']);
    expect(after.get(edited)!.id).toBe(before.get(edited)!.id);
    expect(after.get(edited)!.updated_at).toBe('2026-01-06T00:00:00.000Z');
    expect(after.has(JSON.stringify(['1002', '2002']))).toBe(false);
    const three = after.get(JSON.stringify(['1003', '2003', '3003']));
    expect(three?.id).toBe(before.get(JSON.stringify(['1003', '2003']))!.id);
    const untouched = JSON.stringify(['1010', '2010']);
    expect(after.get(untouched)).toEqual(before.get(untouched));
    expect(after.size).toBe(29);
    const orphans = ws.db
      .prepare(
        `SELECT count(*) FROM dup_group_members m LEFT JOIN dup_groups g ON g.id = m.group_id WHERE g.id IS NULL`,
      )
      .pluck()
      .get();
    expect(orphans).toBe(0);
    const members = ws.db
      .prepare('SELECT crm_id FROM dup_group_members WHERE group_id = ? ORDER BY crm_id')
      .pluck()
      .all(three!.id);
    expect(members).toEqual(['1003', '2003', '3003']);
  });

  it('judges again at the safe-lane gate only groups a re-scan changed, and all of them under other settings', () => {
    const ws = workspace();
    const profiles: GateProfiles = {
      k: { strategy: 'native', slots: keapConnector.capabilities.slots },
    };
    scan(ws, '2026-01-02T00:00:00.000Z');
    expect(gateLanes(ws.db, profiles, { changedOnly: true }).checked).toBe(30);
    scan(ws, '2026-01-03T00:00:00.000Z');
    expect(gateLanes(ws.db, profiles, { changedOnly: true }).checked).toBe(0);
    const later = '2026-01-05T00:00:00.000Z';
    new ContactsRepo(ws.db, 'k').saveContacts(
      [contact('2001', 'Given1', 'Family1', 'person1@example.com', later)],
      later,
    );
    scan(ws, '2026-01-06T00:00:00.000Z');
    expect(gateLanes(ws.db, profiles, { changedOnly: true }).checked).toBe(1);
    writeSurvivorship(ws.db, { survivor: 'oldest' });
    expect(gateLanes(ws.db, profiles, { changedOnly: true }).checked).toBe(30);
  });
});
