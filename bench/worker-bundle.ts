// Benchmarks run the core from source, but the app runs its detect worker threads from the esbuild bundle: a
// thread started from the TypeScript source would spend its first second compiling, which the app never pays.
// The bundle is built once per benchmark run (as `npm run build` does), beside node_modules so its external
// dependencies resolve.
import { buildSync } from 'esbuild';
import { resolve } from 'node:path';
import { useDetectWorkerFile } from '../app/detect/threads';

const OUT = resolve('node_modules/.cache/mergedesk-bench/detect-worker.mjs');

export function buildDetectWorker(): string {
  buildSync({
    entryPoints: [resolve('app/detect/worker.ts')],
    outfile: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return OUT;
}

/** Detection in this process starts its worker threads from the bundle (built by the parent benchmark or here). */
export function useBundledDetectWorker(): void {
  useDetectWorkerFile(process.env.MD_BENCH_DETECT_WORKER ?? buildDetectWorker());
}
