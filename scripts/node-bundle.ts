import { buildSync } from 'esbuild';
import { resolve } from 'node:path';

/**
 * Bundles a TypeScript entry (a path from the repository root) into one ES module for Node, as the app's build
 * does: dependencies stay external, so `outfile` must sit beside node_modules for them to resolve. Benchmarks and
 * tests use it for the processes and threads they measure or start, which would otherwise compile under tsx.
 */
export function bundleForNode(entry: string, outfile: string): void {
  buildSync({
    entryPoints: [resolve(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
}
