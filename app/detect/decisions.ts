import type { CoreContext } from '../context/context';
import { AppError } from '../domain/errors';
import { isoNow } from '../ports/clock';
import { readSetting } from '../store/settings';
import type { Db } from '../store/database';
import { appendAudit, auditSubject } from '../store/audit-log';
import { gateLanes, gateProfiles } from './batch-gate';
import { lastRun, modelFor, regroup, rescoreContacts } from './rescan';
import { detectSettingsSchema } from './settings';
import { groupMemberRefs, groupState } from './group-reads';
import { deletePairs, markGroupDismissed } from './group-store';
import { contactPksByCrmIds } from '../store/contacts-reads';

/**
 * What a person decided about detection's output — "not a duplicate" for a whole group, or "take this record
 * out" — in one place. A decision is stored by stable CRM ids (so it outlives re-syncs that rewrite the cache's
 * keys), the pairs it rules out are deleted from the stored pairs (so re-grouping, incremental re-scans and the
 * settings preview no longer see them), and every scan leaves them out when it scores pairs again.
 */
export interface DecisionItem {
  readonly id: number;
  readonly connectionId: string;
  readonly crmIds: readonly string[];
  /** The record taken out of its group, or null for "not a duplicate" of the whole group. */
  readonly separated: string | null;
  readonly note: string | null;
  readonly createdAt: string;
  readonly undoneAt: string | null;
}

interface GroupRef {
  readonly id: number;
  readonly connectionId: string;
  readonly status: string;
  readonly members: readonly { readonly pk: number; readonly crmId: string }[];
}

const gone = (id: number) =>
  new AppError(
    'NOT_FOUND',
    `Duplicate group ${id} no longer exists: it was merged, dismissed or re-formed by a scan.`,
    { groupId: id },
  );

function openGroup(db: Db, id: number): GroupRef {
  const g = groupState(db, id);
  if (!g) throw gone(id);
  if (g.status !== 'open') throw new AppError('CONFLICT', `Group ${id} is already ${g.status}.`);
  return { id: g.id, connectionId: g.connection_id, status: g.status, members: groupMemberRefs(db, id) };
}

function insertDecision(
  db: Db,
  connectionId: string,
  crmIds: readonly string[],
  payload: object,
  now: string,
) {
  return Number(
    db
      .prepare(
        `INSERT INTO decisions (connection_id, kind, crm_ids, payload, created_at) VALUES (?, 'not_duplicate', ?, ?, ?)`,
      )
      .run(connectionId, JSON.stringify([...crmIds].sort()), JSON.stringify(payload), now).lastInsertRowid,
  );
}

/** "Not a duplicate": the whole group is dismissed and none of its pairs is proposed again. */
export function dismissGroup(
  ctx: CoreContext,
  groupId: number,
  note: string | null = null,
): { decisionId: number; groupId: number; status: 'dismissed' } {
  const db = ctx.workspace.db;
  const g = openGroup(db, groupId);
  const now = isoNow(ctx.clock);
  const crmIds = g.members.map((m) => m.crmId);
  const decisionId = db.transaction(() => {
    const id = insertDecision(db, g.connectionId, crmIds, { mode: 'all', note, groupId }, now);
    const pairs: [number, number][] = [];
    for (const a of g.members) for (const b of g.members) if (a.pk < b.pk) pairs.push([a.pk, b.pk]);
    deletePairs(db, pairs);
    markGroupDismissed(db, groupId, now);
    appendAudit(db, now, {
      action: 'detect.not_duplicate',
      connectionId: g.connectionId,
      subject: auditSubject('group', groupId),
      details: { crmIds, decisionId: id },
    });
    return id;
  })();
  ctx.events.emit('workspace/changed', { reason: 'decision' });
  return { decisionId, groupId, status: 'dismissed' };
}

/**
 * "Take this record out": the record is never proposed with the others again; the rest is re-grouped from the
 * stored pairs and keeps the group's id while two or more of them stay together.
 */
