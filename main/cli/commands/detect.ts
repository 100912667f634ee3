import type { Command } from 'commander';
import {
  accessSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  openSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { action, globalOptions } from '../runtime';
import { AppError, toErrorShape } from '../../../app/domain/errors';
import { exitCodeFor } from '../exit-codes';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { analyseCsvOnThisThread, startScan } from '../../../app/detect/service';
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

const WRITE_PROBLEMS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  EROFS: 'the disk is read-only',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'the disk is full',
};

function writeProblem(error: unknown, file: string, what: string): AppError {
  const code = (error as { code?: string }).code ?? '';
  return new AppError(
    'INVALID_INPUT',
    `Cannot write the ${what} to ${file}: ${WRITE_PROBLEMS[code] ?? 'the file cannot be written'}.`,
  );
}

/** Refuses an output path that cannot be written before the analysis spends minutes on a big file. */
function assertWritable(file: string, what: string): void {
  const dir = dirname(resolve(file));
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
    if (existsSync(file)) {
      if (statSync(file).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
      accessSync(file, constants.W_OK);
    }
  } catch (error) {
    throw writeProblem(error, file, what);
  }
}

function writeOut(file: string, text: string, what: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw writeProblem(error, file, what);
  }
}

/** CSV mode needs no workspace: it streams a file, writes the pairs and the clusters, and exits. */
async function detectCsv(opts: DetectOptions, json: boolean): Promise<void> {
  if (!opts.out) throw new AppError('INVALID_INPUT', '--csv needs --out PAIRS.csv.');
  assertWritable(opts.out, 'pairs');
  if (opts.clusters) assertWritable(opts.clusters, 'clusters');
  let fd: number;
  try {
    fd = openSync(opts.csv!, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new AppError(
      'NOT_FOUND',
      `Cannot read ${opts.csv}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : 'permission denied'}.`,
    );
  }
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new AppError('INVALID_INPUT', `Cannot read ${opts.csv}: it is a folder.`);
  const settings = defaultDetectSettings();
  if (opts.threshold !== undefined) {
    const t = Number(opts.threshold);
    if (!(t > 0 && t < 1)) throw new AppError('INVALID_INPUT', '--threshold must be between 0 and 1.');
    settings.threshold = t;
    settings.reviewThreshold = Math.min(settings.reviewThreshold, t);
  }
  const map = parseMap(opts.map);
  // Streamed, a file as a pipe: the analysis holds the records it has read, never the file.
  const source = createReadStream('', { fd, highWaterMark: 1 << 20 });
  const a = await analyseCsvOnThisThread(source, {
    settings,
    map,
    linkage: Boolean(opts.linkage),
    ...(stat.isFile() ? { totalBytes: stat.size } : {}),
    previewLimit: 0,
  });
  writeOut(opts.out, a.pairsCsv, 'pairs');
  if (opts.clusters) writeOut(opts.clusters, a.clustersCsv, 'clusters');
  const summary = {
    records: a.records,
    encoding: a.encoding,
    delimiter: a.delimiter,
    recognised: a.recognised,
    ignored: a.ignored,
    warnings: a.warnings,
    duplicateIds: a.duplicateIds,
    comparisons: a.comparisons,
    pairs: a.pairs,
    groups: a.groups,
    lanes: a.lanes,
    millis: a.millis,
  };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    for (const w of a.warnings) process.stderr.write(`mergedesk: warning: ${w}\n`);
    process.stdout.write(
      `${a.records} records (${a.encodingLabel}, ${a.delimiterLabel}-separated), ${a.comparisons} comparisons, ${a.pairs} pairs in ${a.groups} groups ` +
        `(safe ${a.lanes.safe}, needs a choice ${a.lanes.needs_choice}, maybe two people ${a.lanes.maybe_two_people}) -> ${opts.out}\n`,
    );
  }
}

export function registerDetect(program: Command): void {
  const workspaceScan = action(async (ctx, opts: DetectOptions) => {
    const { finished, jobId } = startScan(ctx.core.context, opts.full ? 'full' : 'incremental');
    const off = ctx.core.events.subscribe((e) => {
      if (e.name !== 'detect/progress') return;
      const p = e.payload as EventMap['detect/progress'];
      if (p.jobId === jobId) {
        ctx.progress(`${p.message ?? p.phase}${p.total ? ` ${p.done}/${p.total}` : ''}`);
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
          await detectCsv(opts, json);
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
