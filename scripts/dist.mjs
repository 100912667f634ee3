// `npm run dist`: builds the bundles and packages the desktop app for this platform with electron-builder
// (config: electron-builder.yml). Packaging rebuilds better-sqlite3 for Electron's ABI inside node_modules, which
// would break the Node test run, so the Node build is restored afterwards whatever the outcome.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const manifest = require.resolve('electron-builder/package.json');
const bin = JSON.parse(readFileSync(manifest, 'utf8')).bin['electron-builder'];

const step = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

let status = step(process.execPath, ['scripts/build.mjs']);
if (status === 0) {
  status = step(process.execPath, [
    join(dirname(manifest), bin),
    '--publish',
    'never',
    ...process.argv.slice(2),
  ]);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (step(npm, ['rebuild', 'better-sqlite3']) !== 0) {
  process.stderr.write(
    'Could not restore better-sqlite3 for Node: run `npm rebuild better-sqlite3` before testing.\n',
  );
  status ||= 1;
}
process.exit(status);
