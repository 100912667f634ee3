#!/usr/bin/env node
// Entry for `npx mergedesk`: the CLI is bundled to dist/node/cli.js by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/node/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('mergedesk: the CLI has not been built yet. Run `npm run build` first.\n');
  process.exit(1);
}
await import(cli);
