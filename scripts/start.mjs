// `npm start`: builds, then opens the desktop app when an Electron binary is available; otherwise says why and
// starts the loopback browser host instead, so a fresh machine always gets a working app.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function electronBinary() {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  try {
    // The `electron` package exports the path of its downloaded binary; it throws when the binary is missing.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * better-sqlite3 is a native module built for one ABI. `npm ci` builds it for Node (what the tests use); Electron
 * needs its own build. Ask Electron's Node whether it can load the module before opening a window that would fail.
 */
function nativeModuleProblem(electron) {
  const probe = spawnSync(electron, ['-e', "require('better-sqlite3')"], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  });
  if (probe.status === 0) return null;
  return /NODE_MODULE_VERSION/.test(probe.stderr ?? '')
    ? 'better-sqlite3 is built for Node, not for Electron. Rebuild it for Electron with\n' +
        '  npx electron-builder install-app-deps\n' +
        '(and `npm rebuild better-sqlite3` before running the tests again).'
    : `Electron could not load better-sqlite3: ${(probe.stderr ?? '').trim().split('\n')[0]}`;
}

function startWebHost(args) {
  const child = spawn(process.execPath, ['dist/node/web.js', ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const args = process.argv.slice(2);
const wantsWeb = args.includes('--web');
const passThrough = args.filter((a) => a !== '--web');
const electron = wantsWeb ? null : electronBinary();

if (wantsWeb) {
  startWebHost(passThrough);
} else if (!electron && process.env.ELECTRON_PATH) {
  process.stderr.write(
    `ELECTRON_PATH is set to ${process.env.ELECTRON_PATH}, which does not exist.\n` +
      'Starting Mergedesk in your browser instead (same app, served to this computer only)…\n\n',
  );
  startWebHost(passThrough);
} else if (!electron) {
  process.stderr.write(
    'Electron is not installed on this machine (its binary is downloaded separately, which needs internet access:\n' +
      '  npm install --no-save electron@45.5.0, or set ELECTRON_PATH to an Electron 45 binary).\n' +
      'Starting Mergedesk in your browser instead (same app, served to this computer only)…\n\n',
  );
  startWebHost(passThrough);
} else {
  const problem = nativeModuleProblem(electron);
  if (problem) {
    process.stderr.write(`${problem}\nStarting Mergedesk in your browser instead…\n\n`);
    startWebHost(passThrough);
  } else {
    const child = spawn(electron, ['.', ...passThrough], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
  }
}