export function separateMember(
  ctx: CoreContext,
  groupId: number,
  crmId: string,
): { decisionId: number; groupId: number; remaining: number; status: string } {
  const db = ctx.workspace.db;
  const g = openGroup(db, groupId);
  const removed = g.members.find((m) => m.crmId === crmId);
  if (!removed) throw new AppError('NOT_FOUND', `Contact ${crmId} is not in group ${groupId}.`);
  const now = isoNow(ctx.clock);
  const settings = readSetting(db, 'detect', detectSettingsSchema);
  const crmIds = g.members.map((m) => m.crmId);
  const decisionId = db.transaction(() => {
    const id = insertDecision(
      db,
      g.connectionId,
      crmIds,
      { mode: 'separate', separate: crmId, groupId },
      now,
    );
    deletePairs(
      db,
      g.members.filter((m) => m !== removed).map((m) => [m.pk, removed.pk] as const),
    );
    regroup(
      db,
      g.connectionId,
      g.members.map((m) => m.pk),
      settings,
      modelFor(db, g.connectionId),
      now,
    );
    appendAudit(db, now, {
      action: 'detect.separate',
      connectionId: g.connectionId,
      subject: auditSubject('group', groupId),
      details: { crmIds, removed: crmId, decisionId: id },
    });
    return id;
  })();
  gateLanes(db, gateProfiles(ctx), { now });
  ctx.events.emit('workspace/changed', { reason: 'decision' });
  const after = groupState(db, groupId);
  return {
    decisionId,
    groupId,
    remaining: after?.size ?? 0,
    status: after ? after.status : 'dismissed',
  };
}

export function listDecisions(ctx: CoreContext, includeUndone: boolean): DecisionItem[] {
  const rows = ctx.workspace.db
    .prepare(
      `SELECT id, connection_id, crm_ids, payload, created_at, undone_at FROM decisions
       WHERE kind = 'not_duplicate' ${includeUndone ? '' : 'AND undone_at IS NULL'} ORDER BY id DESC`,
    )
    .all() as {
    id: number;
    connection_id: string;
    crm_ids: string;
    payload: string;
    created_at: string;
    undone_at: string | null;
  }[];
  return rows.map((r) => {
    const payload = JSON.parse(r.payload) as { separate?: string; removed?: string; note?: string | null };
    return {
      id: r.id,
      connectionId: r.connection_id,
      crmIds: JSON.parse(r.crm_ids) as string[],
      separated: payload.separate ?? payload.removed ?? null,
      note: payload.note ?? null,
      createdAt: r.created_at,
      undoneAt: r.undone_at,
    };
  });
}

/** Undoes a decision: its records are scored against each other again and re-grouped. */
export function undoDecision(ctx: CoreContext, id: number): { undone: boolean } {
  const db = ctx.workspace.db;
  const row = db
    .prepare(
      `SELECT connection_id, crm_ids, undone_at FROM decisions WHERE id = ? AND kind = 'not_duplicate'`,
    )
    .get(id) as { connection_id: string; crm_ids: string; undone_at: string | null } | undefined;
  if (!row) throw new AppError('NOT_FOUND', `There is no decision ${id}.`);
  if (row.undone_at) return { undone: false };
  const now = isoNow(ctx.clock);
  const settings = readSetting(db, 'detect', detectSettingsSchema);
  db.transaction(() => {
    db.prepare('UPDATE decisions SET undone_at = ? WHERE id = ?').run(now, id);
    const pks = contactPksByCrmIds(db, row.connection_id, JSON.parse(row.crm_ids) as string[]);
    const run = lastRun(db, row.connection_id);
    if (run && pks.length) rescoreContacts(db, row.connection_id, run, pks, { settings, now: () => now });
    appendAudit(db, now, {
      action: 'detect.not_duplicate_undone',
      connectionId: row.connection_id,
      subject: auditSubject('decision', id),
      details: { crmIds: JSON.parse(row.crm_ids) as string[] },
    });
  })();
  gateLanes(db, gateProfiles(ctx), { now });
  ctx.events.emit('workspace/changed', { reason: 'decision' });
  return { undone: true };
}

/**
 * A reviewed plan, kept with the record versions the reviewer saw (keyed by CRM ids like every decision), so a
 * merge run can tell later whether anything changed since the review.
 */
export function recordReviewedPlan(
  db: Db,
  input: {
    readonly connectionId: string;
    readonly crmIds: readonly string[];
    readonly payload: unknown;
    readonly at: string;
  },
): void {
  db.prepare(
    `INSERT INTO decisions (connection_id, kind, crm_ids, payload, created_at) VALUES (?, 'reviewed_plan', ?, ?, ?)`,
  ).run(
    input.connectionId,
    JSON.stringify([...input.crmIds].sort()),
    JSON.stringify(input.payload),
    input.at,
  );
}

/**
 * A reviewed plan whose records changed before its run: the decision is undone, keeping which run found it stale
 * and what changed, so the group is reviewed again.
 */
export function markReviewedPlanStale(db: Db, runId: string, changes: unknown, at: string): void {
  db.prepare(
    `UPDATE decisions SET undone_at = ?, payload = json_set(payload, '$.staleRunId', ?, '$.changes', json(?))
     WHERE kind = 'reviewed_plan' AND undone_at IS NULL AND json_extract(payload, '$.runId') = ?`,
  ).run(at, runId, JSON.stringify(changes), runId);
}
