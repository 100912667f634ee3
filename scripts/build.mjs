// Bundles every Node entry point with esbuild (dependencies stay external and load from node_modules) and builds
// the renderer with Vite. One command, a few seconds, no Electron binary needed.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const nodeOnly = process.argv.includes('--node-only');

/** Node entry points: hosts and worker-thread scripts. A feature that adds a worker adds it here. */
const nodeEntries = {
  cli: 'main/cli/index.ts',
  web: 'main/web/index.ts',
  'detect-worker': 'app/detect/worker.ts',
  'detect-scan-thread': 'app/detect/scan-thread-worker.ts',
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

rmSync('dist/node', { recursive: true, force: true });
rmSync('dist/electron', { recursive: true, force: true });

await Promise.all([
  build({ ...common, format: 'esm', outdir: 'dist/node', entryPoints: nodeEntries }),
  // Electron main process: ESM (package.json "main"); `electron` and every dependency load at run time.
  build({
    ...common,
    format: 'esm',
    target: 'node22',
    outfile: 'dist/electron/main.mjs',
    entryPoints: ['main/electron/main.ts'],
  }),
  // The sandboxed preload can `require` only a few Electron modules, never node_modules: bundle everything else,
  // and it must be CommonJS.
  build({
    ...common,
    packages: undefined,
    external: ['electron'],
    format: 'cjs',
    target: 'chrome140',
    outfile: 'dist/electron/preload.cjs',
    entryPoints: ['main/electron/preload.ts'],
  }),
]);

if (!nodeOnly) {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
