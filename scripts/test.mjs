// Runs every check and test suite in order and ends with one summary line, `N passed, N failed, N skipped`.
// A failing step does not hide the others: all run, and the exit code is non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * A tool's JavaScript entry, run with this Node rather than through node_modules/.bin: a copied or unpacked
 * node_modules can lose the exec bit on a bin file, and `npx` would then fail or go looking on the registry.
 */
function tool(pkg, bin = pkg) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  return join(dirname(manifestPath), rel);
}

/** Same lookup as scripts/start.mjs and test/electron/fixtures.ts. */
function electronBinary() {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const only = process.argv.slice(2);
const suiteStarted = Date.now();
const results = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function run(name, cmd, args, { env = {}, report } = {}) {
  if (only.length && !only.includes(name)) return;
  const started = Date.now();
  process.stdout.write(`\n=== ${name}: ${[cmd, ...args].join(' ')}\n`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = res.status === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let counted = false;
  if (report && existsSync(report.file)) {
    const counts = report.parse(JSON.parse(readFileSync(report.file, 'utf8')));
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    counted = true;
    // A runner that failed without a failing test (a crash, an import error) still counts as a failure.
    if (!ok && counts.failed === 0) failed += 1;
  }
  if (!counted) {
    if (ok) passed += 1;
    else failed += 1;
  }
  results.push({ name, ok, seconds });
}

const vitestCounts = (r) => ({
  passed: r.numPassedTests,
  failed: r.numFailedTests,
  skipped: r.numPendingTests + r.numTodoTests,
});
const playwrightCounts = (r) => ({
  passed: r.stats.expected + r.stats.flaky,
  failed: r.stats.unexpected,
  skipped: r.stats.skipped,
});

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });

if (process.getuid?.() === 0) run('system-deps', 'bash', ['scripts/install-system-deps.sh']);
const node = process.execPath;
const playwright = tool('@playwright/test', 'playwright');

run('lint', node, [tool('eslint'), '.', '--max-warnings', '0']);
run('format', node, [tool('prettier'), '--check', '.']);
run('typecheck', node, [tool('typescript', 'tsc'), '-p', 'tsconfig.json']);
run('typecheck-renderer', node, [tool('typescript', 'tsc'), '-p', 'renderer/tsconfig.json']);
run('build', node, ['scripts/build.mjs']);
run(
  'unit+integration',
  node,
  [tool('vitest'), 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json'],
  {
    report: { file: 'test-results/vitest.json', parse: vitestCounts },
  },
);
run(
  'wordpress-real',
  'bash',
  [
    'scripts/wordpress-ci.sh',
    'test',
    '--reporter=default',
    '--reporter=json',
    '--outputFile=test-results/wordpress.json',
  ],
  {
    report: { file: 'test-results/wordpress.json', parse: vitestCounts },
  },
);
run('e2e', node, [playwright, 'test'], {
  report: { file: 'test-results/e2e-results.json', parse: playwrightCounts },
});
// Electron has no headless mode: with a binary and no display, run under a virtual X server. Without a binary
// the suite still runs and every test reports itself skipped, so the summary shows what was not covered.
const electronSuite = [playwright, 'test', '-c', 'playwright.electron.config.ts'];
const needsXvfb =
  electronBinary() && process.platform === 'linux' && !process.env.DISPLAY && onPath('xvfb-run');
run('electron', needsXvfb ? 'xvfb-run' : node, needsXvfb ? ['-a', node, ...electronSuite] : electronSuite, {
  report: { file: 'test-results/electron-results.json', parse: playwrightCounts },
});

const totalSeconds = ((Date.now() - suiteStarted) / 1000).toFixed(1);
process.stdout.write('\n=== summary\n');
for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds}s)\n`);
process.stdout.write(`total ${totalSeconds}s\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
