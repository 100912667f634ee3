import { afterEach, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { createCore } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { tempDir } from '../helpers/workspace';
import { connect, sandbox } from '../helpers/keap';

describe('a damaged secrets file through the contract', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('a Test names the connection to re-enter; entering the key again through connections/edit works', async () => {
    const dir = tempDir('md-cred-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sb = await sandbox({ contacts: 20 });
    cleanups.push(() => sb.close());
    const core = createCore({ workspace: openWorkspace(dir), host: 'web', connectors: BUILT_IN_CONNECTORS });
    cleanups.push(() => core.close());
    const id = await connect(core, sb, 'Main Keap');
    writeFileSync(join(dir, 'secrets.sealed.json'), '{"connection:');

    const failed = await core.call('connections/test', { id });
    expect(failed.ok).toBe(false);
    expect(failed.error?.message).toMatch(/credentials of Main Keap cannot be read.*Enter its key again/);
    const listed = await core.call('connections/list', {});
    expect(listed.find((c) => c.id === id)?.hasSecret).toBe(false);

    const edited = await core.call('connections/edit', { id, apiKey: sb.apiKey });
    expect(edited.test?.account).toBeTruthy();
    expect((await core.call('connections/test', { id })).ok).toBe(true);
  }, 60_000);
});
