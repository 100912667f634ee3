import type { Db } from '../store/database';
import type { Lane } from './types';

/**
 * The review queue's reads of detection output: the group list with its filters and lane counts, one group, its
 * members and the scored pairs among them. The scan and the decision store write these tables; this module only
 * reads them.
 */
export type GroupStatus = 'open' | 'merged' | 'dismissed' | 'stale';

export interface GroupRow {
  readonly id: number;
  readonly connection_id: string;
  readonly lane: Lane;
  readonly score: number;
  readonly reason: string;
  readonly size: number;
  readonly status: GroupStatus;
  readonly last_activity: string | null;
  /** The first three members' names, comma separated. */
  readonly names: string | null;
  readonly crm_ids: string;
}

export interface GroupFilter {
  readonly status: GroupStatus;
  readonly minScore?: number | undefined;
  readonly maxScore?: number | undefined;
  readonly search?: string | undefined;
  readonly tag?: string | undefined;
}

export type GroupOrder = 'score_desc' | 'score_asc' | 'size_desc' | 'activity_desc';

export interface PairRow {
  readonly a_pk: number;
  readonly b_pk: number;
  readonly score: number;
  readonly weight: number;
  readonly flags: number;
  readonly rule: string;
  readonly contributions: string;
}

const NAMES_SQL = `(SELECT group_concat(name, ', ') FROM (SELECT trim(coalesce(c.given_name, '') || ' ' ||
  coalesce(c.family_name, '')) AS name FROM dup_group_members m JOIN contacts c ON c.pk = m.contact_pk
  WHERE m.group_id = g.id ORDER BY c.pk LIMIT 3)) AS names`;

const ORDER_SQL: Record<GroupOrder, string> = {
  score_desc: 'g.score DESC, g.id',
  score_asc: 'g.score ASC, g.id',
  size_desc: 'g.size DESC, g.score DESC, g.id',
  activity_desc: 'g.last_activity DESC, g.id',
};

/**
 * The groups after group `a` in each order (a keyset: the next page does not shift when groups before it are merged
 * or dismissed meanwhile). A NULL last activity sorts last, as `DESC` puts it.
 */
const AFTER_SQL: Record<GroupOrder, string> = {
  score_desc: '(g.score < a.score OR (g.score = a.score AND g.id > a.id))',
  score_asc: '(g.score > a.score OR (g.score = a.score AND g.id > a.id))',
  size_desc: `(g.size < a.size OR (g.size = a.size AND
    (g.score < a.score OR (g.score = a.score AND g.id > a.id))))`,
  activity_desc: `(CASE WHEN a.last_activity IS NULL THEN g.last_activity IS NULL AND g.id > a.id
    ELSE g.last_activity IS NULL OR g.last_activity < a.last_activity
      OR (g.last_activity = a.last_activity AND g.id > a.id) END)`,
};

function whereOf(filter: GroupFilter): { where: string[]; params: unknown[] } {
  const where: string[] = ['g.status = ?'];
  const params: unknown[] = [filter.status];
  if (filter.minScore !== undefined) {
    where.push('g.score >= ?');
    params.push(filter.minScore);
  }
  if (filter.maxScore !== undefined) {
    where.push('g.score <= ?');
    params.push(filter.maxScore);
  }
  const search = filter.search?.trim();
  if (search) {
    const text = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // A query made of phone characters matches a member's number in any format, by its digits (E.164).
    const digits = /^[\d\s()+.-]+$/.test(search) ? search.replace(/\D+/g, '') : '';
    if (digits.length >= 7) {
      where.push(`(g.search_text LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM dup_group_members m
        JOIN contact_phones p ON p.contact_pk = m.contact_pk
        WHERE m.group_id = g.id AND replace(p.e164, '+', '') LIKE ?))`);
      params.push(text, `%${digits}%`);
    } else {
      where.push(`g.search_text LIKE ? ESCAPE '\\'`);
      params.push(text);
    }
  }
  const tag = filter.tag?.trim();
  if (tag) {
    where.push(`EXISTS (SELECT 1 FROM dup_group_members m JOIN contact_tags ct ON ct.contact_pk = m.contact_pk
      JOIN tags t ON t.pk = ct.tag_pk WHERE m.group_id = g.id AND t.name = ? COLLATE NOCASE)`);
    params.push(tag);
  }
  return { where, params };
}

/** How many groups match the filter in each lane (the lane tabs' counts). */
export function groupLaneCounts(db: Db, filter: GroupFilter): Record<Lane, number> {
  const { where, params } = whereOf(filter);
  const lanes: Record<Lane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  const rows = db
    .prepare(`SELECT g.lane, count(*) AS n FROM dup_groups g WHERE ${where.join(' AND ')} GROUP BY g.lane`)
    .all(...params) as { lane: Lane; n: number }[];
  for (const row of rows) lanes[row.lane] = row.n;
  return lanes;
}

