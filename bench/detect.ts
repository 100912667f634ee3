// Detection benchmark: quality on the labelled data found on disk, then speed and memory against the budget
// table (synthetic workspaces; CRM-style CSV exports). Each measured run is its own process so peak RSS and CPU
// time are the run's own; on a shared machine the CPU time is the steadier figure.
// Run: npm run bench:detect [-- --speed] [-- --quality-only] [-- --sizes 100000,1000000] [-- --csv-rows 100000,1000000]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, loadSets } from './detect-quality';
import { seedWorkspace, touchContacts } from './detect-synthetic';
import { CRM_SEEDS, writeCrmCsv } from './crm-style/generate';
import { openDatabase } from '../app/store/database';

const args = process.argv.slice(2);
const listArg = (name: string, fallback: number[]): number[] => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]!.split(',').map(Number) : fallback;
};
const qualityOnly = args.includes('--quality-only');
const speedOnly = args.includes('--speed') || args.includes('--skip-quality');
const sizes = qualityOnly ? [] : listArg('--sizes', [100_000, 1_000_000]);
const csvRows = qualityOnly ? [] : listArg('--csv-rows', [100_000, 1_000_000]);
/** Generated CSV files are kept here between runs (they take a minute at 1M rows). */
const CSV_DIR = process.env.BENCH_CSV_DIR ?? join(tmpdir(), 'md-bench-crm-style');

if (!speedOnly) {
  console.log('Quality at the default settings (pairs = every pair inside a group)');
  console.log(
    'data set                  records  compared  true pairs | P@thr   R@thr   F1@thr | review lanes: P  R',
  );
  for (const set of loadSets()) {
    const q = evaluate(set);
    console.log(
      `${q.set.padEnd(24)} ${String(q.records).padStart(8)} ${String(q.comparisons).padStart(9)} ${String(q.truePairs).padStart(11)} | ` +
        `${q.precision.toFixed(4)}  ${q.recall.toFixed(4)}  ${q.f1.toFixed(4)} | ${q.reviewPrecision.toFixed(4)}  ${q.reviewRecall.toFixed(4)}` +
        `  lanes ${JSON.stringify(q.lanes)}`,
    );
  }
}

interface Run {
  millis: number;
  cpuMs: number;
  maxRssMb: number;
}

function child<T extends Run>(script: string, ...rest: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...rest], {
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
    seedWorkspace(file, size).close();
    const seedS = (performance.now() - t0) / 1000;
    type Scan = Run & { summary: { groups: number; comparisons: number; pairs: number; changed: number } };
    const full = child<Scan>('bench/detect-scan.ts', file, 'full');
    const db = openDatabase(file);
    touchContacts(db, 1000);
    db.close();
    const inc = child<Scan>('bench/detect-scan.ts', file, 'incremental');
    console.log(
      `synthetic ${n(size)} contacts: full scan ${fig(full)}, ${n(full.summary.comparisons)} comparisons, ` +
        `${n(full.summary.groups)} groups | incremental after ${n(inc.summary.changed)} changed: ${fig(inc)}, ` +
        `${n(inc.summary.comparisons)} comparisons | seeding ${seedS.toFixed(1)} s`,
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
    `| detect --csv, ${n(rows)} CRM-style rows | ${fig(r)} | ${rows >= 1_000_000 ? '≤ 45 s, ≤ 2 GB' : '≤ 4 s'} |`,
    `| detect --csv memory, ${n(rows)} rows | ${ratio.toFixed(1)}× the file | ≤ 20× |`,
  );
}

if (budget.length) {
  console.log('\n| measured | this run | budget |\n|---|---|---|');
  for (const line of budget) console.log(line);
}
