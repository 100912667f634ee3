// Runs every check and test suite in order and ends with one summary line, `N passed, N failed, N skipped`.
// A failing step does not hide the others: all run, and the exit code is non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const only = process.argv.slice(2);
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
run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
run('format', 'npx', ['prettier', '--check', '.']);
run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']);
run('typecheck-renderer', 'npx', ['tsc', '-p', 'renderer/tsconfig.json']);
run('build', process.execPath, ['scripts/build.mjs']);
run(
  'unit+integration',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json'],
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
run('e2e', 'npx', ['playwright', 'test'], {
  report: { file: 'test-results/e2e-results.json', parse: playwrightCounts },
});

process.stdout.write('\n=== summary\n');
for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds}s)\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
