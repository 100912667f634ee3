// Detection benchmark: quality on the labelled data found on disk, then speed and memory on synthetic workspaces.
// Run: npm run bench:detect [-- --sizes 100000,1000000] [-- --skip-quality] [-- --quality-only]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, loadSets } from './detect-quality';
import { seedWorkspace, touchContacts } from './detect-synthetic';

const args = process.argv.slice(2);
const sizesArg = args[args.indexOf('--sizes') + 1];
const sizes = args.includes('--quality-only')
  ? []
  : args.includes('--sizes') && sizesArg
    ? sizesArg.split(',').map(Number)
    : [100_000, 1_000_000];

if (!args.includes('--skip-quality')) {
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

function scan(
  file: string,
  mode: string,
): {
  millis: number;
  maxRssMb: number;
  summary: { groups: number; comparisons: number; pairs: number; changed: number };
} {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/detect-scan.ts', file, mode], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'md-bench-detect-'));
  const file = join(dir, 'mergedesk.db');
  try {
    const t0 = performance.now();
    seedWorkspace(file, n).close();
    const seedS = (performance.now() - t0) / 1000;
    const full = scan(file, 'full');
    const db = seedWorkspace.length ? (await import('../app/store/database')).openDatabase(file) : null;
    touchContacts(db!, 1000);
    db!.close();
    const inc = scan(file, 'incremental');
    console.log(
      `synthetic ${n.toLocaleString('en')} contacts: full scan ${(full.millis / 1000).toFixed(2)} s, peak RSS ${full.maxRssMb} MB, ` +
        `${full.summary.comparisons} comparisons, ${full.summary.groups} groups | incremental after ${inc.summary.changed} changed: ` +
        `${(inc.millis / 1000).toFixed(3)} s (${inc.summary.comparisons} comparisons), peak RSS ${inc.maxRssMb} MB | seeding ${seedS.toFixed(1)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
