import { mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { bundleForNode } from '../../scripts/node-bundle';

// Beside node_modules, so the bundle's external dependencies resolve from it.
const DIR = resolve('node_modules/.cache/mergedesk-test');
const built = new Map<string, string>();

/**
 * A helper script (`entry`, from the repository root) bundled for the child processes a test starts: a child run
 * from the TypeScript source spends a second or more of CPU compiling it under tsx, which a suite starting tens of
 * children pays every time. Built once per test process; the file name carries the process id, so test files
 * running side by side never write the same bundle.
 */
export function childScript(entry: string): string {
  let file = built.get(entry);
  if (!file) {
    mkdirSync(DIR, { recursive: true });
    file = `${DIR}/${basename(entry, '.ts')}-${process.pid}.mjs`;
    bundleForNode(entry, file);
    built.set(entry, file);
  }
  return file;
}
