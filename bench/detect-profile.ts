// Iteration aid: seeds a synthetic workspace once at a fixed path, then runs one full scan printing phase times.
// Run: npx tsx bench/detect-profile.ts /tmp/md-100k.db 100000 [full|incremental|kernel]
//   kernel: loads the records, then times the in-memory detection alone, phase by phase (wall and CPU), with the
//   comparisons each blocking rule made; nothing is written to the workspace.
import { existsSync } from 'node:fs';
import type { CountryCode } from 'libphonenumber-js/min';
import { openDatabase } from '../app/store/database';
import { fullScan } from '../app/detect/scan';
import { incrementalScan } from '../app/detect/rescan';
import { connectionIds } from '../app/detect/store';
import { recordChunks } from '../app/detect/record-reads';
import { detectFeatures } from '../app/detect/engine';
import { extractFeatures, FeatureMemo } from '../app/detect/features';
import { defaultDetectSettings } from '../app/detect/settings';
import { useBundledDetectWorker } from './worker-bundle';
import type { Features } from '../app/detect/types';
import { seedWorkspace, touchContacts } from './detect-synthetic';

const [file, size, mode] = process.argv.slice(2);
// Worker threads (the key writer, a second scoring thread) run from the bundle, as in the app.
useBundledDetectWorker();
if (!existsSync(file!)) seedWorkspace(file!, Number(size)).close();
const db = openDatabase(file!);
if (mode === 'incremental') touchContacts(db, 1000);
const settings = defaultDetectSettings();
const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return Math.round((c.user + c.system) / 1000);
};

if (mode === 'kernel') {
  const records = [];
  for (const connectionId of connectionIds(db))
    for (const chunk of recordChunks(db, connectionId, 50_000)) records.push(...chunk);
  db.close();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const memo = new FeatureMemo();
  const region = settings.phoneRegion as CountryCode;
  const features: Features[] = records.map((r) => extractFeatures(r, region, memo));
  const normalise = { millis: Math.round(performance.now() - t0), cpuMs: cpuMs(cpu0) };
  records.length = 0;
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const result = detectFeatures(features, { settings, keepFrom: 0.05 });
  const kernel = { millis: Math.round(performance.now() - t1), cpuMs: cpuMs(cpu1) };
  console.log(
    JSON.stringify({
      records: features.length,
      normalise,
      kernel,
      phases: result.stats.millis,
      scoringThreads: result.stats.scoringThreads,
      featuresHeapMb: Math.round((process.memoryUsage().heapUsed - heap0) / 1024 ** 2),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      comparisons: result.stats.comparisons,
      perRule: Object.fromEntries(result.stats.rules.map((r) => [r.rule, r.comparisons])),
      pairs: result.pairs.length,
      groups: result.groups.length,
      largestGroup: Math.max(0, ...result.groups.map((g) => g.members.length)),
    }),
  );
} else {
  const options = {
    settings,
    now: () => new Date().toISOString(),
    onProgress: (() => {
      let last = '';
      let t = performance.now();
      const t0 = t;
      return (phase: string) => {
        if (phase === last) return;
        const now = performance.now();
        if (last)
          process.stderr.write(
            `${last.padEnd(16)} ${Math.round(now - t)} ms (at ${Math.round(now - t0)}), RSS ${Math.round(process.memoryUsage().rss / 1024 ** 2)} MB\n`,
          );
        last = phase;
        t = now;
      };
    })(),
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = mode === 'incremental' ? incrementalScan(db, options) : fullScan(db, options);
  const millis = performance.now() - t0;
  db.close();
  console.log(
    JSON.stringify({
      millis: Math.round(millis),
      cpuMs: cpuMs(cpu0),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      comparisons: summary.comparisons,
      groups: summary.groups,
      pairs: summary.pairs,
      changed: summary.changed,
    }),
  );
}
