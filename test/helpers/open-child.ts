// A host opening a workspace for the first time: opens (creating and migrating) it and stores and reads a secret,
// as a first connection would. Prints "ok <key fingerprint>" or the error.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace } from '../../app/workspace/workspace';
import { toErrorShape } from '../../app/domain/errors';

const [dir, ref] = process.argv.slice(2) as [string, string];
try {
  const ws = openWorkspace(dir);
  await ws.secrets.set(ref, `secret-of-${ref}`);
  if ((await ws.secrets.get(ref)) !== `secret-of-${ref}`) throw new Error('read back a different secret');
  const key = createHash('sha256')
    .update(readFileSync(join(dir, 'secrets.key')))
    .digest('hex')
    .slice(0, 12);
  const version = ws.db.pragma('user_version', { simple: true });
  ws.close();
  process.stdout.write(`ok ${key} v${String(version)}\n`);
} catch (error) {
  process.stdout.write(`error ${JSON.stringify(toErrorShape(error))}\n`);
  process.exitCode = 1;
}
