/**
 * Worker-thread entry for a full scan's writer. Apart from `worker.ts` so the thread loads only the database, the
 * scan's stores and the record reads, not the network, validation, normalising and CSV modules a scan's other work
 * imports (the bundle of `worker.ts` takes 0.4–0.5 s of CPU to start).
 */
import { workerData } from 'node:worker_threads';
import { writeScanInThread, type ScanWriteTask } from './scan-writer';

void writeScanInThread(workerData as ScanWriteTask).catch(() => undefined);
