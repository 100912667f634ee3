// A detect worker whose key writer fails at once (a disk full, a locked file): the scan must store the keys itself.
import { workerData } from 'node:worker_threads';

const state = new Int32Array(workerData.control);
Atomics.store(state, 1, 2);
Atomics.notify(state, 1);
