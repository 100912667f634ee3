// Benchmarks run the core from source, but the app runs its detect worker threads from the esbuild bundle: a
// thread started from the TypeScript source would spend its first second compiling, which the app never pays.
// The bundles are built by each benchmark process (as `npm run build` does), beside node_modules so their
// external dependencies resolve.
import { buildSync } from 'esbuild';
import { resolve } from 'node:path';
import { useDetectWorkerFile, useScanThreadWorkerFile } from '../app/detect/threads';

const DIR = resolve('node_modules/.cache/mergedesk-bench');

export function buildDetectWorker(entry = 'worker', name = 'detect-worker'): string {
  const outfile = `${DIR}/${name}.mjs`;
  buildSync({
    entryPoints: [resolve(`app/detect/${entry}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

/** Detection in this process starts its worker threads from the bundles, as the app does. */
export function useBundledDetectWorker(): void {
  useDetectWorkerFile(buildDetectWorker());
  useScanThreadWorkerFile(buildDetectWorker('scan-thread-worker', 'detect-scan-thread'));
}
