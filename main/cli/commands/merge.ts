import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { action, type CommandContext } from '../runtime';
import { AppError } from '../../../app/domain/errors';
import { batchSummary, waitForBatch } from '../../../app/merge/batch';
import { pickAutomations, pickSequences } from '../../../app/merge/pick-by-name';
import { contactLabel } from '../../../app/merge/plan';
import type { GuardCode, PlanPreview, RunDetail } from '../../../app/api/contract';

const GUARDS: readonly GuardCode[] = [
  'access_loss',
  'access_conflict',
  'consent_conflict',
  'two_active_subscriptions',
  'two_wp_users_with_progress',
];

function parseConfirm(list: string | undefined): GuardCode[] {
  if (!list) return [];
  const codes = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = codes.filter((c) => !GUARDS.includes(c as GuardCode));
  if (bad.length)
    throw new AppError('INVALID_INPUT', `Unknown guard(s): ${bad.join(', ')}. Known: ${GUARDS.join(', ')}.`);
  return codes as GuardCode[];
}

function previewText(preview: PlanPreview): string {
  const lines = preview.lines.map(
    (l) =>
      `  ${String(l.seq).padStart(2)}. [${l.step}] ${l.text}${l.reversible ? '' : '  (cannot be undone)'}`,
  );
  const guards = preview.guards.map(
    (g) => `  ! ${g.severity === 'block' ? 'BLOCKED' : `confirm with --confirm ${g.code}`}: ${g.message}`,
  );
  const irreversible = preview.irreversible.map((t) => `  - ${t}`);
  return [
    'Plan:',
    ...lines,
    ...(guards.length ? ['Guards:', ...guards] : []),
    ...(irreversible.length ? ['Cannot be undone:', ...irreversible] : []),
  ].join('\n');
}

