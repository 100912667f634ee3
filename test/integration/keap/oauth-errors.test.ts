import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../app/api/core';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import { openWorkspace } from '../../../app/workspace/workspace';
import { MemorySecretStore } from '../../../app/secrets/file-secret-store';
import { startKeapSandbox, type KeapSandbox } from '../../../app/sandbox/keap';
import { completeOAuthConnect, startOAuthConnect } from '../../../app/sync/oauth-connect';
import { tempDir } from '../../helpers/workspace';

const APP = { clientId: 'errors-app', clientSecret: 'errors-app-secret-77' };

/** The consent page answered as a browser would: Allow or Deny, then the redirect followed to the loopback. */
async function answer(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<void> {
  const html = await (await fetch(authorizeUrl)).text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(
      m[1]!,
      m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    );
  form.set('decision', decision);
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!, authorizeUrl);
  const back = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  await (await fetch(back.headers.get('location')!)).text();
}

describe('a Keap sign-in in the browser that does not end in a connection says why, in words', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(): Promise<{ core: Core; sandbox: KeapSandbox }> {
    const dir = tempDir('md-oauth-err-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sandbox = await startKeapSandbox({ contacts: 10, seed: 2, oauth: APP });
    cleanups.push(() => sandbox.close());
    const core = createCore({
      workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
      host: 'web',
      connectors: BUILT_IN_CONNECTORS,
    });
    cleanups.push(() => core.close());
    return { core, sandbox };
  }

  it('consent denied', async () => {
    const { core, sandbox } = await setup();
    const flow = await core.call('connections/oauth-start', {
      kind: 'keap',
      baseUrl: sandbox.baseUrl,
      ...APP,
    });
    const waiting = core.call('connections/oauth-complete', { flowId: flow.flowId });
    const rejected = expect(waiting).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining("Access was denied on Keap's consent page") as unknown,
      details: { reason: 'denied' },
    });
    await answer(flow.authorizeUrl, 'deny');
    await rejected;
    expect(await core.call('connections/list', {})).toEqual([]);
  });

  it('a wrong app secret', async () => {
    const { core, sandbox } = await setup();
    const flow = await core.call('connections/oauth-start', {
      kind: 'keap',
      baseUrl: sandbox.baseUrl,
      clientId: APP.clientId,
      clientSecret: 'not-this-one',
    });
    const waiting = core.call('connections/oauth-complete', { flowId: flow.flowId });
    const rejected = expect(waiting).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('Keap did not accept the app id and secret') as unknown,
    });
    await answer(flow.authorizeUrl, 'allow');
    await rejected;
    expect(await core.call('connections/list', {})).toEqual([]);
  });

  it('no answer before the flow ends: a timeout, and its port no longer listens', async () => {
    const { core, sandbox } = await setup();
    const flow = await startOAuthConnect(
      core.context,
      { kind: 'keap', baseUrl: sandbox.baseUrl, ...APP },
      { ttlMs: 20 },
    );
    await expect(completeOAuthConnect(core.context, flow.flowId)).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining("Keap's consent page was not answered within 10 minutes") as unknown,
    });
    await expect(fetch(flow.redirectUri)).rejects.toThrow();
  });

  it('a connection made this way is listed as signed in through the app, with the OAuth budget and no key hint', async () => {
    const { core, sandbox } = await setup();
    const flow = await core.call('connections/oauth-start', {
      kind: 'keap',
      baseUrl: sandbox.baseUrl,
      ...APP,
    });
    const waiting = core.call('connections/oauth-complete', { flowId: flow.flowId });
    await answer(flow.authorizeUrl, 'allow');
    const { connection } = await waiting;
    expect(connection).toMatchObject({ signIn: 'oauth2', secretHint: null, hasSecret: true });
    expect(await core.call('connections/quota', { id: connection.id })).toMatchObject({
      quota: { perMinute: 1500, perDay: 150_000 },
    });
  });
});
