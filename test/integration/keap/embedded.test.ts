import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createCore, type Core } from '../../../app/api/core';
import { openWorkspace } from '../../../app/workspace/workspace';
import { MemorySecretStore } from '../../../app/secrets/file-secret-store';
import { ensureSandboxWorkspace, SANDBOX_LABEL, SANDBOX_WP_LABEL } from '../../../app/sandbox/embedded';
import { syncManager } from '../../../app/sync/manager';
import { tempDir } from '../../helpers/workspace';
import { sandbox } from '../../helpers/keap';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';

describe('embedded sandbox workspace', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function open(dir: string): Core {
    const core = createCore({
      workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
      host: 'web',
      connectors: BUILT_IN_CONNECTORS,
    });
    cleanups.push(() => core.close());
    return core;
  }

  it('gives a new workspace a synced "Sandbox Keap", and a restart keeps merges and follows the new port', async () => {
    const dir = tempDir('md-emb-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let core = open(dir);
    const first = await ensureSandboxWorkspace(core.context, { contacts: 400 });
    expect(first).not.toBeNull();
    await first!.firstSync;
    const status = await core.call('workspace/status', {});
    expect(status.contacts).toBe(400);
    expect(status.connections).toMatchObject([
      { label: SANDBOX_LABEL, isSandbox: true, baseUrl: first!.sandbox.baseUrl },
      { label: SANDBOX_WP_LABEL, kind: 'wordpress', isSandbox: true, baseUrl: first!.wordpress.baseUrl },
    ]);
    // The site's members were synced after the CRM and link to its contacts.
    expect(status.wp_users).toBeGreaterThan(0);
    const linked = core.context.workspace.db
      .prepare(
        `SELECT count(*) FROM wp_users w JOIN contacts c ON c.crm_id = w.linked_contact_id WHERE w.linked_contact_id IS NOT NULL`,
      )
      .pluck()
      .get() as number;
    expect(linked).toBeGreaterThan(0);
    const cluster = first!.sandbox.world.truth.clusters[0]!;
    const res = await fetch(`${first!.sandbox.baseUrl}/rest/v2/contacts:merge`, {
      method: 'POST',
      headers: { 'X-Keap-API-Key': first!.sandbox.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ contact_id: cluster.ids[0], duplicate_contact_id: cluster.ids[1] }),
    });
    expect(res.status).toBe(200);
    await first!.close();
    core.close();

    core = open(dir);
    const second = await ensureSandboxWorkspace(core.context, { contacts: 400 });
    cleanups.push(() => second?.close());
    expect(second!.firstSync).toBeNull();
    const [conn, site] = await core.call('connections/list', {});
    expect(conn!.baseUrl).toBe(second!.sandbox.baseUrl);
    expect(site!.baseUrl).toBe(second!.wordpress.baseUrl);
    expect(second!.sandbox.store.data.contacts[cluster.ids[1]!]).toBeUndefined();
    await core.call('sync/start', { connectionId: conn!.id, mode: 'auto' });
    await syncManager(core.context).wait(conn!.id);
    // The restarted site answers with the credentials stored for this run.
    expect((await core.call('wordpress/sync', { connectionId: site!.id })).members.fetched).toBeGreaterThan(
      0,
    );
    expect((await core.call('workspace/status', {})).contacts).toBe(399);
  });

  it('resumes a sync of the sandbox connection that was cut short', async () => {
    const dir = tempDir('md-emb-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let core = open(dir);
    const first = await ensureSandboxWorkspace(core.context, { contacts: 300 });
    await first!.firstSync;
    await first!.close();
    // As a kill -9 mid-run would leave it: cursors of a run that never finished.
    core.context.workspace.db.prepare(`UPDATE sync_state SET phase = 'done' WHERE resource = 'tags'`).run();
    core.context.workspace.db
      .prepare(`UPDATE sync_state SET phase = 'pending' WHERE resource != 'tags'`)
      .run();
    core.close();
    core = open(dir);
    const again = await ensureSandboxWorkspace(core.context, { contacts: 300 });
    cleanups.push(() => again?.close());
    expect(again!.firstSync).not.toBeNull();
    expect((await again!.firstSync)!.resumed).toBe(true);
    expect((await core.call('workspace/status', {})).contacts).toBe(300);
  });

  it('leaves a workspace with real connections alone', async () => {
    const sb = await sandbox();
    cleanups.push(() => sb.close());
    const dir = tempDir('md-emb-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const core = open(dir);
    await core.call('connections/add', { kind: 'keap', baseUrl: sb.baseUrl, apiKey: sb.apiKey });
    expect(await ensureSandboxWorkspace(core.context)).toBeNull();
  });

  it.skipIf(!existsSync('dist/node/web.js'))(
    'the web host prints its URL at once and syncs the sandbox in the background',
    async () => {
      const dir = tempDir('md-web-');
      const child = spawn(process.execPath, ['dist/node/web.js', '--workspace', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      cleanups.push(async () => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      });
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Open: (\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`web host exited ${code}: ${out}`)));
      });
      const origin = new URL(url).origin;
      const token = /token=([^&]+)/.exec(url)![1]!;
      const call = async (method: string) => {
        const r = await fetch(`${origin}/api/invoke`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ method, input: {} }),
        });
        return ((await r.json()) as { data: { contacts: number; connections: unknown[] } }).data;
      };
      let status = await call('workspace/status');
      for (let i = 0; i < 100 && status.contacts < 2000; i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = await call('workspace/status');
      }
      expect(status.contacts).toBe(2000);
      expect(status.connections).toMatchObject([
        { kind: 'keap', isSandbox: true },
        { kind: 'wordpress', isSandbox: true },
      ]);
    },
  );
});
