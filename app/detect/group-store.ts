import type { Db } from '../store/database';

/**
 * What a person's decision changes in detection output: a group dismissed as "not a duplicate", and the scored
 * pairs a decision rules out (deleted, so re-grouping, incremental re-scans and the settings preview no longer
 * see them). The scan writes the rest of these tables; this module is the decision side of the same owner.
 */
export function markGroupDismissed(db: Db, groupId: number, now: string): void {
  db.prepare(`UPDATE dup_groups SET status = 'dismissed', updated_at = ? WHERE id = ?`).run(now, groupId);
}

/** Deletes the stored pairs between these contacts, in either order. */
export function deletePairs(db: Db, pairs: Iterable<readonly [number, number]>): void {
  const del = db.prepare('DELETE FROM candidate_pairs WHERE a_pk = ? AND b_pk = ?');
  for (const [a, b] of pairs) del.run(Math.min(a, b), Math.max(a, b));
}

/** A merge finished the group's work; a stale plan sends it back to the review queue. */
export function setGroupStatus(db: Db, groupId: number, status: 'merged' | 'open', now: string): void {
  db.prepare('UPDATE dup_groups SET status = ?, updated_at = ? WHERE id = ?').run(status, now, groupId);
}
