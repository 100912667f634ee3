// Packages wp-plugin/mergedesk-bridge as dist/mergedesk-bridge.zip, installable from WordPress's
// Plugins → Add New → Upload Plugin. Uses the same zip builder as the app (no `zip` binary needed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const pkg = await tsImport('../app/connectors/wordpress/plugin-package.ts', import.meta.url);
const source = pkg.findPluginSourceDir(process.cwd());
if (!source) {
  process.stderr.write('wp-plugin/mergedesk-bridge not found (run from the project root).\n');
  process.exit(1);
}
const zip = pkg.buildPluginZip(source);
mkdirSync('dist', { recursive: true });
const out = process.argv[2] ?? `dist/${pkg.PLUGIN_ZIP_NAME}`;
writeFileSync(out, zip);
process.stdout.write(`${out} (${pkg.readPluginVersion(source)}, ${zip.length} bytes)\n`);
