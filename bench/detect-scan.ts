// Child process of bench/detect.ts: one scan over a prepared workspace, so peak RSS and CPU time are the scan's.
import { closeScanConnection, openScanConnection } from '../app/detect/scan-connection';
import { fullScan } from '../app/detect/scan';
import { incrementalScan } from '../app/detect/rescan';
import { defaultDetectSettings } from '../app/detect/settings';
import { useBundledDetectWorker } from './worker-bundle';

const [file, mode] = process.argv.slice(2);
// As in the app: the scan's key writer (and, for a large candidate set, a second scoring thread) run as threads.
useBundledDetectWorker();
// As the detect worker opens it: the checkpoint of what the scan wrote comes after the answer (timed apart below).
const db = openScanConnection(file!);
const options = { settings: defaultDetectSettings(), now: () => new Date().toISOString() };
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const summary = mode === 'incremental' ? incrementalScan(db, options) : fullScan(db, options);
const millis = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const c0 = performance.now();
closeScanConnection(db);
const checkpointMillis = performance.now() - c0;
process.stdout.write(
  JSON.stringify({
    millis,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    checkpointMillis,
    summary,
  }) + '\n',
);