/** One page of the groups matching the filter (and the lane, when given). */
export function listGroups(
  db: Db,
  filter: GroupFilter,
  page: {
    readonly lane?: Lane | undefined;
    readonly order: GroupOrder;
    readonly limit: number;
    readonly offset: number;
    /** Only the groups after this one in the order (it may have left the list: merged, dismissed). */
    readonly after?: number | undefined;
  },
): GroupRow[] {
  const { where, params } = whereOf(filter);
  if (page.lane) {
    where.push('g.lane = ?');
    params.push(page.lane);
  }
  let from = 'dup_groups g';
  const fromParams: unknown[] = [];
  if (page.after !== undefined) {
    // One row or none (a group the last scan replaced): then nothing comes after it.
    from += ', (SELECT id, score, size, last_activity FROM dup_groups WHERE id = ?) a';
    fromParams.push(page.after);
    where.push(AFTER_SQL[page.order]);
  }
  return db
    .prepare(
      `SELECT g.id, g.connection_id, g.lane, g.score, g.reason, g.size, g.status, g.last_activity, g.crm_ids,
        ${NAMES_SQL} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${ORDER_SQL[page.order]}
        LIMIT ? OFFSET ?`,
    )
    .all(...fromParams, ...params, page.limit, page.offset) as GroupRow[];
}

export function findGroup(db: Db, id: number): GroupRow | null {
  return (
    (db
      .prepare(
        `SELECT g.id, g.connection_id, g.lane, g.score, g.reason, g.size, g.status, g.last_activity, g.crm_ids,
          ${NAMES_SQL} FROM dup_groups g WHERE g.id = ?`,
      )
      .get(id) as GroupRow | undefined) ?? null
  );
}

export function countOpenGroups(db: Db): number {
  return (db.prepare(`SELECT count(*) FROM dup_groups WHERE status = 'open'`).pluck().get() as number) ?? 0;
}

export function groupMemberPks(db: Db, groupId: number): number[] {
  return db
    .prepare('SELECT contact_pk FROM dup_group_members WHERE group_id = ? ORDER BY contact_pk')
    .pluck()
    .all(groupId) as number[];
}

/** The scored pairs among these contacts, best first. */
export function pairsAmong(db: Db, pks: readonly number[]): PairRow[] {
  if (pks.length === 0) return [];
  const inList = `(${pks.map(() => '?').join(',')})`;
  return db
    .prepare(
      `SELECT a_pk, b_pk, score, weight, flags, rule, contributions FROM candidate_pairs
       WHERE a_pk IN ${inList} AND b_pk IN ${inList} ORDER BY score DESC`,
    )
    .all(...pks, ...pks) as PairRow[];
}

/** A group's owner connection and status, without its members' names. */
export function groupState(
  db: Db,
  id: number,
): {
  readonly id: number;
  readonly connection_id: string;
  readonly status: GroupStatus;
  readonly size: number;
} | null {
  return (
    (db.prepare('SELECT id, connection_id, status, size FROM dup_groups WHERE id = ?').get(id) as
      { id: number; connection_id: string; status: GroupStatus; size: number } | undefined) ?? null
  );
}

/** A group's members as the cache keys them and as the CRM names them, in key order. */
export function groupMemberRefs(db: Db, groupId: number): { pk: number; crmId: string }[] {
  return db
    .prepare(
      'SELECT contact_pk AS pk, crm_id AS crmId FROM dup_group_members WHERE group_id = ? ORDER BY contact_pk',
    )
    .all(groupId) as { pk: number; crmId: string }[];
}

/** What a merge needs of a group besides its members: its owner, key, lane and status. */
export function groupHeader(
  db: Db,
  id: number,
): {
  readonly id: number;
  readonly connection_id: string;
  readonly group_key: string;
  readonly lane: string;
  readonly status: string;
} | null {
  return (
    (db.prepare('SELECT id, connection_id, group_key, lane, status FROM dup_groups WHERE id = ?').get(id) as
      { id: number; connection_id: string; group_key: string; lane: string; status: string } | undefined) ??
    null
  );
}

/** A group's members by CRM id, in cache key order. */
export function groupMemberCrmIds(db: Db, groupId: number): string[] {
  return db
    .prepare(
      'SELECT c.crm_id FROM dup_group_members m JOIN contacts c ON c.pk = m.contact_pk WHERE m.group_id = ? ORDER BY c.pk',
    )
    .pluck()
    .all(groupId) as string[];
}
