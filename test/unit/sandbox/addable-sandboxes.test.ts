import { afterEach, describe, expect, it } from 'vitest';
import { activeCampaignConnector } from '../../../app/connectors/activecampaign/connector';
import { keapConnector } from '../../../app/connectors/keap/connector';
import { wordpressConnector } from '../../../app/connectors/wordpress/connector';
import type { CoreContext } from '../../../app/context/context';
import type { CrmConnector, EmbeddedCrmSandbox } from '../../../app/ports/connector';
import { closeEmbeddedSandboxes, ensureSandboxWorkspace } from '../../../app/sandbox/embedded';
import { insertConnection } from '../../../app/sync/connections';
import { tempCore } from '../../helpers/workspace';

/**
 * A CRM's "Add <CRM> sandbox" offer comes from its descriptor alone: a kind the embedded sandboxes have never heard
 * of is offered, added, resumed and stopped through its `embeddedSandbox`, and a CRM without one is refused.
 */
describe('sandboxes a person can add from the Connections screen', () => {
  const cores: { dispose(): void }[] = [];
  afterEach(() => {
    for (const c of cores.splice(0)) c.dispose();
  });

  function trialCrm() {
    const calls: string[] = [];
    const sandbox: EmbeddedCrmSandbox = {
      async add(ctx: CoreContext) {
        calls.push('add');
        const connectionId = await insertConnection(
          ctx,
          {
            kind: 'trialcrm',
            label: 'Sandbox Trial CRM',
            baseUrl: 'http://127.0.0.1:9/',
            account: 'Trial account',
            isSandbox: true,
            testedOk: true,
          },
          'trial-key',
        );
        return { connectionId };
      },
      async resume() {
        calls.push('resume');
      },
      async close() {
        calls.push('close');
      },
      async removed(_ctx: CoreContext, crmConnectionId: string) {
        calls.push(`removed ${crmConnectionId}`);
      },
    };
    const descriptor: CrmConnector = {
      ...activeCampaignConnector,
      kind: 'trialcrm',
      label: 'Trial CRM',
      embeddedSandbox: async () => sandbox,
    };
    return { descriptor, calls };
  }

  function coreWith(descriptor: CrmConnector) {
    const core = tempCore('web', [keapConnector, descriptor, wordpressConnector]);
    cores.push(core);
    return core;
  }

  it('offers, adds, resumes and stops the sandbox its descriptor names', async () => {
    const { descriptor, calls } = trialCrm();
    const core = coreWith(descriptor);

    const kinds = await core.call('connections/kinds', {});
    expect(kinds.map((k) => [k.kind, k.sandbox])).toEqual([
      ['keap', false],
      ['trialcrm', true],
    ]);

    const { connection } = await core.call('connections/add-sandbox', { kind: 'trialcrm' });
    expect(connection).toMatchObject({ kind: 'trialcrm', label: 'Sandbox Trial CRM' });
    expect(calls).toEqual(['add']);

    // A workspace holding only the added sandbox gets it back and no first-start sandbox beside it.
    expect(await ensureSandboxWorkspace(core.context)).toBeNull();
    expect(calls).toEqual(['add', 'resume']);

    await closeEmbeddedSandboxes(core.context);
    expect(calls).toEqual(['add', 'resume', 'close']);

    // Removing its connection ends it.
    await core.call('connections/remove', { id: connection.id });
    expect(calls).toEqual(['add', 'resume', 'close', `removed ${connection.id}`]);
  });

  it('refuses, in words, a sandbox for a CRM whose descriptor offers none', async () => {
    const core = coreWith(trialCrm().descriptor);
    await expect(core.call('connections/add-sandbox', { kind: 'keap' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: 'This kind of CRM has no sandbox that can be added here.',
    });
  });
});
