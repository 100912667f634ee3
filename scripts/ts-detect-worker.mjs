// Runs the detect worker from its TypeScript source (benchmarks and tests run unbuilt): worker threads do not
// inherit the parent's loader, so this registers tsx, then loads the worker, which reads the same workerData.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../app/detect/worker.ts', import.meta.url).href);
