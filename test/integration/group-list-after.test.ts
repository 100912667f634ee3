import { afterEach, describe, expect, it } from 'vitest';
import { listGroups, type GroupOrder } from '../../app/detect/group-reads';
import type { Db } from '../../app/store/database';
import { addKeapConnection, tempCore, tempKeapWorkspace } from '../helpers/workspace';

const ORDERS: readonly GroupOrder[] = ['score_desc', 'score_asc', 'size_desc', 'activity_desc'];

/**
 * Groups with repeated scores, sizes and activities (ties are where a keyset goes wrong) and some without an
 * activity (NULL sorts last in a descending order).
 */
function seedGroups(db: Db, count: number): void {
  const insert = db.prepare(
    `INSERT INTO dup_groups (id, connection_id, group_key, lane, score, reason, size, last_activity, status,
       created_at, updated_at)
     VALUES (?, 'k', ?, 'safe', ?, 'same email', ?, ?, ?, '2026-01-01', '2026-01-01')`,
  );
  for (let id = 1; id <= count; id++)
    insert.run(
      id,
      `g${id}`,
      [0.99, 0.95, 0.9, 0.95][id % 4],
      2 + (id % 3),
      id % 5 === 0 ? null : `2026-0${1 + (id % 3)}-01`,
      id % 7 === 0 ? 'dismissed' : 'open',
    );
}

describe('the duplicates queue after a given group', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  const ids = (db: Db, order: GroupOrder, after?: number) =>
    listGroups(db, { status: 'open' }, { order, limit: 500, offset: 0, after }).map((g) => g.id);

  it.each(ORDERS)('in the order %s, lists what follows a group, listed or not any more', (order) => {
    const ws = tempKeapWorkspace('md-after-', cleanups);
    seedGroups(ws.db, 60);
    const open = ids(ws.db, order);
    expect(open).toHaveLength(60 - 8);
    const rows = listGroups(ws.db, { status: 'open' }, { order, limit: 500, offset: 0 });
    expect([...rows].sort((a, b) => compare(order, a, b)).map((g) => g.id)).toEqual(open);
    for (const [at, id] of open.entries()) expect(ids(ws.db, order, id)).toEqual(open.slice(at + 1));
    // A group that left the open list (dismissed here, merged alike) is followed by the open ones its place
    // would be followed by in the same order.
    const all = listGroups(ws.db, { status: 'dismissed' }, { order, limit: 500, offset: 0 }).map((g) => g.id);
    expect(all).toHaveLength(8);
    const everyone = [...open, ...all].sort((a, b) => position(ws.db, order, a) - position(ws.db, order, b));
    for (const gone of all) {
      const rest = everyone.slice(everyone.indexOf(gone) + 1).filter((g) => open.includes(g));
      expect(ids(ws.db, order, gone)).toEqual(rest);
    }
  });

  it('lists nothing after a group that no longer exists, and pages past it', () => {
    const ws = tempKeapWorkspace('md-after-', cleanups);
    seedGroups(ws.db, 20);
    expect(ids(ws.db, 'score_desc', 999)).toEqual([]);
    const open = ids(ws.db, 'score_desc');
    const page = listGroups(
      ws.db,
      { status: 'open' },
      { order: 'score_desc', limit: 2, offset: 1, after: open[3] },
    );
    expect(page.map((g) => g.id)).toEqual(open.slice(5, 7));
  });

  it('is what `groups/list` answers with `after`, which it validates', async () => {
    const core = tempCore();
    cleanups.push(() => core.dispose());
    addKeapConnection(core.context.workspace.db);
    seedGroups(core.context.workspace.db, 30);
    const first = await core.call('groups/list', { sort: 'size_desc', limit: 4 });
    const next = await core.call('groups/list', { sort: 'size_desc', limit: 3, after: first.items[0]!.id });
    expect(next.items.map((g) => g.id)).toEqual(first.items.slice(1).map((g) => g.id));
    // The lane counts and the total stay those of the whole filter.
    expect({ total: next.total, lanes: next.lanes }).toEqual({ total: first.total, lanes: first.lanes });
    await expect(core.call('groups/list', { after: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(core.call('groups/list', { after: 'g1' as unknown as number })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

/** Where a group of any status stands in an order: its rank among all groups sorted that way. */
function position(db: Db, order: GroupOrder, id: number): number {
  const sorted = (['open', 'dismissed'] as const)
    .flatMap((status) => listGroups(db, { status }, { order, limit: 500, offset: 0 }))
    .sort((a, b) => compare(order, a, b));
  return sorted.findIndex((g) => g.id === id);
}

type Row = { id: number; score: number; size: number; last_activity: string | null };

/** The queue's orders written out in JavaScript, to check the SQL's keyset against. */
function compare(order: GroupOrder, a: Row, b: Row): number {
  const byScore = order === 'score_asc' ? a.score - b.score : b.score - a.score;
  if (order === 'score_desc' || order === 'score_asc') return byScore || a.id - b.id;
  if (order === 'size_desc') return b.size - a.size || b.score - a.score || a.id - b.id;
  if (a.last_activity !== b.last_activity) {
    if (a.last_activity === null) return 1;
    if (b.last_activity === null) return -1;
    return a.last_activity < b.last_activity ? 1 : -1;
  }
  return a.id - b.id;
}
