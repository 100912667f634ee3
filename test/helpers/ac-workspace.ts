import type { Core } from '../../app/api/core';
import type { LinkedAcSandboxes } from '../../app/sandbox/activecampaign';
import { insertWordPressConnection } from '../../app/connectors/wordpress/connections';
import { fastSettings, syncNow } from './keap';
import { scanAndWait } from './workspace';

/**
 * Connects a core to the linked ActiveCampaign and WordPress sandboxes (the site paired with the CRM), syncs both
 * in full and runs a full scan: the state a user reaches after connecting both and waiting for the first scan.
 */
export async function connectLinkedAc(
  core: Core,
  sb: LinkedAcSandboxes,
  settings: Record<string, unknown>,
): Promise<{ readonly crmId: string; readonly wpId: string }> {
  const added = await core.call('connections/add', {
    kind: 'activecampaign',
    baseUrl: sb.crm.baseUrl,
    apiKey: sb.crm.apiKey,
    label: 'AC sandbox',
  });
  const crmId = added.connection.id;
  fastSettings(core, crmId, settings);
  const wpId = await insertWordPressConnection(core.context, {
    credentials: {
      url: sb.wordpress.baseUrl,
      username: sb.wordpress.username,
      appPassword: sb.wordpress.appPassword,
    },
    siteUrl: sb.wordpress.baseUrl,
    label: 'AC site',
    crmConnectionId: crmId,
    lastTestOk: true,
    isSandbox: true,
  });
  await syncNow(core, crmId, 'full');
  await core.call('wordpress/sync', { connectionId: wpId, mode: 'full' });
  await scanAndWait(core);
  return { crmId, wpId };
}
