/**
 * Worker-thread entry for scans: opens its own connection to the workspace cache (WAL lets the UI keep reading),
 * runs the scan and reports progress. Cancellation is a shared flag the scan checks between steps.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database';
import { toErrorShape } from '../domain/errors';
import { runScan, type ScanJob } from './run';

const job = workerData as ScanJob & { cancel: SharedArrayBuffer };
const flag = new Int32Array(job.cancel);
const db = openDatabase(job.dbFile);
try {
  const summary = runScan(db, job, {
    isCancelled: () => Atomics.load(flag, 0) === 1,
    progress: (phase, done, total) => parentPort?.postMessage({ type: 'progress', phase, done, total }),
  });
  parentPort?.postMessage({ type: 'done', summary });
} catch (error) {
  parentPort?.postMessage({ type: 'error', error: toErrorShape(error) });
} finally {
  db.close();
}
