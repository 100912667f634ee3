import { z } from 'zod';
import type { Db } from '../store/database';
import { readSetting, writeSetting } from '../store/settings';
import { setGroupGated, setGroupUngated } from './store';
import type { Lane } from './types';

/*
 * The lane gate's read model: which open groups to judge and how far it has looked, read from the groups, their
 * members' contacts, subscriptions and WordPress records in one statement each. Its writes go through the owners:
 * a group's lane through detection's output (store.ts), the watermark through the settings.
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

/** The stored watermark; one that no longer reads as a watermark counts as none (every group is judged). */
const storedWatermark = z
  .object({ synced: z.string(), groups: z.string(), settings: z.string().optional() })
  .nullable()
  .catch(null);

export function readGateWatermark(db: Db): GateWatermark | null {
  const w = readSetting(db, WATERMARK_KEY, storedWatermark);
  return w
    ? { synced: w.synced, groups: w.groups, ...(w.settings !== undefined ? { settings: w.settings } : {}) }
    : null;
}

export function saveGateWatermark(db: Db, w: GateWatermark): void {
  writeSetting(db, WATERMARK_KEY, storedWatermark, w);
}

/**
 * Moves a group out of `safe` with the reason in words, keeping detection's lane and reason beside it so a later
 * gate can put it back; `null` puts it back.
 */
export function setGateOutcome(db: Db, c: GateCandidate, moved: { lane: Lane; reason: string } | null): void {
  const identity = c.gated ?? { lane: c.lane, reason: c.reason };
  if (moved) setGroupGated(db, c.id, moved, identity);
  else if (c.gated) setGroupUngated(db, c.id, identity);
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
