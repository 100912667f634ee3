/**
 * Worker-thread entry for a full scan's key writer. Apart from `worker.ts` so the thread loads only the database
 * and the key store, not the network, validation, normalising and CSV modules a scan's other work imports (60–90 ms
 * of CPU to start, where the bundle of `worker.ts` takes 0.4–0.5 s).
 */
import { workerData } from 'node:worker_threads';
import { writeKeysInThread, type KeyWriteTask } from './key-writer';

void writeKeysInThread(workerData as KeyWriteTask).catch(() => undefined);
