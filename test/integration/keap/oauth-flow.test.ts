import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../app/api/core';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import { openWorkspace } from '../../../app/workspace/workspace';
import { MemorySecretStore } from '../../../app/secrets/file-secret-store';
import { startKeapSandbox, type KeapSandbox } from '../../../app/sandbox/keap';
import { crmClientFor } from '../../../app/merge/clients';
import { tempDir } from '../../helpers/workspace';

/** What the system browser does: show the consent page, press "Allow", follow the redirect to the loopback. */
async function allowInBrowser(authorizeUrl: string): Promise<{ status: number; text: string }> {
  const consent = await fetch(authorizeUrl);
  const html = await consent.text();
  expect(consent.status).toBe(200);
  expect(html).toContain('Allow');
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(
      m[1]!,
      m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    );
  form.set('decision', 'allow');
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!, authorizeUrl);
  const allowed = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  expect(allowed.status).toBe(302);
  const back = new URL(allowed.headers.get('location')!);
  expect(back.hostname).toBe('127.0.0.1');
  const landed = await fetch(back);
  return { status: landed.status, text: await landed.text() };
}

describe('connecting Keap through OAuth2 in the browser (sandbox authorize and token endpoints)', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(oauth?: {
    accessTtlSeconds: number;
  }): Promise<{ core: Core; sandbox: KeapSandbox; dir: string; secrets: MemorySecretStore }> {
    const dir = tempDir('md-oauth-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sandbox = await startKeapSandbox({
      contacts: 40,
      seed: 7,
      ...(oauth ? { oauth: { clientId: 'app-id-123', clientSecret: 'app-secret-456', ...oauth } } : {}),
    });
    cleanups.push(() => sandbox.close());
    const secrets = new MemorySecretStore();
    const core = createCore({
      workspace: openWorkspace(dir, { secrets }),
      host: 'web',
      connectors: BUILT_IN_CONNECTORS,
    });
    cleanups.push(() => core.close());
    return { core, sandbox, dir, secrets };
  }

  it('consent, Allow, code exchanged with PKCE in the core; the connection syncs with the OAuth budget', async () => {
    const { core, sandbox } = await setup();
    const started = await core.call('connections/oauth-start', {
      kind: 'keap',
      label: 'My Keap app',
      baseUrl: sandbox.baseUrl,
      ...sandbox.oauthClient,
    });
    const url = new URL(started.authorizeUrl);
    expect(url.pathname).toBe('/app/oauth/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('state')?.length).toBeGreaterThan(20);

    const waiting = core.call('connections/oauth-complete', { flowId: started.flowId });
    const landed = await allowInBrowser(started.authorizeUrl);
    expect(landed.text).toContain('is connected to Mergedesk');
    const { connection } = await waiting;
    expect(connection.label).toBe('My Keap app');
    expect(connection.lastTestOk).toBe(true);

    await core.call('sync/start', { connectionId: connection.id, mode: 'full' });
    for (
      let i = 0;
      i < 400 && (await core.call('sync/status', { connectionId: connection.id }))[0]!.running;
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    const count = core.context.workspace.db
      .prepare('SELECT count(*) FROM contacts WHERE connection_id = ?')
      .pluck()
      .get(connection.id);
    expect(count).toBe(Object.keys(sandbox.store.data.contacts).length);
    // The client and the sandbox both use OAuth's budget, not a key's.
    const client = crmClientFor(core.context, connection.id);
    await client.getContact(Object.keys(sandbox.store.data.contacts)[0]!);
    expect(client.quota?.()).toMatchObject({ perMinute: 1500, perDay: 150_000 });
    // The renderer never saw a token: the stored secret holds them, the answers did not.
    expect(JSON.stringify(started) + JSON.stringify(connection)).not.toMatch(/sbx-(at|rt)-/);
  });

  it('a wrong state, a second use of the redirect, or a cancel never creates a connection', async () => {
    const { core, sandbox } = await setup();
    const started = await core.call('connections/oauth-start', {
      kind: 'keap',
      baseUrl: sandbox.baseUrl,
      ...sandbox.oauthClient,
    });
    const redirect = new URL(new URL(started.authorizeUrl).searchParams.get('redirect_uri')!);
    redirect.searchParams.set('code', sandbox.authorizationCode());
    redirect.searchParams.set('state', 'forged');
    expect((await fetch(redirect)).status).toBe(404);
    expect(await core.call('connections/oauth-cancel', { flowId: started.flowId })).toEqual({
      cancelled: true,
    });
    await expect(core.call('connections/oauth-complete', { flowId: started.flowId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await core.call('connections/list', {})).toEqual([]);
  });

  it('rotated refresh tokens are stored before use: a restarted core keeps working on the stored token', async () => {
    // Access tokens that are always within the refresh margin: every request refreshes and rotates.
    const { core, sandbox, dir, secrets } = await setup({ accessTtlSeconds: 30 });
    const started = await core.call('connections/oauth-start', {
      kind: 'keap',
      baseUrl: sandbox.baseUrl,
      clientId: 'app-id-123',
      clientSecret: 'app-secret-456',
    });
    const waiting = core.call('connections/oauth-complete', { flowId: started.flowId });
    await allowInBrowser(started.authorizeUrl);
    const { connection } = await waiting;
    const client = crmClientFor(core.context, connection.id);
    const id = Object.keys(sandbox.store.data.contacts)[0]!;
    for (let i = 0; i < 3; i++) expect((await client.getContact(id))?.id).toBe(id);
    core.close();
    // A new process over the same secret store: the last rotated token is the one on disk.
    const again = createCore({
      workspace: openWorkspace(dir, { secrets }),
      host: 'cli',
      connectors: BUILT_IN_CONNECTORS,
    });
    cleanups.push(() => again.close());
    expect((await crmClientFor(again.context, connection.id).getContact(id))?.id).toBe(id);
  });
});
