// A scan writer thread that fails at once (a disk full, a locked file): it reports through control[1], where 2
// means failed. The scan must then store the keys and its output itself.
import { workerData } from 'node:worker_threads';

const state = new Int32Array(workerData.control);
Atomics.store(state, 1, 2);
Atomics.notify(state, 1);
Atomics.notify(state, 0);
