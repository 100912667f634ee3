import type { CoreContext } from '../context/context';
import { separateMember } from '../detect/decisions';

/**
 * The review screen's "take this record out": detection owns the decisions and their effect on pairs and groups;
 * the merge feature only forwards the reviewer's choice. "Not a duplicate" for a whole group is detection's own
 * `groups/dismiss`.
 */
export function removeMember(
  ctx: CoreContext,
  groupId: number,
  crmId: string,
): { groupId: number; remaining: number; status: string } {
  const { remaining, status } = separateMember(ctx, groupId, crmId);
  return { groupId, remaining, status };
}
