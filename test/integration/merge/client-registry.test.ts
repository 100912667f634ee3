import { afterEach, describe, expect, it } from 'vitest';
import { tempCore } from '../../helpers/workspace';
import { ALL_GUARDS, CRM, seedCache, seedRemotes } from '../../helpers/merge-world';
import { keapConnector } from '../../../app/connectors/keap/connector';
import { wordpressConnector } from '../../../app/connectors/wordpress/connector';
import { crmClientFor } from '../../../app/merge/clients';
import { getConnection, replaceSecret } from '../../../app/sync/connections';
import type { CrmConnector } from '../../../app/ports/connector';

let dispose: (() => void) | null = null;
afterEach(() => dispose?.());

describe('one client registry per core', () => {
  it('merges on the account a connection points at after connections/edit, not the one it pointed at before', async () => {
    const a = seedRemotes();
    const b = seedRemotes();
    const accounts: Record<string, typeof a> = {
      'https://a.example|key-a-0001': a,
      'https://b.example|key-b-0002': b,
    };
    const built: string[] = [];
    // Two accounts behind one descriptor: the client is chosen by the URL and key it is built with.
    const switching: CrmConnector = {
      ...keapConnector,
      async createClient(config) {
        const id = `${config.baseUrl}|${await config.secret()}`;
        built.push(id);
        return accounts[id]!.crm;
      },
      testConnection: (credentials) =>
        accounts[`${credentials.baseUrl}|${credentials.apiKey}`]!.crm.testConnection(),
    };
    const core = tempCore('cli', [switching, { ...wordpressConnector, createClient: () => a.wp }]);
    dispose = () => core.dispose();
    const ctx = core.context;
    const groupId = await seedCache(ctx.workspace.db, a.crm, a.wp, ['101', '102']);
    ctx.workspace.db
      .prepare('UPDATE connections SET base_url = ? WHERE id = ?')
      .run('https://a.example', CRM);
    await replaceSecret(ctx, getConnection(ctx.workspace.db, CRM), 'key-a-0001');

    // A client for the old account is built and cached by a first call.
    await crmClientFor(ctx, CRM).getContact('101');
    expect(built).toEqual(['https://a.example|key-a-0001']);

    const edited = await core.call('connections/edit', {
      id: CRM,
      baseUrl: 'https://b.example',
      apiKey: 'key-b-0002',
    });
    expect(edited.connection.baseUrl).toBe('https://b.example');

    const detail = await core.call('merge/execute', {
      groupId,
      choices: { survivorId: '101' },
      confirm: ALL_GUARDS,
    });
    expect(detail.run.status).toBe('completed');
    expect(built).toEqual(['https://a.example|key-a-0001', 'https://b.example|key-b-0002']);
    expect(b.faults.mutatingCounts()).toMatchObject({ 'crm.mergeContacts': 1 });
    const crmWrites = (counts: Record<string, number>) =>
      Object.keys(counts).filter((k) => k.startsWith('crm.'));
    expect(crmWrites(a.faults.mutatingCounts())).toEqual([]);
    expect(b.crm.contacts.has('102')).toBe(false);
    expect(a.crm.contacts.has('102')).toBe(true);
  });

  it('drops the client of a removed connection', async () => {
    const a = seedRemotes();
    let builds = 0;
    const counting: CrmConnector = {
      ...keapConnector,
      createClient: () => {
        builds++;
        return Promise.resolve(a.crm);
      },
    };
    const core = tempCore('cli', [counting, wordpressConnector]);
    dispose = () => core.dispose();
    const ctx = core.context;
    await seedCache(ctx.workspace.db, a.crm, a.wp, ['101', '102']);
    await crmClientFor(ctx, CRM).getContact('101');
    await core.call('connections/remove', { id: CRM });
    expect(() => crmClientFor(ctx, CRM)).toThrow(/does not exist/);
    expect(builds).toBe(1);
  });
});
