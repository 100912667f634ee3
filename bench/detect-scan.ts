// Child process of bench/detect.ts: one scan over a prepared workspace, so peak RSS is the scan's own.
import { openDatabase } from '../app/store/database';
import { fullScan, incrementalScan } from '../app/detect/scan';
import { defaultDetectSettings } from '../app/detect/settings';

const [file, mode] = process.argv.slice(2);
const db = openDatabase(file!);
const options = { settings: defaultDetectSettings(), now: () => new Date().toISOString() };
const t0 = performance.now();
const summary = mode === 'incremental' ? incrementalScan(db, options) : fullScan(db, options);
const millis = performance.now() - t0;
db.close();
process.stdout.write(
  JSON.stringify({ millis, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), summary }) + '\n',
);
