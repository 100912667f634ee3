import type { Db } from '../../app/store/database';
import type { SandboxStateData } from '../../app/sandbox/keap';

/** A sandbox duplicate pair worth merging end to end: the loser has the WordPress member and purchases or tags. */
export interface MergeCase {
  readonly groupId: number;
  readonly survivorId: string;
  readonly loserId: string;
  readonly wpUserId: number;
}

/**
 * Picks an open two-record group in the safe or needs-choice lane whose loser (the record a WordPress member is
 * linked to) carries orders, subscriptions or tags, so a merge has to move all of them.
 */
export function findMergeCase(db: Db, crm: SandboxStateData, lanes = ['safe', 'needs_choice']): MergeCase {
  const groups = db
    .prepare(
      `SELECT id, lane, crm_ids FROM dup_groups WHERE status = 'open' AND size = 2 AND lane IN (${lanes
        .map(() => '?')
        .join(',')}) ORDER BY score DESC, id`,
    )
    .all(...lanes) as { id: number; crm_ids: string }[];
  const linked = db.prepare('SELECT wp_id FROM wp_users WHERE linked_contact_id = ?').pluck();
  const owns = (id: string) =>
    Object.values(crm.orders).filter((o) => o.contact_id === id).length +
    Object.values(crm.subscriptions).filter((s) => s.contact_id === id).length;
  const tagCount = (id: string) => Object.keys(crm.contactTags[id] ?? {}).length;
  for (const g of groups) {
    const ids = JSON.parse(g.crm_ids) as string[];
    for (const loserId of ids) {
      const survivorId = ids.find((i) => i !== loserId)!;
      const wp = linked.all(loserId) as number[];
      if (wp.length !== 1 || (linked.all(survivorId) as number[]).length > 0) continue;
      if (owns(loserId) === 0 || tagCount(loserId) === 0) continue;
      return { groupId: g.id, survivorId, loserId, wpUserId: wp[0]! };
    }
  }
  throw new Error('no group in the sandbox has a linked loser with orders and tags');
}

/** What the survivor must own after the merge: the union of both records' tags, orders and subscriptions. */
export function expectedUnion(crm: SandboxStateData, c: MergeCase) {
  const ids = [c.survivorId, c.loserId];
  return {
    tags: [...new Set(ids.flatMap((id) => Object.keys(crm.contactTags[id] ?? {})))].sort(),
    orders: Object.values(crm.orders)
      .filter((o) => ids.includes(o.contact_id))
      .map((o) => o.id)
      .sort(),
    subscriptions: Object.values(crm.subscriptions)
      .filter((s) => ids.includes(s.contact_id))
      .map((s) => s.id)
      .sort(),
  };
}
