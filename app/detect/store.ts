import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../store/database';
import { connectionIdsOfKinds } from '../store/connections-repo';
import { connectionIdsWithContacts } from '../store/contacts-reads';
import { readSetting, writeSetting } from '../store/settings';
import type { Lane } from './types';
import { bulkInsert } from '../store/bulk-insert';
import { FIELDS } from './compare';
import type { ScoredPair } from './engine';
import type { GroupMember } from './record-reads';

/**
 * The connections a scan covers, oldest first: those of the given CRM kinds (the core's connectors say which kinds
 * are CRMs), or, when the caller names none, every connection holding cached contacts (only CRM contacts are).
 */
export function connectionIds(db: Db, crmKinds?: readonly string[]): string[] {
  return crmKinds ? connectionIdsOfKinds(db, crmKinds) : connectionIdsWithContacts(db);
}

/** Pairs ruled out by a person, as "crmA\0crmB" keys (sorted ids). */
export function loadExclusions(db: Db, connectionId: string): Set<string> {
  const out = new Set<string>();
  const rows = db
    .prepare(
      `SELECT crm_ids, payload FROM decisions WHERE connection_id = ? AND kind = 'not_duplicate' AND undone_at IS NULL`,
    )
    .all(connectionId) as { crm_ids: string; payload: string }[];
  for (const row of rows) {
    const ids = JSON.parse(row.crm_ids) as string[];
    const payload = JSON.parse(row.payload) as { separate?: string };
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const a = ids[i]!;
        const b = ids[j]!;
        if (payload.separate && a !== payload.separate && b !== payload.separate) continue;
        out.add(pairKey(a, b));
      }
  }
  return out;
}

export const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export function groupKey(crmIds: readonly string[]): string {
  return createHash('sha1')
    .update([...crmIds].sort().join('\u0000'))
    .digest('hex')
    .slice(0, 20);
}

export function encodeContributions(levels: Int8Array, weights: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < FIELDS.length; k++) {
    const l = levels[k]!;
    if (l < 0) continue;
    parts.push(`[${k},${l},${Math.round((weights[k] ?? 0) * 100) / 100}]`);
  }
  return `[${parts.join(',')}]`;
}

export function decodeContributions(
  json: string,
): { field: string; label: string; level: string; weight: number }[] {
  const raw = JSON.parse(json) as [number, number, number][];
  return raw.map(([k, l, w]) => {
    const spec = FIELDS[k];
    return {
      field: spec?.name ?? String(k),
      label: spec?.label ?? String(k),
      level: spec?.levels[l] ?? String(l),
      weight: w,
    };
  });
}

export interface GroupRow {
  readonly connectionId: string;
  readonly members: readonly GroupMember[];
  readonly lane: string;
  readonly score: number;
  readonly reason: string;
  readonly edges: number;
}

const NEW_GROUP_COLUMNS = [
  'id',
  'connection_id',
  'group_key',
  'lane',
  'score',
  'reason',
  'size',
  'last_activity',
  'status',
  'evidence',
  'crm_ids',
  'search_text',
  'created_at',
  'updated_at',
] as const;

const insertGroupSql = `INSERT INTO dup_groups (${NEW_GROUP_COLUMNS.join(', ')})
  VALUES (${NEW_GROUP_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (connection_id, group_key) DO UPDATE SET lane = excluded.lane, score = excluded.score,
    reason = excluded.reason, size = excluded.size, last_activity = excluded.last_activity,
    evidence = excluded.evidence, updated_at = excluded.updated_at, status = 'open'
  WHERE dup_groups.status <> 'merged'
  RETURNING id`;

/** The values of `NEW_GROUP_COLUMNS` for a group written as new (or re-opened) under `id`. */
function newGroupRow(
  id: number | null | undefined,
  g: GroupRow,
  crmIds: readonly string[],
  v: ReturnType<typeof groupValues>,
  now: string,
): unknown[] {
  return [
    id,
    g.connectionId,
    v.key,
    g.lane,
    v.score,
    g.reason,
    g.members.length,
    v.lastActivity,
    'open',
    JSON.stringify({ pairs: g.edges }),
    JSON.stringify(crmIds),
    v.search,
    now,
    now,
  ];
}

/**
 * The groups a re-scan is about to re-form, by member: their ids are handed on to the new groups that keep most
 * of their members, so links, bookmarks and History keep pointing at the same people across re-scans.
 */
export interface PreviousGroups {
  readonly byCrmId: ReadonlyMap<string, number>;
}

