import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { ensureSandboxWorkspace, sandboxOwner, type EmbeddedSandbox } from '../../app/sandbox/embedded';
import { tempDir } from '../helpers/workspace';

const CLI = 'bin/mergedesk.js';

/** Two hosts on one workspace: who serves the embedded sandbox, and what the other one may do. */
describe('one owner for the embedded sandbox of a workspace', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function open(dir: string): Core {
    // The file store, as the web and CLI hosts use it, so a CLI process reads the keys the owner stored.
    const core = createCore({ workspace: openWorkspace(dir), host: 'web', connectors: BUILT_IN_CONNECTORS });
    cleanups.push(() => core.close());
    return core;
  }
  const connections = (core: Core) =>
    core.context.workspace.db.prepare('SELECT kind, base_url FROM connections ORDER BY kind').all();
  /** Asynchronous: the owner's sandbox answers from this process while the command runs. */
  const cli = (dir: string, args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, '--workspace', dir, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });

  it('`status` and `sync` from the CLI while a host serves the sandbox leave its connections and sandbox alone', async () => {
    const dir = tempDir('md-own-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const host = open(dir);
    const emb = (await ensureSandboxWorkspace(host.context, { contacts: 300 }))!;
    cleanups.push(() => emb.close());
    await emb.firstSync;
    const before = connections(host);
    expect(sandboxOwner(host.context)).toMatchObject({ pid: process.pid, hostKind: 'web' });

    const status = await cli(dir, ['status', '--json']);
    expect(status.status, status.stderr).toBe(0);
    expect(connections(host)).toEqual(before);

    // A command that needs the CRM uses the owner's sandbox rather than starting a second one.
    const requestsBefore = emb.sandbox.stats.requests;
    const sync = await cli(dir, ['sync', '--json']);
    expect(sync.status, sync.stderr).toBe(0);
    expect(connections(host)).toEqual(before);
    expect(emb.sandbox.stats.requests).toBeGreaterThan(requestsBefore);
    // The open host still reaches its sandbox.
    expect((await host.call('connections/test', { id: emb.connectionId })).account).toBeTruthy();
  }, 180_000);

  it('when the owner exits, a waiting long-lived host takes the sandbox over and repoints the connections', async () => {
    const dir = tempDir('md-own-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = open(dir);
    const owned = (await ensureSandboxWorkspace(first.context, { contacts: 200 }))!;
    await owned.firstSync;
    const second = open(dir);
    let taken: EmbeddedSandbox | null = null;
    expect(
      await ensureSandboxWorkspace(second.context, { contacts: 200, onTakeOver: (e) => (taken = e) }),
    ).toBeNull();
    await owned.close();
    for (let i = 0; i < 200 && !taken; i++) await new Promise((r) => setTimeout(r, 50));
    expect(taken).not.toBeNull();
    cleanups.push(() => taken!.close());
    const keap = connections(second).find((c) => (c as { kind: string }).kind === 'keap') as {
      base_url: string;
    };
    expect(keap.base_url).toBe(taken!.sandbox.baseUrl);
    expect((await second.call('connections/test', { id: taken!.connectionId })).account).toBeTruthy();
  }, 120_000);
});