/** Asks on a terminal; refuses elsewhere unless --yes, so scripts never merge by accident. */
async function confirmOrRefuse(
  ctx: CommandContext,
  yes: boolean | undefined,
  question: string,
): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY || ctx.options.json) {
    throw new AppError('GUARD_REFUSED', 'Not confirmed: pass --yes to run without a prompt.');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} Type "yes" to continue: `);
    if (answer.trim().toLowerCase() !== 'yes')
      throw new AppError('CANCELLED', 'Not confirmed; nothing was changed.');
  } finally {
    rl.close();
  }
}

function followSteps(ctx: CommandContext): () => void {
  return ctx.core.events.subscribe((e) => {
    if (e.name === 'merge/step') {
      const p = e.payload as { seq: number; name: string; status: string; message?: string };
      if (p.status !== 'running')
        ctx.progress(`step ${p.seq} ${p.name}: ${p.status}${p.message ? ` ${p.message}` : ''}`);
    } else if (e.name === 'merge/batch') {
      const p = e.payload as {
        done: number;
        total: number;
        merged: number;
        skipped: readonly unknown[];
        failed: readonly unknown[];
      };
      ctx.progress(
        `batch ${p.done}/${p.total}: merged ${p.merged}, skipped ${p.skipped.length}, failed ${p.failed.length}`,
      );
    }
  });
}

interface PickOptions {
  readonly survivor?: string;
  readonly automation?: readonly string[];
  readonly sequence?: readonly string[];
  /** False with --no-default-automations. */
  readonly defaultAutomations?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * The reviewer's choices from the command line: automations and sequences typed by name (or id) are matched
 * against what the CRM lists (the same lists the review desk offers), then sent through `merge/plan` like the
 * desk's picks, so the contract validates them the same way.
 */
async function pickedChoices(ctx: CommandContext, groupId: number, opts: PickOptions) {
  const base = opts.survivor ? { survivorId: opts.survivor } : {};
  const wantedAutomations = opts.automation ?? [];
  const wantedSequences = opts.sequence ?? [];
  let automationIds: string[] | undefined;
  if (wantedAutomations.length > 0 || opts.defaultAutomations === false) {
    const { memberships } = await ctx.core.call('merge/memberships', { groupId });
    if (!memberships && wantedAutomations.length > 0)
      throw new AppError('UNSUPPORTED', "This group's CRM has no automations to add the survivor to.");
    const picked = pickAutomations(wantedAutomations, memberships?.automations ?? []);
    // The defaults (those a duplicate is in and the survivor is not) stay unless --no-default-automations.
    const defaults =
      opts.defaultAutomations === false
        ? []
        : (
            (await ctx.core.call('merge/plan', { groupId, choices: base })).plan.extras?.automations ?? []
          ).map((a) => a.id);
    automationIds = [...new Set([...defaults, ...picked])];
  }
  let sequences: ReturnType<typeof pickSequences> | undefined;
  if (wantedSequences.length > 0) {
    const { connectionId } = await ctx.core.call('merge/review', { groupId });
    const offered = (await ctx.core.call('merge/sequences', { connectionId })).sequences;
    if (!offered)
      throw new AppError('UNSUPPORTED', "This group's CRM has no sequences to add the survivor to.");
    sequences = pickSequences(wantedSequences, offered);
  }
  return { ...base, ...(automationIds ? { automationIds } : {}), ...(sequences ? { sequences } : {}) };
}

function runText(d: RunDetail): string {
  const who = (id: string) => (d.run.names[id] ? `${d.run.names[id]} (#${id})` : `#${id}`);
  return [
    `Run ${d.run.id}: ${d.run.status}  survivor ${who(d.run.survivorId)}  merged ${d.run.loserIds.map(who).join(', ')}`,
    ...d.steps.map(
      (s) =>
        `  ${String(s.seq).padStart(2)}. ${s.name}${s.target ? ` ${s.target}` : ''}: ${s.status}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ''}${s.summary ? `  ${s.summary}` : ''}${s.error ? `  ${s.error.message}` : ''}`,
    ),
    ...(d.run.error ? [`Error: ${d.run.error.message}`] : []),
  ].join('\n');
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .argument('[group]', 'duplicate group id')
    .description(
      'Merge one duplicate group, or the whole safe lane (--lane safe). Shows the plan first. Pick the automations (ActiveCampaign) and sequences (Keap) the survivor joins by name with --automation and --sequence.',
    )
    .option('--survivor <contactId>', 'the CRM contact id that survives (default: by the survivorship rules)')
    .option('--lane <lane>', "merge every open group of a lane in a batch (only 'safe')")
    .option('--dry-run', 'show and record the plan; change nothing')
    .option(
      '--automation <name>',
      'add the survivor to this automation, by name or id as the CRM lists it (repeatable); the automations a duplicate is in and the survivor is not are added too',
      collect,
    )
    .option(
      '--no-default-automations',
      'do not add the survivor to the automations its duplicates are in (only those given with --automation)',
    )
    .option(
      '--sequence <name>',
      'add the survivor to this campaign sequence (Keap), by name, "Campaign / Sequence" or id (repeatable)',
      collect,
    )
    .option('--confirm <guards>', `comma-separated guards you accept (${GUARDS.join(', ')})`)
    .option('--yes', 'do not prompt')
    .action(
      action(
        async (
          ctx,
          group: string | undefined,
          opts: PickOptions & { lane?: string; dryRun?: boolean; confirm?: string; yes?: boolean },
        ) => {
          if (opts.lane !== undefined) {
            if (opts.automation || opts.sequence || opts.defaultAutomations === false)
              throw new AppError(
                'INVALID_INPUT',
                'Automations and sequences are picked for one group at a time: give a group id instead of --lane.',
              );
            if (opts.lane !== 'safe')
              throw new AppError('INVALID_INPUT', "Only the 'safe' lane can be merged in a batch.");
            if (!opts.dryRun)
              await confirmOrRefuse(ctx, opts.yes, 'Merge every open group in the safe lane?');
            const unsubscribe = followSteps(ctx);
            try {
              await ctx.core.call('merge/batch-start', { lane: 'safe', dryRun: Boolean(opts.dryRun) });
              const state = await waitForBatch(ctx.core.context);
              ctx.print(state, () => batchSummary(state).join('\n'));
              if (state.failed.length) process.exitCode = 1;
            } finally {
              unsubscribe();
            }
            return;
          }
          const groupId = Number(group);
          if (!group || !Number.isInteger(groupId) || groupId <= 0)
            throw new AppError('INVALID_INPUT', 'Give a group id, or --lane safe.');
          const choices = await pickedChoices(ctx, groupId, opts);
          if (opts.dryRun) {
            const dry = await ctx.core.call('merge/dry-run', { groupId, choices });
            ctx.print(
              dry,
              () => `${previewText(dry.preview)}\nDry run recorded as ${dry.runId}; nothing was changed.`,
            );
            return;
          }
          const confirm = parseConfirm(opts.confirm);
          const { plan, preview } = await ctx.core.call('merge/plan', { groupId, choices });
          if (!ctx.options.json) ctx.io.err(`${previewText(preview)}\n`);
          const blocked = plan.guards.filter((g) => g.severity === 'block' || !confirm.includes(g.code));
          if (blocked.length) {
            throw new AppError('GUARD_REFUSED', `Refused: ${blocked.map((g) => g.message).join(' ')}`, {
              guards: blocked,
            });
          }
          await confirmOrRefuse(
            ctx,
            opts.yes,
            `Merge ${plan.loserIds.map((l) => contactLabel(plan, l)).join(', ')} into ${contactLabel(plan, plan.survivorId)}?`,
          );
          const unsubscribe = followSteps(ctx);
          try {
            const detail = await ctx.core.call('merge/execute', { groupId, choices, confirm });
            ctx.print(detail, () => runText(detail));
            if (detail.run.status === 'stale')
              throw new AppError('STALE', detail.run.error?.message ?? 'The records changed since review.');
            if (detail.run.status !== 'completed') {
              throw new AppError(
                detail.run.error?.code === 'CONFLICT' ? 'CONFLICT' : 'REMOTE_ERROR',
                `${detail.run.error?.message ?? detail.run.status} Run \`mergedesk resume ${detail.run.id}\` to continue.`,
              );
            }
          } finally {
            unsubscribe();
          }
        },
      ),
    );

  program
    .command('journal')
    .argument('[run]', 'a run id to show step by step')
    .description('List merge runs (the journal), show one run, or export the audit log.')
    .option('--export <format>', 'print the audit log as csv or json')
    .option('--limit <n>', 'how many runs to list, newest first (max 1000)', '200')
    .option('--offset <n>', 'skip this many of the newest runs', '0')
    .action(
      action(
        async (ctx, run: string | undefined, opts: { export?: string; limit: string; offset: string }) => {
          if (opts.export) {
            if (opts.export !== 'csv' && opts.export !== 'json')
              throw new AppError('INVALID_INPUT', '--export takes csv or json.');
            const out = await ctx.core.call('merge/audit-export', { format: opts.export });
            ctx.io.out(out.content);
            return;
          }
          if (run) {
            const detail = await ctx.core.call('merge/run', { runId: run });
            ctx.print(detail, () => runText(detail));
            return;
          }
          const limit = Number(opts.limit);
          const offset = Number(opts.offset);
          if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
            throw new AppError('INVALID_INPUT', '--limit takes a whole number from 1 to 1000.');
          if (!Number.isInteger(offset) || offset < 0)
            throw new AppError('INVALID_INPUT', '--offset takes a whole number, 0 or more.');
          const runs = await ctx.core.call('merge/runs', { limit, offset });
          ctx.print(runs, () =>
            runs.length === 0
              ? offset > 0
                ? `No merges past the newest ${offset}.`
                : 'No merges yet.'
              : runs
                  .map((r) => {
                    const who = (id: string) => (r.names[id] ? `${r.names[id]} (#${id})` : `#${id}`);
                    return `${r.createdAt}  ${r.id}  ${r.status.padEnd(11)} ${who(r.survivorId)} ← ${r.loserIds.map(who).join(', ')}  steps ${r.stepsDone}/${r.stepsTotal}${r.error ? `  ${r.error.message}` : ''}`;
                  })
                  .join('\n'),
          );
        },
      ),
    );

  program
    .command('resume')
    .argument('[run]', 'one run id (default: every unfinished run)')
    .description('Resume merges a crash, a sleep or a lost connection left unfinished.')
    .action(
      action(async (ctx, run: string | undefined) => {
        const unsubscribe = followSteps(ctx);
        try {
          const runs = await ctx.core.call('merge/resume', run ? { runId: run } : {});
          ctx.print(runs, () =>
            runs.length === 0
              ? 'Nothing to resume.'
              : runs.map((r) => `${r.id}: ${r.status}${r.error ? `  ${r.error.message}` : ''}`).join('\n'),
          );
          if (runs.some((r) => r.status !== 'completed')) process.exitCode = 1;
        } finally {
          unsubscribe();
        }
      }),
    );

  program
    .command('restore')
    .argument('<run>', 'the run id to restore from its before-snapshots')
    .description('Best-effort restore of a merge; says first what cannot come back.')
    .option('--yes', 'do not prompt')
    .action(
      action(async (ctx, run: string, opts: { yes?: boolean }) => {
        const preview = await ctx.core.call('merge/restore-preview', { runId: run });
        if (!ctx.options.json) {
          ctx.io.err(
            [
              'Restore will:',
              ...preview.willDo.map((t) => `  - ${t}`),
              'Cannot come back:',
              ...preview.cannotReturn.map((t) => `  - ${t}`),
              '',
            ].join('\n'),
          );
        }
        if (!preview.possible)
          throw new AppError('CONFLICT', preview.reason ?? 'This run cannot be restored.');
        await confirmOrRefuse(ctx, opts.yes, 'Restore?');
        const result = await ctx.core.call('merge/restore', { runId: run, confirm: true });
        ctx.print(result, () =>
          [
            ...result.recreated.map((r) => `Recreated #${r.oldId} as #${r.newId}`),
            ...result.unarchived.map((id) => `Unarchived #${id}`),
            ...(result.members.length ? ['Access now:'] : []),
            ...result.members.map(
              (m) =>
                `  ${m.displayName ? `${m.displayName} (${m.login})` : m.login}: linked to ${
                  m.contactId ? `${m.contactName ?? 'contact'} #${m.contactId}` : 'no contact'
                }; ${m.accessTags.length ? m.accessTags.join(', ') : 'no access tags'}${
                  m.missing.length ? ` — missing ${m.missing.join(', ')}` : ''
                }`,
            ),
            ...(result.problems.length ? ['Not as before:', ...result.problems.map((p) => `  ${p}`)] : []),
            ...result.notes,
          ].join('\n'),
        );
        if (result.problems.length) process.exitCode = 1;
      }),
    );
}