/** Reads the members of the groups about to be replaced: every open/stale group of a connection, or some ids. */
export function previousGroups(
  db: Db,
  scope: { readonly connectionId: string } | { readonly groupIds: Iterable<number> },
): PreviousGroups {
  const byCrmId = new Map<string, number>();
  const rows =
    'connectionId' in scope
      ? (db
          .prepare(
            `SELECT m.group_id, m.crm_id FROM dup_group_members m JOIN dup_groups g ON g.id = m.group_id
             WHERE g.connection_id = ? AND g.status IN ('open', 'stale')`,
          )
          .raw()
          .all(scope.connectionId) as [number, string][])
      : (db
          .prepare(
            `SELECT group_id, crm_id FROM dup_group_members WHERE group_id IN (SELECT value FROM json_each(?))`,
          )
          .raw()
          .all(JSON.stringify([...scope.groupIds])) as [number, string][]);
  for (const [id, crm] of rows) byCrmId.set(crm, id);
  return { byCrmId };
}

const SEQUENCE_KEY = 'detect.groupIds';
// Stored as a bare JSON number; a value that is not one counts as no mark (the groups' own max id still holds).
const groupIdSequence = z.number().catch(0);

/**
 * Group ids never come back for other people: a dissolved group's id is not reused by SQLite's max(rowid)+1, it
 * stays retired. The high-water mark lives in the settings table because dissolved rows are deleted.
 */
function idAllocator(db: Db): { next(): number; save(): void } {
  const stored = readSetting(db, SEQUENCE_KEY, groupIdSequence);
  const current = (db.prepare('SELECT max(id) FROM dup_groups').pluck().get() as number | null) ?? 0;
  let high = Math.max(Number.isFinite(stored) ? stored : 0, current);
  const start = high;
  return {
    next: () => ++high,
    save: () => {
      if (high === start) return;
      writeSetting(db, SEQUENCE_KEY, groupIdSequence, high);
    },
  };
}

/**
 * For each new group, the previous group with which it shares the most members (each previous id goes to one new
 * group at most); groups with no predecessor get fresh ids.
 */
export function assignGroupIds(
  db: Db,
  memberSets: readonly (readonly string[])[],
  previous: PreviousGroups | undefined,
): number[] {
  const out = new Array<number>(memberSets.length).fill(0);
  const exists = db.prepare('SELECT 1 FROM dup_groups WHERE id = ?').pluck();
  if (previous && previous.byCrmId.size > 0) {
    const candidates: [overlap: number, group: number, prev: number][] = [];
    memberSets.forEach((members, g) => {
      const counts = new Map<number, number>();
      for (const m of members) {
        const p = previous.byCrmId.get(m);
        if (p !== undefined) counts.set(p, (counts.get(p) ?? 0) + 1);
      }
      for (const [p, n] of counts) candidates.push([n, g, p]);
    });
    candidates.sort((a, b) => b[0] - a[0] || a[2] - b[2] || a[1] - b[1]);
    const taken = new Set<number>();
    for (const [, g, p] of candidates) {
      if (out[g] !== 0 || taken.has(p) || exists.get(p)) continue;
      out[g] = p;
      taken.add(p);
    }
  }
  const ids = idAllocator(db);
  for (let g = 0; g < out.length; g++) if (out[g] === 0) out[g] = ids.next();
  ids.save();
  return out;
}

/** The stored form of a group's derived columns. */
function groupValues(g: GroupRow, crmIds: readonly string[], key = groupKey(crmIds)) {
  const lastActivity = g.members.reduce<string | null>(
    (acc, m) => (m.updatedAt && (!acc || m.updatedAt > acc) ? m.updatedAt : acc),
    null,
  );
  const search = g.members
    .map((m) => m.search)
    .join(' ')
    .toLowerCase();
  return { key, score: Math.round(g.score * 10000) / 10000, lastActivity, search };
}

export function insertGroups(
  db: Db,
  groups: readonly GroupRow[],
  now: string,
  previous?: PreviousGroups,
): number {
  const insertGroup = db.prepare(insertGroupSql).pluck();
  const members: unknown[][] = [];
  let inserted = 0;
  const memberSets = groups.map((g) => g.members.map((m) => m.id).sort());
  const ids = assignGroupIds(db, memberSets, previous);
  groups.forEach((g, index) => {
    const crmIds = memberSets[index]!;
    const v = groupValues(g, crmIds);
    const id = insertGroup.get(newGroupRow(ids[index], g, crmIds, v, now)) as number | undefined;
    if (id === undefined) return;
    inserted += 1;
    for (const m of g.members) members.push([id, m.pk, m.id]);
  });
  bulkInsert(db, 'dup_group_members', ['group_id', 'contact_pk', 'crm_id'], members, 'OR REPLACE');
  return inserted;
}

