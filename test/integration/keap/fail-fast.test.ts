import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../../app/net/http-client';
import { syncManager } from '../../../app/sync/manager';
import { tempCore } from '../../helpers/workspace';
import { connect, sandbox } from '../../helpers/keap';

/** A port where nothing listens (the embedded sandbox of another run has gone, a server is down). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('an unreachable CRM fails fast, and a test or a sync can be stopped', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function savedConnection() {
    const sb = await sandbox({ contacts: 20 });
    const core = tempCore();
    cleanups.push(
      () => sb.close(),
      () => core.dispose(),
    );
    const id = await connect(core, sb);
    const point = (url: string) =>
      core.context.workspace.db.prepare('UPDATE connections SET base_url = ? WHERE id = ?').run(url, id);
    const lastTestOk = async () =>
      (await core.call('connections/list', {})).find((c) => c.id === id)!.lastTestOk;
    return { sb, core, id, point, lastTestOk };
  }

  it('Test and Sync of a saved connection to a dead port answer in seconds (not after a retry storm)', async () => {
    const { core, id, point, lastTestOk, sb } = await savedConnection();
    point(`http://127.0.0.1:${await deadPort()}/crm`);
    let started = Date.now();
    const test = await core.call('connections/test', { id });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(test).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } });
    expect(await lastTestOk()).toBe(false);

    started = Date.now();
    await core.call('sync/start', { connectionId: id, mode: 'full' });
    await expect(syncManager(core.context).wait(id)).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    expect(Date.now() - started).toBeLessThan(3_000);

    // The next test that works clears the failure.
    point(sb.baseUrl);
    expect(await core.call('connections/test', { id })).toMatchObject({ ok: true });
    expect(await lastTestOk()).toBe(true);
  });

  it('a completed sync also clears "Last test: failed"', async () => {
    const { core, id, point, lastTestOk, sb } = await savedConnection();
    point(`http://127.0.0.1:${await deadPort()}/crm`);
    await core.call('connections/test', { id });
    expect(await lastTestOk()).toBe(false);
    point(sb.baseUrl);
    await core.call('sync/start', { connectionId: id, mode: 'full' });
    await syncManager(core.context).wait(id);
    expect(await lastTestOk()).toBe(true);
  });

  it('a test against a server that never answers is cancelled by its job id', async () => {
    const { core, id, point, lastTestOk } = await savedConnection();
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => silent.close(r));
    });
    point(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/crm`);
    const jobId = 'test-job-0001';
    const started = Date.now();
    const pending = core.call('connections/test', { id, jobId });
    await new Promise((r) => setTimeout(r, 300));
    expect(await core.call('jobs/cancel', { jobId })).toEqual({ cancelled: true });
    const answer = await pending;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    // Stopping a test says nothing about the connection: the last result (passed when added) stands.
    expect(await lastTestOk()).toBe(true);
    expect(await core.call('jobs/cancel', { jobId })).toEqual({ cancelled: false });
  });

  it('a running sync is cancelled by the job id sync/start returned', async () => {
    const { core, id } = await savedConnection();
    const slow = await sandbox({ contacts: 2000, latencyMs: 200 });
    cleanups.push(() => slow.close());
    core.context.workspace.db
      .prepare('UPDATE connections SET base_url = ? WHERE id = ?')
      .run(slow.baseUrl, id);
    const { jobId } = await core.call('sync/start', { connectionId: id, mode: 'full' });
    const done = syncManager(core.context).wait(id);
    await new Promise((r) => setTimeout(r, 300));
    expect(await core.call('jobs/cancel', { jobId })).toEqual({ cancelled: true });
    await expect(done).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('a server that does not accept the connection gives up after the connect timeout', async () => {
    // A non-routable address: either the network says so at once or the connection never completes.
    const client = new HttpClient({ baseURL: 'https://10.255.255.1', connectTimeoutMs: 300, maxRetries: 5 });
    const started = Date.now();
    await expect(client.request({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
    });
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
