import type { CoreContext } from '../context/context';
import { dismissGroup, separateMember } from '../detect/decisions';

/**
 * The review screen's "Not a duplicate" and "take this record out": detection owns the decisions and their
 * effect on pairs and groups; the merge feature only forwards the reviewer's choice.
 */
export function markNotDuplicate(
  ctx: CoreContext,
  groupId: number,
): { groupId: number; status: 'dismissed' } {
  const { status } = dismissGroup(ctx, groupId);
  return { groupId, status };
}

export function removeMember(
  ctx: CoreContext,
  groupId: number,
  crmId: string,
): { groupId: number; remaining: number; status: string } {
  const { remaining, status } = separateMember(ctx, groupId, crmId);
  return { groupId, remaining, status };
}