/**
 * Replaces a connection's open and stale groups with the ones a full scan formed, writing only the difference: a
 * group with the same members and the same lane, score, reason, size, activity and search text is left as it is
 * (its id, its `updated_at` and the safe-lane gate's outcome on it stay), one whose values changed is updated in
 * place, the rest are removed or inserted. Returns how many rows were written.
 */
export function saveGroups(
  db: Db,
  connectionId: string,
  groups: readonly GroupRow[],
  now: string,
  previous: PreviousGroups,
): { kept: number; updated: number; removed: number; inserted: number } {
  const stored = new Map<string, StoredGroupRow>();
  for (const row of db
    .prepare(
      `SELECT id, group_key, lane, score, reason, size, last_activity, status, search_text,
         json_extract(evidence, '$.pairs') AS pairs, json_extract(evidence, '$.gate') AS gate
       FROM dup_groups WHERE connection_id = ? AND status IN ('open', 'stale')`,
    )
    .raw()
    .all(connectionId) as StoredGroupRow[])
    stored.set(row[1], row);
  const update = db.prepare(
    `UPDATE dup_groups SET lane = ?, score = ?, reason = ?, size = ?, last_activity = ?, evidence = ?,
       search_text = ?, status = 'open', updated_at = ? WHERE id = ?`,
  );
  // Keys of merged or dismissed groups: a group formed again with the same members goes through the upsert, which
  // leaves a merged one alone and re-opens a dismissed one.
  const closed = new Set(
    db
      .prepare(`SELECT group_key FROM dup_groups WHERE connection_id = ? AND status NOT IN ('open', 'stale')`)
      .pluck()
      .all(connectionId) as string[],
  );
  // Members are written once their groups are; the derived columns of a new group are made as it is written (a
  // first scan of a million contacts forms a hundred thousand groups: holding them all doubled the output's memory).
  const rewritten: { id: number; g: GroupRow }[] = [];
  const fresh: GroupRow[] = [];
  const brandNew: { g: GroupRow; crmIds: string[]; key: string }[] = [];
  let kept = 0;
  let updated = 0;
  for (const g of groups) {
    const crmIds = g.members.map((m) => m.id).sort();
    const key = groupKey(crmIds);
    const row = stored.get(key);
    if (!row) {
      if (closed.has(key)) fresh.push(g);
      else brandNew.push({ g, crmIds, key });
      continue;
    }
    const v = groupValues(g, crmIds, key);
    stored.delete(key);
    const [id, , lane, score, reason, size, lastActivity, status, search, pairs, gate] = row;
    // The gate keeps detection's own lane and reason beside the ones it set.
    const identity = gate ? (JSON.parse(gate) as { lane: string; reason: string }) : { lane, reason };
    const same =
      status === 'open' &&
      identity.lane === g.lane &&
      identity.reason === g.reason &&
      score === v.score &&
      size === g.members.length &&
      lastActivity === v.lastActivity &&
      search === v.search &&
      pairs === g.edges;
    if (same) {
      kept += 1;
      continue;
    }
    update.run(
      g.lane,
      v.score,
      g.reason,
      g.members.length,
      v.lastActivity,
      JSON.stringify({ pairs: g.edges }),
      v.search,
      now,
      id,
    );
    rewritten.push({ id, g });
    updated += 1;
  }
  const remove = db.prepare('DELETE FROM dup_groups WHERE id = ?');
  for (const row of stored.values()) remove.run(row[0]);
  // Groups no row has had: plain multi-row inserts under the ids they inherit or are given. Inserted before the
  // upserted ones so those cannot be handed the same previous id.
  const ids = assignGroupIds(
    db,
    brandNew.map((b) => b.crmIds),
    previous,
  );
  bulkInsert(
    db,
    'dup_groups',
    NEW_GROUP_COLUMNS,
    (function* () {
      for (let i = 0; i < brandNew.length; i++) {
        const { g, crmIds, key } = brandNew[i]!;
        yield newGroupRow(ids[i], g, crmIds, groupValues(g, crmIds, key), now);
      }
    })(),
  );
  bulkInsert(
    db,
    'dup_group_members',
    ['group_id', 'contact_pk', 'crm_id'],
    (function* () {
      for (const { id, g } of rewritten) for (const m of g.members) yield [id, m.pk, m.id];
      for (let i = 0; i < brandNew.length; i++)
        for (const m of brandNew[i]!.g.members) yield [ids[i], m.pk, m.id];
    })(),
    'OR REPLACE',
  );
  const inserted = brandNew.length + insertGroups(db, fresh, now, previous);
  return { kept, updated, removed: stored.size, inserted };
}

