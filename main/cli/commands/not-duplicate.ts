import type { Command } from 'commander';
import { action } from '../runtime';
import { AppError } from '../../../app/domain/errors';

const positiveId = (text: string, what: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new AppError('INVALID_INPUT', `${what} must be a whole number.`);
  return n;
};

/** `mergedesk not-duplicate`: the same decision as the review screen's "Not a duplicate", and its undo. */
export function registerNotDuplicate(program: Command): void {
  program
    .command('not-duplicate')
    .description(
      'Say a duplicate group is not one person: remembered by CRM ids, so it stays out after re-syncs and ' +
        're-scans. --undo puts a dismissed group back in the queue.',
    )
    .argument('[group]', 'group number, as `mergedesk groups` lists it')
    .option('--note <text>', 'why, kept with the decision')
    .option('--undo <decision>', 'forget this decision instead (its number is printed when it is made)')
    .action(
      action(async (ctx, group: string | undefined, opts: { note?: string; undo?: string }) => {
        if (opts.undo !== undefined) {
          const undone = await ctx.core.call('detect/decisions/undo', {
            id: positiveId(opts.undo, '--undo'),
          });
          ctx.print(undone, () => `Decision ${opts.undo} is undone; its records are back in the queue.`);
          return;
        }
        if (group === undefined)
          throw new AppError('INVALID_INPUT', 'Say which group, e.g. `mergedesk not-duplicate 12`.');
        const id = positiveId(group, 'The group');
        const detail = await ctx.core.call('groups/get', { id });
        const { decisionId } = await ctx.core.call('groups/dismiss', {
          id,
          ...(opts.note ? { note: opts.note } : {}),
        });
        ctx.print({ groupId: id, decisionId }, () =>
          [
            `Not a duplicate: ${detail.names || `group ${id}`}. Moved to Dismissed.`,
            `Undo with: mergedesk not-duplicate --undo ${decisionId}`,
          ].join('\n'),
        );
      }),
    );
}
