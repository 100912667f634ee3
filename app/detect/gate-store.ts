import type { Db } from '../store/database';
import type { Lane } from './types';

/*
 * The lane gate's reads and writes on `dup_groups` (owned by detection; see store.ts for the scan's writes). Kept
 * apart from store.ts so the merge batch can use it without loading the scoring code.
 */

/** An open group as the batch gate sees it: its current lane and what detection said before any gate. */
export interface GateCandidate {
  readonly id: number;
  readonly connectionId: string;
  readonly crmIds: readonly string[];
  readonly lane: Lane;
  readonly reason: string;
  /** Detection's own lane and reason when the gate moved the group; null when it did not. */
  readonly gated: { readonly lane: Lane; readonly reason: string } | null;
}

/**
 * How far the gate has looked: the newest sync time of the data a plan reads (contacts with their tags and
 * emails, subscriptions, WordPress logins and AccessAlly orders) and the newest group change.
 */
export interface GateWatermark {
  readonly synced: string;
  readonly groups: string;
  /** A digest of the settings and CRM profiles the gate judged with: when they differ, every group is judged. */
  readonly settings?: string;
}

export function gateWatermark(db: Db): GateWatermark {
  const max = (sql: string) => (db.prepare(sql).pluck().get() as string | null) ?? '';
  const synced = [
    max('SELECT max(synced_at) FROM contacts'),
    max('SELECT max(synced_at) FROM subscriptions'),
    max('SELECT max(synced_at) FROM wp_users'),
    max('SELECT max(synced_at) FROM wp_orders'),
  ].sort();
  return { synced: synced[synced.length - 1]!, groups: max('SELECT max(updated_at) FROM dup_groups') };
}

/**
 * Open groups detection put in `safe` (including those the gate moved out of it): all of them, some ids, or only
 * those re-formed or with data synced since a watermark.
 */
export function gateCandidates(
  db: Db,
  scope: { readonly groupIds?: readonly number[]; readonly since?: GateWatermark } = {},
): GateCandidate[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (scope.groupIds) {
    where.push('id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(scope.groupIds));
  }
  if (scope.since) {
    const s = scope.since.synced;
    // Strictly newer: a sync stamps a whole page with one time, and the gate that follows a sync reads after it.
    where.push(`(g.updated_at > ? OR EXISTS (SELECT 1 FROM dup_group_members m JOIN contacts c ON c.pk = m.contact_pk
        WHERE m.group_id = g.id AND (c.synced_at > ?
          OR EXISTS (SELECT 1 FROM subscriptions x WHERE x.connection_id = c.connection_id
            AND x.contact_crm_id = c.crm_id AND x.synced_at > ?)
          OR EXISTS (SELECT 1 FROM wp_users u WHERE u.linked_contact_id = c.crm_id AND u.synced_at > ?)
          OR EXISTS (SELECT 1 FROM wp_orders o WHERE o.contact_id = c.crm_id AND o.synced_at > ?))))`);
    params.push(scope.since.groups, s, s, s, s);
  }
  const rows = db
    .prepare(
      `SELECT id, connection_id, lane, reason, crm_ids, json_extract(evidence, '$.gate') AS gate FROM dup_groups g
       WHERE status = 'open' AND (lane = 'safe' OR json_extract(evidence, '$.gate') IS NOT NULL)
       ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY id`,
    )
    .all(...params) as {
    id: number;
    connection_id: string;
    lane: Lane;
    reason: string;
    crm_ids: string;
    gate: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    connectionId: r.connection_id,
    crmIds: JSON.parse(r.crm_ids) as string[],
    lane: r.lane,
    reason: r.reason,
    gated: r.gate ? (JSON.parse(r.gate) as { lane: Lane; reason: string }) : null,
  }));
}

const WATERMARK_KEY = 'detect.gateWatermark';

export function readGateWatermark(db: Db): GateWatermark | null {
  const raw = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(WATERMARK_KEY) as
    string | undefined;
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<GateWatermark>;
    return typeof v.synced === 'string' && typeof v.groups === 'string'
      ? {
          synced: v.synced,
          groups: v.groups,
          ...(typeof v.settings === 'string' ? { settings: v.settings } : {}),
        }
      : null;
  } catch {
    return null;
  }
}

export function saveGateWatermark(db: Db, w: GateWatermark): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(WATERMARK_KEY, JSON.stringify(w));
}

/**
 * Moves a group out of `safe` with the reason in words, keeping detection's lane and reason beside it so a later
 * gate can put it back; `null` puts it back.
 */
export function setGateOutcome(db: Db, c: GateCandidate, moved: { lane: Lane; reason: string } | null): void {
  const identity = c.gated ?? { lane: c.lane, reason: c.reason };
  if (moved) {
    db.prepare(
      `UPDATE dup_groups SET lane = ?, reason = ?, evidence = json_set(evidence, '$.gate', json(?)) WHERE id = ?`,
    ).run(moved.lane, moved.reason, JSON.stringify(identity), c.id);
  } else if (c.gated) {
    db.prepare(
      `UPDATE dup_groups SET lane = ?, reason = ?, evidence = json_remove(evidence, '$.gate') WHERE id = ?`,
    ).run(identity.lane, identity.reason, c.id);
  }
}

export function openLaneCounts(db: Db): Record<Lane, number> {
  const out: Record<Lane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  for (const row of db
    .prepare(`SELECT lane, count(*) AS n FROM dup_groups WHERE status = 'open' GROUP BY lane`)
    .all() as { lane: Lane; n: number }[])
    out[row.lane] = row.n;
  return out;
}

/** The members' names of a group, as a person reads them ("Ann Lee, Ann Lee-Smith"); empty when it is gone. */
export function groupNames(db: Db, groupId: number): string {
  const names = db
    .prepare(
      `SELECT trim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')) AS name, c.crm_id
       FROM dup_group_members m JOIN contacts c ON c.pk = m.contact_pk WHERE m.group_id = ? ORDER BY c.pk`,
    )
    .all(groupId) as { name: string; crm_id: string }[];
  return [...new Set(names.map((n) => n.name || `#${n.crm_id}`))].join(', ');
}