/** id, group_key, lane, score, reason, size, last_activity, status, search_text, evidence's pairs and gate */
type StoredGroupRow = [
  number,
  string,
  string,
  number,
  string,
  number,
  string | null,
  string,
  string | null,
  number | null,
  string | null,
];
export function pairRows(
  pairs: readonly ScoredPair[],
  pks: readonly number[],
  contributions: (p: ScoredPair) => string,
  ruleName: (r: number) => string,
): Iterable<unknown[]> {
  return (function* () {
    for (const p of pairs) {
      const a = pks[p.a]!;
      const b = pks[p.b]!;
      yield [
        Math.min(a, b),
        Math.max(a, b),
        Math.round(p.probability * 1e6) / 1e6,
        Math.round(p.weight * 100) / 100,
        p.flags,
        ruleName(p.rule),
        contributions(p),
      ];
    }
  })();
}

/**
 * Replaces the stored pairs of a connection (of every connection when `connectionId` is null: a workspace with
 * one) with `rows` (in `PAIR_COLUMNS` order), writing only pairs that are new or whose values changed and removing
 * those no longer found. Returns how many were written and removed.
 */
export function savePairs(
  db: Db,
  connectionId: string | null,
  rows: Iterable<readonly unknown[]>,
): { written: number; removed: number } {
  const stored = new Map<string, unknown[]>();
  const select = connectionId
    ? db
        .prepare(
          `SELECT ${PAIR_COLUMNS.join(', ')} FROM candidate_pairs
           WHERE a_pk IN (SELECT pk FROM contacts WHERE connection_id = ?)`,
        )
        .raw()
        .all(connectionId)
    : db
        .prepare(`SELECT ${PAIR_COLUMNS.join(', ')} FROM candidate_pairs`)
        .raw()
        .all();
  for (const row of select as unknown[][]) stored.set(`${row[0] as number}:${row[1] as number}`, row);
  const changed = (function* () {
    // A first scan has nothing to compare with: every row is written, with no key built for it.
    if (stored.size === 0) return yield* rows;
    for (const row of rows) {
      const key = `${row[0] as number}:${row[1] as number}`;
      const old = stored.get(key);
      if (old) {
        stored.delete(key);
        let same = true;
        for (let c = 2; c < row.length && same; c++) same = old[c] === row[c];
        if (same) continue;
      }
      yield row;
    }
  })();
  const written = bulkInsert(db, 'candidate_pairs', PAIR_COLUMNS, changed, 'OR REPLACE');
  const remove = db.prepare('DELETE FROM candidate_pairs WHERE a_pk = ? AND b_pk = ?');
  for (const old of stored.values()) remove.run(old[0], old[1]);
  return { written, removed: stored.size };
}

export const PAIR_COLUMNS = ['a_pk', 'b_pk', 'score', 'weight', 'flags', 'rule', 'contributions'] as const;

/** Every group with its lane, score, status and members' CRM ids (read side, for the Overview). */
export function groupOutline(db: Db): {
  id: number;
  connectionId: string;
  lane: 'safe' | 'needs_choice' | 'maybe_two_people';
  score: number;
  status: 'open' | 'merged' | 'dismissed' | 'stale';
  crmIds: string[];
}[] {
  const rows = db
    .prepare('SELECT id, connection_id, lane, score, status, crm_ids FROM dup_groups ORDER BY score DESC, id')
    .all() as {
    id: number;
    connection_id: string;
    lane: 'safe' | 'needs_choice' | 'maybe_two_people';
    score: number;
    status: 'open' | 'merged' | 'dismissed' | 'stale';
    crm_ids: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    connectionId: r.connection_id,
    lane: r.lane,
    score: r.score,
    status: r.status,
    crmIds: JSON.parse(r.crm_ids) as string[],
  }));
}

/** The open Safe groups, best first: what a batch over the whole Safe tab takes. */
export function openSafeGroupIds(db: Db): number[] {
  return db
    .prepare(`SELECT id FROM dup_groups WHERE status = 'open' AND lane = 'safe' ORDER BY score DESC, id`)
    .pluck()
    .all() as number[];
}

export interface GroupStanding {
  readonly lane: string;
  readonly status: string;
  readonly reason: string;
}

