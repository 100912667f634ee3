/**
 * Worker-thread entry for a full scan's second threads: the writer of its blocking keys and the reader of the
 * upper half of its records. Apart from `worker.ts` so such a thread loads only the database, the normalisers
 * and these two modules, not the network, validation and CSV modules a scan's other work imports (the bundle of
 * `worker.ts` spends about a third of a second of CPU loading those before a thread can start).
 */
import { workerData } from 'node:worker_threads';
import { writeKeysInThread, type KeyWriteTask } from './key-writer';
import { loadFeaturesInThread, type FeatureLoadTask } from './feature-loader';

const task = workerData as KeyWriteTask | FeatureLoadTask;
if (task.kind === 'write-keys') void writeKeysInThread(task).catch(() => undefined);
else loadFeaturesInThread(task);
