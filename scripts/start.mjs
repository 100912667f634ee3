// `npm start`: builds, then opens the desktop app when an Electron binary is available; otherwise says why and
// starts the loopback browser host instead, so a fresh machine always gets a working app.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function electronBinary() {
  if (process.env.ELECTRON_PATH) return process.env.ELECTRON_PATH;
  try {
    // The `electron` package exports the path of its downloaded binary; it throws when the binary is missing.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' ? path : null;
  } catch {
    return null;
  }
}

const args = process.argv.slice(2);
const electron = electronBinary();
if (electron) {
  const child = spawn(electron, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(
    'Electron is not installed on this machine (its binary is downloaded separately, which needs internet access:\n' +
      '  npm install --no-save electron@45.5.0).\n' +
      'Starting Mergedesk in your browser instead (same app, served to this computer only)…\n\n',
  );
  const child = spawn(process.execPath, ['dist/node/web.js', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
