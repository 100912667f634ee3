// Child process of bench/detect.ts: one `detect --csv` analysis of a file, so peak RSS and CPU time are its own.
// Run: npx tsx bench/detect-csv.ts <file.csv>
import { createReadStream, statSync } from 'node:fs';
import { analyseCsv } from '../app/detect/csv';
import { defaultDetectSettings } from '../app/detect/settings';
import { useBundledDetectWorker } from './worker-bundle';

const [file] = process.argv.slice(2);
// As in the app: a second scoring thread (many candidates a record) runs from the bundle.
useBundledDetectWorker();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// Streamed in 1 MB chunks, as `mergedesk detect --csv` reads a file.
const result = await analyseCsv(createReadStream(file!, { highWaterMark: 1 << 20 }), {
  settings: defaultDetectSettings(),
  previewLimit: 0,
  totalBytes: statSync(file!).size,
});
const millis = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const fileMb = statSync(file!).size / 1024 ** 2;
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(
  JSON.stringify({
    millis,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb,
    fileMb,
    records: result.records,
    comparisons: result.comparisons,
    pairs: result.pairs,
    groups: result.groups,
  }) + '\n',
);
