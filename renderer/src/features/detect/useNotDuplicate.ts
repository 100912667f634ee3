import { useCallback } from 'react';
import { useApi } from '../../lib/api-context';
import { useToasts } from '../../components/Toasts';

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/**
 * "Not a duplicate" with a way back: the decision is stored at once (so the scanner honours it), and the toast
 * and the Dismissed view both offer Undo, which forgets the decision and puts the group back in its lane.
 */
export function useNotDuplicate(onChanged: () => void) {
  const api = useApi();
  const toasts = useToasts();

  const undoDecision = useCallback(
    async (decisionId: number, groupId: number) => {
      await api.call('detect/decisions/undo', { id: decisionId });
      onChanged();
      toasts.notify({
        id: `undo:${groupId}`,
        tone: 'success',
        title: `Group ${groupId} is back in the queue`,
      });
    },
    [api, onChanged, toasts],
  );

  const dismiss = useCallback(
    async (groupId: number, names: string) => {
      const { decisionId } = await api.call('groups/dismiss', { id: groupId });
      onChanged();
      toasts.notify({
        id: `dismiss:${groupId}`,
        tone: 'info',
        title: `Not a duplicate: ${names || `group ${groupId}`}`,
        body: 'Moved to Dismissed.',
        undo: { label: 'Undo', run: () => void undoDecision(decisionId, groupId) },
      });
    },
    [api, onChanged, toasts, undoDecision],
  );

  /** Undo from the Dismissed view, where only the group is known: its decision is the one over its records. */
  const undoGroup = useCallback(
    async (groupId: number) => {
      const [group, decisions] = await Promise.all([
        api.call('groups/get', { id: groupId }),
        api.call('detect/decisions/list', {}),
      ]);
      const crmIds = group.members.map((m) => m.crmId);
      const decision = decisions.items.find((d) => d.separated === null && sameSet(d.crmIds, crmIds));
      if (!decision) throw { code: 'NOT_FOUND', message: `No decision keeps group ${groupId} dismissed.` };
      await undoDecision(decision.id, groupId);
    },
    [api, undoDecision],
  );

  return { dismiss, undoGroup };
}
