// The app runs its core and its detect worker threads from esbuild bundles: a process or thread started from the
// TypeScript source would spend its first second compiling and hold the compiler's memory, which the app never
// pays. So the measured children of a benchmark and their threads run from bundles too, built by the benchmark
// (as `npm run build` does) beside node_modules so their external dependencies resolve.
import { resolve } from 'node:path';
import { useDetectWorkerFile, useScanThreadWorkerFile } from '../app/detect/threads';
import { bundleForNode } from '../scripts/node-bundle';

const DIR = resolve('node_modules/.cache/mergedesk-bench');

/** Bundles `entry` (a path from the repository root) beside node_modules; returns the bundle's path. */
export function bundleEntry(entry: string, name: string): string {
  const outfile = `${DIR}/${name}.mjs`;
  bundleForNode(entry, outfile);
  return outfile;
}

export function buildDetectWorker(entry = 'worker', name = 'detect-worker'): string {
  return bundleEntry(`app/detect/${entry}.ts`, name);
}

/** Detection in this process starts its worker threads from the bundles, as the app does. */
export function useBundledDetectWorker(): void {
  useDetectWorkerFile(buildDetectWorker());
  useScanThreadWorkerFile(buildDetectWorker('scan-thread-worker', 'detect-scan-thread'));
}
