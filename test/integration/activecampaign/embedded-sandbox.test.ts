import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import { createCore, type Core } from '../../../app/api/core';
import { openWorkspace } from '../../../app/workspace/workspace';
import { closeEmbeddedSandboxes, ensureSandboxWorkspace } from '../../../app/sandbox/embedded';
import { syncManager } from '../../../app/sync/manager';
import { addActiveCampaignSandbox } from '../../../app/sandbox/embedded-activecampaign';
import { tempDir } from '../../helpers/workspace';

/** The ActiveCampaign sandbox a person adds from the Connections screen, and its life across hosts. */
describe('the embedded ActiveCampaign sandbox', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function open(dir: string): Core {
    const core = createCore({ workspace: openWorkspace(dir), host: 'web', connectors: BUILT_IN_CONNECTORS });
    cleanups.push(() => core.close());
    cleanups.push(() => closeEmbeddedSandboxes(core.context));
    return core;
  }
  const rows = (core: Core) =>
    core.context.workspace.db
      .prepare('SELECT id, kind, label, base_url, is_sandbox, settings FROM connections ORDER BY kind')
      .all() as { id: string; kind: string; label: string; base_url: string; settings: string }[];
  const contacts = (core: Core, id: string) =>
    core.context.workspace.db
      .prepare('SELECT count(*) FROM contacts WHERE connection_id = ?')
      .pluck()
      .get(id) as number;

  it('is offered by kind, syncs with its linked site, refuses a second copy, and one host serves it at a time', async () => {
    const dir = tempDir('md-ac-sb-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const host = open(dir);
    const kinds = await host.call('connections/kinds', {});
    expect(kinds.find((k) => k.kind === 'activecampaign')).toMatchObject({ sandbox: true, oauth2: false });
    expect(kinds.find((k) => k.kind === 'keap')).toMatchObject({ sandbox: false, oauth2: true });

    const { connection } = await host.call('connections/add-sandbox', { kind: 'activecampaign' });
    expect(connection).toMatchObject({ kind: 'activecampaign', isSandbox: true, signIn: 'api-key' });
    await syncManager(host.context).wait(connection.id);
    expect(contacts(host, connection.id)).toBeGreaterThan(80);
    const site = rows(host).find((r) => r.kind === 'wordpress')!;
    expect(JSON.parse(site.settings)).toEqual({ crmConnectionId: connection.id });

    await expect(host.call('connections/add-sandbox', { kind: 'activecampaign' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(host.call('connections/add-sandbox', { kind: 'keap' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });

    // A second host on the workspace neither starts another copy nor repoints the connections.
    const other = open(dir);
    const before = rows(host);
    expect(await ensureSandboxWorkspace(other.context)).toBeNull();
    expect(rows(other)).toEqual(before);
    expect((await other.call('connections/test', { id: connection.id })).ok).toBe(true);

    // Removing it stops its servers and takes its paired site with it; a new one can then be added.
    const crmUrl = rows(host).find((r) => r.id === connection.id)!.base_url;
    await host.call('connections/remove', { id: connection.id });
    expect(rows(host).filter((r) => r.kind !== 'keap')).toEqual([]);
    await expect(fetch(crmUrl)).rejects.toThrow();
    const again = await host.call('connections/add-sandbox', { kind: 'activecampaign' });
    await syncManager(host.context).wait(again.connection.id);
    expect(contacts(host, again.connection.id)).toBeGreaterThan(80);
  });

  it('comes back with the workspace on a new port, its state kept, and the Keap sandbox keeps its own site', async () => {
    const dir = tempDir('md-ac-sb-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = open(dir);
    const keap = (await ensureSandboxWorkspace(first.context, { contacts: 200 }))!;
    await keap.firstSync;
    // A small one: the first test went through the contract at the default size.
    const { connectionId } = await addActiveCampaignSandbox(first.context, { people: 12 });
    const connection = { id: connectionId };
    await syncManager(first.context).wait(connection.id);
    const cached = contacts(first, connection.id);
    const oldUrl = rows(first).find((r) => r.id === connection.id)!.base_url;
    await keap.close();
    await closeEmbeddedSandboxes(first.context);
    first.close();

    const again = open(dir);
    const resumed = (await ensureSandboxWorkspace(again.context))!;
    cleanups.push(() => resumed.close());
    const now = rows(again);
    const ac = now.find((r) => r.id === connection.id)!;
    expect(ac.base_url).not.toBe(oldUrl);
    expect((await again.call('connections/test', { id: ac.id })).ok).toBe(true);
    await again.call('sync/start', { connectionId: ac.id, mode: 'auto' });
    await syncManager(again.context).wait(ac.id);
    expect(contacts(again, ac.id)).toBe(cached);
    // Each sandbox CRM is paired with its own site, pointed at this run's ports.
    const sites = now.filter((r) => r.kind === 'wordpress');
    expect(
      sites
        .map((s) => JSON.parse(s.settings) as { crmConnectionId: string })
        .map((s) => s.crmConnectionId)
        .sort(),
    ).toEqual([connection.id, resumed.connectionId].sort());
    expect(sites.find((s) => s.base_url === resumed.wordpress.baseUrl)).toBeDefined();
  });
});
