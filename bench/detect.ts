// Detection benchmark: quality on the labelled data found on disk and on CRM-style lists, then speed and memory on
// synthetic workspaces.
// Run: npm run bench:detect [-- --quality] [-- --crm 100000,500000] [-- --speed] [-- --sizes 100000,1000000]
//   --quality  FEBRL 1–4 (and the other labelled sets found) and the CRM-style list of 6,000
//   --crm      CRM-style lists of these sizes, each in its own process (its peak RSS)
//   --speed    the synthetic workspace scans (sizes from --sizes)
// With none of the three, all run (CRM-style at 100k and 500k).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crmSet, evaluate, loadSets, printQuality } from './detect-quality';
import { seedWorkspace, touchContacts } from './detect-synthetic';

const args = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  const v = i >= 0 ? args[i + 1] : undefined;
  return v && !v.startsWith('--') ? v : undefined;
};
const parts = ['--quality', '--crm', '--speed', '--sizes', '--skip-quality'].filter((f) => args.includes(f));
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
