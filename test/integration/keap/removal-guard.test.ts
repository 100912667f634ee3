import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { syncManager } from '../../../app/sync/manager';
import { tempCore } from '../../helpers/workspace';
import { connect, fastSettings, sandbox, syncNow } from '../../helpers/keap';

describe('a 200 that is not Keap, and a sync that would empty the cache', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const cached = (core: ReturnType<typeof tempCore>) =>
    core.context.workspace.db.prepare('SELECT count(*) FROM contacts').pluck().get() as number;

  it('connect refuses a server that answers 200 without a contacts list', async () => {
    const impostor = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: true, items: [] }));
    });
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => impostor.close(r)));
    const core = tempCore();
    cleanups.push(() => core.dispose());
    const answer = await core.invoke('connections/add', {
      kind: 'keap',
      baseUrl: `http://127.0.0.1:${(impostor.address() as AddressInfo).port}/crm`,
      apiKey: 'KeapAK-0123456789abcdef',
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'REMOTE_ERROR' } });
    expect(JSON.stringify(answer)).toContain('not Keap');
    expect(core.context.workspace.db.prepare('SELECT count(*) FROM connections').pluck().get()).toBe(0);
  });

  it('a full sync that would remove more than 20 % of the cache stops until confirmed', async () => {
    const sb = await sandbox({ contacts: 100 });
    const core = tempCore();
    cleanups.push(
      () => sb.close(),
      () => core.dispose(),
    );
    const id = await connect(core, sb);
    fastSettings(core, id, { pageSize: 25 });
    await syncNow(core, id, 'full');
    const before = cached(core);
    expect(before).toBe(Object.keys(sb.store.data.contacts).length);

    // The CRM "loses" a third of its contacts (an impostor page, a wrong account, a bulk delete).
    const ids = Object.keys(sb.store.data.contacts);
    for (const cid of ids.slice(0, Math.ceil(ids.length / 3))) delete sb.store.data.contacts[cid];
    sb.store.changed();
    await expect(syncNow(core, id, 'full')).rejects.toMatchObject({
      code: 'GUARD_REFUSED',
      details: { guard: 'large_removal' },
    });
    expect(cached(core)).toBe(before);
    const status = await core.call('sync/status', { connectionId: id });
    expect(status[0]!.lastRun!.error).toMatch(/would remove \d+ of \d+ cached contacts/);

    await core.call('sync/start', { connectionId: id, mode: 'full', confirmRemovals: true });
    await syncManager(core.context).wait(id);
    expect(cached(core)).toBe(Object.keys(sb.store.data.contacts).length);
  });

  it('a removal below the share goes through without asking', async () => {
    const sb = await sandbox({ contacts: 100 });
    const core = tempCore();
    cleanups.push(
      () => sb.close(),
      () => core.dispose(),
    );
    const id = await connect(core, sb);
    fastSettings(core, id, { pageSize: 50 });
    await syncNow(core, id, 'full');
    const ids = Object.keys(sb.store.data.contacts);
    for (const cid of ids.slice(0, 5)) delete sb.store.data.contacts[cid];
    sb.store.changed();
    await syncNow(core, id, 'full');
    expect(cached(core)).toBe(ids.length - 5);
  });
});
