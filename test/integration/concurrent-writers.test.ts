import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { ensureSandboxWorkspace } from '../../app/sandbox/embedded';
import { tempDir } from '../helpers/workspace';

const CLI = 'bin/mergedesk.js';

function cli(dir: string, args: string[]) {
  return new Promise<{ status: number | null; stderr: string; ms: number }>((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, '--workspace', dir, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (status) => resolve({ status, stderr, ms: Date.now() - t0 }));
  });
}

/** Real processes writing one workspace at once, as a user with a terminal beside the app does. */
describe('concurrent writers on one workspace (built CLI)', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('`sync --full` beside `detect --full`, twice over: both finish, neither meets "database is locked"', async () => {
    const dir = tempDir('md-cw-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const core: Core = createCore({
      workspace: openWorkspace(dir),
      host: 'web',
      connectors: BUILT_IN_CONNECTORS,
    });
    cleanups.push(() => core.close());
    // This process serves the sandbox, so both commands reach the same CRM and only the database is shared.
    const emb = (await ensureSandboxWorkspace(core.context, { contacts: 1500 }))!;
    cleanups.push(() => emb.close());
    await emb.firstSync;
    for (let round = 0; round < 2; round++) {
      const [sync, detect] = await Promise.all([
        cli(dir, ['sync', '--full']),
        cli(dir, ['detect', '--full']),
      ]);
      expect([sync.status, sync.stderr]).toEqual([0, expect.not.stringMatching(/locked|busy/i)]);
      expect([detect.status, detect.stderr]).toEqual([0, expect.not.stringMatching(/locked|busy/i)]);
    }
  }, 300_000);
});
