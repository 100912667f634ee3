import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { action, globalOptions } from '../runtime';
import { AppError, toErrorShape } from '../../../app/domain/errors';
import { exitCodeFor } from '../exit-codes';
import { clustersCsv, pairsCsv, parseContactsCsv, reviewPairs } from '../../../app/detect/csv';
import { detect } from '../../../app/detect/engine';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { startScan } from '../../../app/detect/service';
import type { DetectLane, EventMap } from '../../../app/api/contract';

interface DetectOptions {
  readonly csv?: string;
  readonly out?: string;
  readonly clusters?: string;
  readonly map?: string[];
  readonly full?: boolean;
  readonly linkage?: boolean;
  readonly threshold?: string;
}

function parseMap(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0 || eq === p.length - 1)
      throw new AppError('INVALID_INPUT', `--map expects field=column, got "${p}".`);
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

/** CSV mode needs no workspace: it reads a file, writes the pairs and the clusters, and exits. */
function detectCsv(opts: DetectOptions, json: boolean): void {
  if (!opts.out) throw new AppError('INVALID_INPUT', '--csv needs --out PAIRS.csv.');
  let text: string;
  try {
    text = readFileSync(opts.csv!, 'utf8');
  } catch {
    throw new AppError('NOT_FOUND', `Cannot read ${opts.csv}.`);
  }
  const settings = defaultDetectSettings();
  if (opts.threshold !== undefined) {
    const t = Number(opts.threshold);
    if (!(t > 0 && t < 1)) throw new AppError('INVALID_INPUT', '--threshold must be between 0 and 1.');
    settings.threshold = t;
    settings.reviewThreshold = Math.min(settings.reviewThreshold, t);
  }
  const { records, columns } = parseContactsCsv(text, parseMap(opts.map));
  const started = performance.now();
  const result = detect(records, { settings, linkage: Boolean(opts.linkage) });
  const rows = reviewPairs(result, settings);
  writeFileSync(opts.out, pairsCsv(rows));
  if (opts.clusters) writeFileSync(opts.clusters, clustersCsv(result));
  const lanes: Record<DetectLane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  for (const g of result.groups) lanes[g.lane] += 1;
  const summary = {
    records: records.length,
    recognised: Object.fromEntries(
      Object.entries(columns.map).map(([f, idx]) => [f, (idx ?? []).map((i) => columns.header[i])]),
    ),
    ignored: columns.ignored,
    comparisons: result.stats.comparisons,
    pairs: rows.length,
    groups: result.groups.length,
    lanes,
    millis: Math.round(performance.now() - started),
  };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else
    process.stdout.write(
      `${records.length} records, ${result.stats.comparisons} comparisons, ${rows.length} pairs in ${result.groups.length} groups ` +
        `(safe ${lanes.safe}, needs a choice ${lanes.needs_choice}, maybe two people ${lanes.maybe_two_people}) -> ${opts.out}\n`,
    );
}

export function registerDetect(program: Command): void {
  const workspaceScan = action(async (ctx, opts: DetectOptions) => {
    const { finished, jobId } = startScan(ctx.core.context, opts.full ? 'full' : 'incremental');
    const off = ctx.core.events.subscribe((e) => {
      if (e.name !== 'detect/progress') return;
      const p = e.payload as EventMap['detect/progress'];
      if (p.jobId === jobId) {
        ctx.progress(`${p.phase}${p.total ? ` ${p.done}/${p.total}` : ''}`);
      }
    });
    const onAbort = () => ctx.core.call('detect/scan/cancel', {});
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const s = await finished;
      ctx.print(s, () =>
        [
          `${s.mode} scan: ${s.contacts} contacts (${s.changed} re-keyed), ${s.comparisons} comparisons, ${s.pairs} pairs, ${s.groups} open groups in ${s.millis} ms`,
          `  safe ${s.lanes.safe}   needs a choice ${s.lanes.needs_choice}   maybe two people ${s.lanes.maybe_two_people}`,
          ...s.rules.map(
            (r) =>
              `  rule ${r.rule.padEnd(16)} ${String(r.comparisons).padStart(9)} comparisons, ${String(r.newPairs).padStart(8)} new` +
              (r.windowedBlocks
                ? `, ${r.windowedBlocks} large blocks compared in sorted neighbourhoods`
                : '') +
              (r.skippedBlocks
                ? `, ${r.skippedBlocks} oversized blocks skipped (largest ${r.largestSkipped})`
                : ''),
          ),
        ].join('\n'),
      );
    } finally {
      off();
      ctx.signal.removeEventListener('abort', onAbort);
    }
  });

  program
    .command('detect')
    .description('Find duplicates: scan the workspace cache, or analyse a CSV export with --csv.')
    .option('--csv <file>', 'analyse this CSV instead of the workspace (header row required)')
    .option('--out <file>', 'with --csv: write pairs here (id_a,id_b,score,lane)')
    .option('--clusters <file>', 'with --csv: write the groups here (id,group)')
    .option(
      '--map <field=column...>',
      'with --csv: name the column of a field (id, email, given, family, phone, …)',
    )
    .option('--linkage', 'with --csv: only pair records from different sources')
    .option('--threshold <p>', 'with --csv: match probability threshold')
    .option('--full', 'full re-scan instead of only what changed since the last scan')
    .action(async (opts: DetectOptions, command: Command) => {
      if (opts.csv !== undefined) {
        const json = Boolean(globalOptions(command).json);
        try {
          detectCsv(opts, json);
        } catch (error) {
          const shape = toErrorShape(error);
          if (json) process.stdout.write(`${JSON.stringify({ error: shape }, null, 2)}\n`);
          process.stderr.write(`mergedesk: ${shape.message}\n`);
          process.exitCode = exitCodeFor(shape.code);
        }
        return;
      }
      await workspaceScan(opts, command);
    });

  program
    .command('groups')
    .description('List open duplicate groups.')
    .option('--lane <lane>', 'safe | needs_choice | maybe_two_people')
    .option('--search <text>', 'names, emails or phones containing this text')
    .option('--limit <n>', 'how many (max 500)', '50')
    .action(
      action(async (ctx, opts: { lane?: string; search?: string; limit: string }) => {
        const lane = opts.lane as DetectLane | undefined;
        if (lane && !['safe', 'needs_choice', 'maybe_two_people'].includes(lane))
          throw new AppError('INVALID_INPUT', '--lane must be safe, needs_choice or maybe_two_people.');
        const list = await ctx.core.call('groups/list', {
          ...(lane ? { lane } : {}),
          ...(opts.search ? { search: opts.search } : {}),
          limit: Math.min(500, Math.max(1, Number(opts.limit) || 50)),
        });
        ctx.print(list, () =>
          list.items.length === 0
            ? 'No open duplicate groups. Run `mergedesk detect` after a sync.'
            : [
                `${list.total} groups (safe ${list.lanes.safe}, needs a choice ${list.lanes.needs_choice}, maybe two people ${list.lanes.maybe_two_people})`,
                ...list.items.map(
                  (g) =>
                    `#${String(g.id).padEnd(7)} ${g.lane.padEnd(17)} ${g.score.toFixed(3)}  ${g.size} records  ${g.names}  — ${g.reason}`,
                ),
              ].join('\n'),
        );
      }),
    );
}
