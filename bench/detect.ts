// Detection benchmark: quality on the labelled data found on disk and on CRM-style lists, then speed and memory on
// synthetic workspaces.
// Run: npm run bench:detect [-- --quality] [-- --crm 100000,500000] [-- --speed] [-- --sizes 100000,1000000]
//   --quality  FEBRL 1–4 (and the other labelled sets found) and the CRM-style list of 6,000
//   --crm      CRM-style lists of these sizes, each in its own process (its peak RSS)
//   --speed    the synthetic workspace scans (sizes from --sizes)
//   --csv-rows `detect --csv` on CRM-style files of these sizes (default with --speed: 100000,1000000)
// BENCH_SEEDED_DIR keeps the seeded synthetic workspaces between runs (each run scans a copy).
// With none of them, all run (CRM-style at 100k and 500k). The speed part prints the budget table with wall time,
// the process's CPU time and peak RSS (each run its own process); on a shared machine the CPU time is steadier.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { crmSet, evaluate, loadSets, printQuality } from './detect-quality';
import { seedWorkspace, touchContacts } from './detect-synthetic';
import { CRM_SEEDS, writeCrmCsv } from './crm-style/generate';
import { openDatabase } from '../app/store/database';
import { bundleEntry } from './worker-bundle';

const args = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  const v = i >= 0 ? args[i + 1] : undefined;
  return v && !v.startsWith('--') ? v : undefined;
};
const parts = ['--quality', '--crm', '--speed', '--sizes', '--csv-rows', '--skip-quality'].filter((f) =>
  args.includes(f),
);
const all = parts.length === 0 && !args.includes('--quality-only');
const runQuality = all || args.includes('--quality') || args.includes('--quality-only');
const crmSizes =
  all || args.includes('--crm') ? (value('--crm') ?? '100000,500000').split(',').map(Number) : [];
const sizesArg = value('--sizes');
const sizes =
  all || args.includes('--speed') || args.includes('--sizes')
    ? sizesArg
      ? sizesArg.split(',').map(Number)
      : [100_000, 1_000_000]
    : [];
const csvArg = value('--csv-rows');
const csvRows =
  all || args.includes('--speed') || args.includes('--csv-rows')
    ? (csvArg ?? '100000,1000000').split(',').map(Number)
    : [];
/**
 * A seeded (never scanned) workspace per size is kept here between runs when set: seeding a million contacts takes
 * minutes, and each run scans a copy, so every run starts from the same first scan.
 */
const SEEDED_DIR = process.env.BENCH_SEEDED_DIR;

function seeded(size: number, file: string): void {
  if (!SEEDED_DIR) {
    seedWorkspace(file, size).close();
    return;
  }
  mkdirSync(SEEDED_DIR, { recursive: true });
  const kept = join(SEEDED_DIR, `synthetic-${size}.db`);
  if (!existsSync(kept)) {
    const db = seedWorkspace(`${kept}.partial`, size);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    renameSync(`${kept}.partial`, kept);
  }
  copyFileSync(kept, file);
}

/** Generated CSV files are kept here between runs (they take a minute at 1M rows). */
const CSV_DIR = process.env.BENCH_CSV_DIR ?? join(tmpdir(), 'md-bench-crm-style');

if (runQuality) {
  console.log(
    'Quality at the default settings (pairs shown to a reviewer, by the best lane they are shown in)',
  );
  for (const set of [...loadSets(), crmSet(6000)]) printQuality(evaluate(set));
}

for (const rows of crmSizes) {
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=8192', '--import', 'tsx', 'bench/detect-quality.ts', '--crm', String(rows)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  process.stdout.write(out);
}

interface Run {
  millis: number;
  cpuMs: number;
  maxRssMb: number;
}

/** Runs a measured child from its bundle (see `worker-bundle.ts`): its peak RSS is the scan's, not a compiler's. */
function child<T extends Run>(script: string, ...rest: string[]): T {
  const bundle = bundleEntry(script, `child-${basename(script, '.ts')}`);
  const out = execFileSync(process.execPath, [bundle, ...rest], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fig = (r: Run) => `${s(r.millis)} (CPU ${s(r.cpuMs)}), peak RSS ${r.maxRssMb} MB`;
const n = (x: number) => x.toLocaleString('en-US');
const budget: string[] = [];

if (sizes.length || csvRows.length)
  console.log('\nSpeed and memory (2 cores shared: wall time, CPU time of the process, peak RSS)');

for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'md-bench-detect-'));
  const file = join(dir, 'mergedesk.db');
  try {
    const t0 = performance.now();
    seeded(size, file);
    const seedS = (performance.now() - t0) / 1000;
    type Scan = Run & {
      checkpointMillis: number;
      summary: { groups: number; comparisons: number; pairs: number; changed: number };
    };
    const after = (r: Scan) => `; then, after the answer, the checkpoint ${s(r.checkpointMillis)}`;
    const full = child<Scan>('bench/detect-scan.ts', file, 'full');
    const db = openDatabase(file);
    touchContacts(db, 1000);
    db.close();
    const inc = child<Scan>('bench/detect-scan.ts', file, 'incremental');
    console.log(
      `synthetic ${n(size)} contacts: full scan ${fig(full)}, ${n(full.summary.comparisons)} comparisons, ` +
        `${n(full.summary.groups)} groups${after(full)} | incremental after ${n(inc.summary.changed)} changed: ` +
        `${fig(inc)}, ${n(inc.summary.comparisons)} comparisons${after(inc)} | seeding ${seedS.toFixed(1)} s`,
    );
    budget.push(
      `| full scan, ${n(size)} synthetic | ${fig(full)} | ${size >= 1_000_000 ? '≤ 30 s, ≤ 1.5 GB' : '≤ 3 s'} |`,
      `| incremental after 1k changes, ${n(size)} | ${fig(inc)} | ${size >= 1_000_000 ? '≤ 0.5 s' : '—'} |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const rows of csvRows) {
  mkdirSync(CSV_DIR, { recursive: true });
  const file = join(CSV_DIR, `crm-${rows}.csv`);
  if (!existsSync(file)) writeCrmCsv(file, { rows, seed: CRM_SEEDS.evaluation });
  type Csv = Run & { fileMb: number; records: number; comparisons: number; pairs: number; groups: number };
  const r = child<Csv>('bench/detect-csv.ts', file);
  const ratio = r.maxRssMb / r.fileMb;
  console.log(
    `detect --csv, ${n(rows)} CRM-style rows (${r.fileMb.toFixed(1)} MB): ${fig(r)} = ${ratio.toFixed(1)}× the file, ` +
      `${n(r.comparisons)} comparisons (${(r.comparisons / r.records).toFixed(2)} per record), ${n(r.pairs)} pairs in ${n(r.groups)} groups`,
  );
  budget.push(
    `| detect --csv, ${n(rows)} CRM-style rows | ${fig(r)} | ${rows >= 1_000_000 ? '≤ 45 s, ≤ 2 GB' : rows >= 500_000 ? '≤ 25 s' : '≤ 4 s'} |`,
    `| detect --csv memory, ${n(rows)} rows | ${ratio.toFixed(1)}× the file | ≤ 20× |`,
  );
}

if (budget.length) {
  console.log('\n| measured | this run | budget |\n|---|---|---|');
  for (const line of budget) console.log(line);
}
