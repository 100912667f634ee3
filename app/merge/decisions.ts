import type { CoreContext } from '../context/context';
import { AppError } from '../domain/errors';
import { isoNow } from '../ports/clock';
import { CacheReader } from './cache-reader';
import { appendAudit, auditSubject } from '../store/audit-log';

const pairKey = (a: string, b: string) =>
  JSON.stringify([a, b].sort((x, y) => x.localeCompare(y, 'en', { numeric: true })));

/**
 * "Not a duplicate" is stored per pair of stable CRM ids, so a re-sync or a new detection run that finds the
 * same records again can honour it.
 */
export function markNotDuplicate(
  ctx: CoreContext,
  groupId: number,
): { groupId: number; status: 'dismissed' } {
  const db = ctx.workspace.db;
  const g = new CacheReader(db).groupMembers(groupId);
  const now = isoNow(ctx.clock);
  const insert = db.prepare(
    `INSERT INTO decisions (connection_id, kind, crm_ids, payload, created_at) VALUES (?, 'not_duplicate', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < g.crmIds.length; i++) {
      for (let j = i + 1; j < g.crmIds.length; j++) {
        insert.run(g.connectionId, pairKey(g.crmIds[i]!, g.crmIds[j]!), JSON.stringify({ groupId }), now);
      }
    }
    db.prepare(`UPDATE dup_groups SET status = 'dismissed', updated_at = ? WHERE id = ?`).run(now, groupId);
    appendAudit(db, now, {
      action: 'detect.not_duplicate',
      connectionId: g.connectionId,
      subject: auditSubject('group', groupId),
      details: { crmIds: g.crmIds },
    });
  })();
  return { groupId, status: 'dismissed' };
}

export function removeMember(
  ctx: CoreContext,
  groupId: number,
  crmId: string,
): { groupId: number; remaining: number; status: string } {
  const db = ctx.workspace.db;
  const g = new CacheReader(db).groupMembers(groupId);
  if (!g.crmIds.includes(crmId))
    throw new AppError('NOT_FOUND', `Contact ${crmId} is not in group ${groupId}.`);
  const now = isoNow(ctx.clock);
  const remaining = g.crmIds.filter((id) => id !== crmId);
  const status = remaining.length < 2 ? 'dismissed' : g.status;
  db.transaction(() => {
    const insert = db.prepare(
      `INSERT INTO decisions (connection_id, kind, crm_ids, payload, created_at) VALUES (?, 'not_duplicate', ?, ?, ?)`,
    );
    for (const other of remaining)
      insert.run(g.connectionId, pairKey(crmId, other), JSON.stringify({ groupId, removed: crmId }), now);
    db.prepare(`DELETE FROM dup_group_members WHERE group_id = ? AND crm_id = ?`).run(groupId, crmId);
    db.prepare(`UPDATE dup_groups SET size = ?, status = ?, crm_ids = ?, updated_at = ? WHERE id = ?`).run(
      remaining.length,
      status,
      JSON.stringify([...remaining].sort()),
      now,
      groupId,
    );
    appendAudit(db, now, {
      action: 'detect.member_removed',
      connectionId: g.connectionId,
      subject: auditSubject('group', groupId),
      details: { removed: crmId },
    });
  })();
  return { groupId, remaining: remaining.length, status };
}
