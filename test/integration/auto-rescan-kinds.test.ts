import { afterEach, describe, expect, it } from 'vitest';
import { tempCore } from '../helpers/workspace';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { keapConnector } from '../../app/connectors/keap/connector';
import type { Connector, CrmConnector } from '../../app/ports/connector';
import type { CoreEvent } from '../../app/context/events';
import { attachAutoRescan } from '../../app/detect/auto-rescan';
import { insertConnectionRow } from '../../app/store/connections-repo';

/** A CRM this build never heard of: only its descriptor says it is one. */
const acme: CrmConnector = { ...keapConnector, kind: 'acme', label: 'Acme CRM' };
const connectors: Connector[] = [...BUILT_IN_CONNECTORS, acme];

describe('the re-scan after a sync follows the registry', () => {
  let core: ReturnType<typeof tempCore>;
  afterEach(() => core.dispose());

  const addConnection = (id: string, kind: string) =>
    insertConnectionRow(core.context.workspace.db, core.context.connectors, {
      id,
      kind,
      label: id,
      baseUrl: 'https://example.com',
      settings: '{}',
      account: null,
      secretRef: null,
      isSandbox: false,
      createdAt: new Date().toISOString(),
      testedOk: true,
    });

  /** The events that follow a completed sync of the connection. */
  async function afterSync(connectionId: string): Promise<CoreEvent[]> {
    const seen: CoreEvent[] = [];
    const off = core.events.subscribe((e) => seen.push(e));
    const finished = new Promise<void>((resolve) => {
      const stop = core.events.subscribe((e) => {
        if (
          e.name === 'detect/finished' ||
          (e.name === 'workspace/changed' && (e.payload as { reason: string }).reason === 'lanes')
        ) {
          stop();
          resolve();
        }
      });
    });
    core.events.emit('sync/finished', { jobId: 'j', connectionId, status: 'completed' });
    await finished;
    off();
    return seen;
  }

  it('re-scans after a sync of any CRM the registry holds, and re-gates lanes after a site sync', async () => {
    core = tempCore('web', connectors);
    attachAutoRescan(core.context);
    addConnection('crm', 'acme');
    addConnection('site', 'wordpress');

    const crm = await afterSync('crm');
    expect(crm.some((e) => e.name === 'detect/finished')).toBe(true);

    const site = await afterSync('site');
    expect(site.some((e) => e.name === 'detect/finished')).toBe(false);
    expect(site).toContainEqual({ name: 'workspace/changed', payload: { reason: 'lanes' } });
  });
});