/** A group's lane, status and reason by id, prepared once for a list of groups. */
export function groupStandingReader(db: Db): (groupId: number) => GroupStanding | undefined {
  const get = db.prepare('SELECT lane, status, reason FROM dup_groups WHERE id = ?');
  return (groupId) => get.get(groupId) as GroupStanding | undefined;
}

/** Writes scored pairs (in `PAIR_COLUMNS` order), replacing a stored pair of the same two contacts. */
export function insertPairs(db: Db, rows: Iterable<readonly unknown[]>): number {
  return bulkInsert(db, 'candidate_pairs', PAIR_COLUMNS, rows, 'OR REPLACE');
}

/** Removes every stored pair a contact is in, prepared once for the contacts an incremental re-scan re-scores. */
export function pairsOfContactRemover(db: Db): (pk: number) => void {
  const delA = db.prepare('DELETE FROM candidate_pairs WHERE a_pk = ?');
  const delB = db.prepare('DELETE FROM candidate_pairs WHERE b_pk = ?');
  return (pk) => {
    delA.run(pk);
    delB.run(pk);
  };
}

export interface StoredPair {
  a_pk: number;
  b_pk: number;
  score: number;
  flags: number;
}

/**
 * The statements a re-grouping walks the stored graph with, prepared once: a contact's pairs, the live groups a
 * contact is in, a group's members, and removing a group about to be formed again.
 */
export function groupGraph(db: Db): {
  pairsOf(pk: number): StoredPair[];
  liveGroupsOf(pk: number): number[];
  membersOf(groupId: number): number[];
  deleteGroup(groupId: number): void;
} {
  const pairsOf = db.prepare(
    `SELECT a_pk, b_pk, score, flags FROM candidate_pairs WHERE a_pk = ?
     UNION ALL SELECT a_pk, b_pk, score, flags FROM candidate_pairs WHERE b_pk = ?`,
  );
  const groupsOf = db
    .prepare(
      `SELECT DISTINCT g.id FROM dup_group_members m JOIN dup_groups g ON g.id = m.group_id
       WHERE m.contact_pk = ? AND g.status IN ('open', 'stale')`,
    )
    .pluck();
  const membersOf = db.prepare('SELECT contact_pk FROM dup_group_members WHERE group_id = ?').pluck();
  const delGroup = db.prepare('DELETE FROM dup_groups WHERE id = ?');
  return {
    pairsOf: (pk) => pairsOf.all(pk, pk) as StoredPair[],
    liveGroupsOf: (pk) => groupsOf.all(pk) as number[],
    membersOf: (groupId) => membersOf.all(groupId) as number[],
    deleteGroup: (groupId) => void delGroup.run(groupId),
  };
}

/** Every stored pair as `[a_pk, b_pk, score, weight, flags, contributions]`, for a settings preview. */
export function storedPairsForPreview(db: Db): [number, number, number, number, number, string][] {
  return db
    .prepare('SELECT a_pk, b_pk, score, weight, flags, contributions FROM candidate_pairs')
    .raw()
    .all() as [number, number, number, number, number, string][];
}

/** How many groups are open now, and how many in each lane. */
export function openGroupTally(db: Db): { groups: number; lanes: Record<Lane, number> } {
  const lanes: Record<Lane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  for (const row of db
    .prepare(`SELECT lane, count(*) AS n FROM dup_groups WHERE status = 'open' GROUP BY lane`)
    .all() as { lane: Lane; n: number }[])
    lanes[row.lane] = row.n;
  return { groups: lanes.safe + lanes.needs_choice + lanes.maybe_two_people, lanes };
}

/** The gate moved a group out of `safe`: its lane and reason now, detection's own kept beside them. */
export function setGroupGated(
  db: Db,
  groupId: number,
  moved: { readonly lane: Lane; readonly reason: string },
  identity: { readonly lane: Lane; readonly reason: string },
): void {
  db.prepare(
    `UPDATE dup_groups SET lane = ?, reason = ?, evidence = json_set(evidence, '$.gate', json(?)) WHERE id = ?`,
  ).run(moved.lane, moved.reason, JSON.stringify(identity), groupId);
}

/** The gate put a group back in detection's own lane and reason. */
export function setGroupUngated(
  db: Db,
  groupId: number,
  identity: { readonly lane: Lane; readonly reason: string },
): void {
  db.prepare(
    `UPDATE dup_groups SET lane = ?, reason = ?, evidence = json_remove(evidence, '$.gate') WHERE id = ?`,
  ).run(identity.lane, identity.reason, groupId);
}
