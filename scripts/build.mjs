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

await build({ ...common, format: 'esm', outdir: 'dist/node', entryPoints: nodeEntries });

// Electron host bundles (main as ESM, the sandboxed preload as CommonJS) are added with main/electron.

if (!nodeOnly) {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
