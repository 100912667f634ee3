// Iteration aid: seeds a synthetic workspace once at a fixed path, then runs one full scan printing phase times.
// Run: npx tsx bench/detect-profile.ts /tmp/md-100k.db 100000 [full|incremental]
import { existsSync } from 'node:fs';
import { openDatabase } from '../app/store/database';
import { fullScan, incrementalScan } from '../app/detect/scan';
import { defaultDetectSettings } from '../app/detect/settings';
import { seedWorkspace, touchContacts } from './detect-synthetic';

const [file, size, mode] = process.argv.slice(2);
if (!existsSync(file!)) seedWorkspace(file!, Number(size)).close();
const db = openDatabase(file!);
if (mode === 'incremental') touchContacts(db, 1000);
const options = {
  settings: defaultDetectSettings(),
  now: () => new Date().toISOString(),
  onProgress: (() => {
    let last = '';
    let t = performance.now();
    const t0 = t;
    return (phase: string) => {
      if (phase === last) return;
      const now = performance.now();
      if (last)
        process.stderr.write(`${last.padEnd(16)} ${Math.round(now - t)} ms (at ${Math.round(now - t0)})\n`);
      last = phase;
      t = now;
    };
  })(),
};
const t0 = performance.now();
const summary = mode === 'incremental' ? incrementalScan(db, options) : fullScan(db, options);
const millis = performance.now() - t0;
db.close();
console.log(
  JSON.stringify({
    millis: Math.round(millis),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    comparisons: summary.comparisons,
    groups: summary.groups,
    pairs: summary.pairs,
    changed: summary.changed,
  }),
);
