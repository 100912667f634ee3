// Runs every check and test suite and ends with one summary line, `N passed, N failed, N skipped`. Steps run in
// order, except lint, which runs beside the formatting check and the type checks, and the suites that drive child
// processes (merge faults and kills, the built CLI), which start after the build and run beside the vitest and
// WordPress steps.
// A failing step does not hide the others: all run, and the exit code is non-zero if any failed.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
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
  record(name, res.status === 0, started, report);
}

/**
 * Starts a step beside the ones that follow (its output goes to test-results/<name>.log and is printed when it is
 * awaited); `await` the returned function where its result is needed. A step that mostly waits on child
 * processes, like the merge fault suites, then costs the run little more than its CPU time, and two steps that
 * each use one core share the two.
 */
function runBeside(name, cmd, args, { env = {}, report } = {}) {
  if (only.length && !only.includes(name)) return async () => {};
  const started = Date.now();
  const logFile = `test-results/${name}.log`;
  process.stdout.write(
    `\n=== ${name} (beside the next steps, output in ${logFile}): ${[cmd, ...args].join(' ')}\n`,
  );
  // Straight to a file, not through a pipe: the steps run meanwhile block this process, which could not drain one.
  const log = openSync(logFile, 'w');
  const child = spawn(cmd, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  closeSync(log);
  const exited = new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code));
  });
  return async () => {
    const code = await exited;
    process.stdout.write(`\n=== ${name} (ran beside the steps above)\n${readFileSync(logFile, 'utf8')}`);
    record(name, code === 0, started, report);
  };
}

function record(name, ok, started, report) {
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

// ESLint, Prettier and tsc each keep one core busy: lint (the longest) runs beside the other three.
const lint = runBeside('lint', node, [tool('eslint'), '.', '--max-warnings', '0']);
run('format', node, [tool('prettier'), '--check', '.']);
run('typecheck', node, [tool('typescript', 'tsc'), '-p', 'tsconfig.json']);
run('typecheck-renderer', node, [tool('typescript', 'tsc'), '-p', 'renderer/tsconfig.json']);
await lint();
run('build', node, ['scripts/build.mjs']);
// The suites that drive child processes (vitest project `processes`: merge faults and kills, the built CLI) start
// after the build and run beside the rest of vitest and the real-WordPress suite; the browser suites wait for them.
const processSuites = runBeside(
  'processes',
  node,
  [
    tool('vitest'),
    'run',
    '--project',
    'processes',
    '--reporter=default',
    '--reporter=json',
    '--outputFile=test-results/processes.json',
  ],
  { report: { file: 'test-results/processes.json', parse: vitestCounts } },
);
run(
  'unit+integration',
  node,
  [
    tool('vitest'),
    'run',
    '--project',
    'core',
    '--reporter=default',
    '--reporter=json',
    '--outputFile=test-results/vitest.json',
  ],
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
await processSuites();
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
