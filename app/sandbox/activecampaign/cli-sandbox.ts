import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrmSandbox } from '../../ports/connector';
import { startLinkedAcSandboxes } from './linked';

/** The ActiveCampaign-compatible sandbox and its linked WordPress site, as `mergedesk sandbox --crm activecampaign` runs them. */
export const activeCampaignCliSandbox: CrmSandbox = {
  async start(options) {
    const sb = await startLinkedAcSandboxes({
      stateDir: options.stateDir ?? mkdtempSync(join(tmpdir(), 'mergedesk-ac-')),
      people: Math.max(6, Math.round(options.contacts / 1.3)),
      seed: options.seed,
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    const info = {
      crm: 'activecampaign',
      baseUrl: sb.crm.baseUrl,
      apiKey: sb.crm.apiKey,
      contacts: Object.keys(sb.crm.state.contacts).length,
      duplicateClusters: sb.crm.world.truth.clusters.length,
      wordpress: {
        url: sb.wordpress.baseUrl,
        username: sb.wordpress.username,
        appPassword: sb.wordpress.appPassword,
      },
    };
    return {
      info,
      lines: [
        `ActiveCampaign sandbox running (${info.contacts} contacts, ${info.duplicateClusters} people with duplicates; 5 requests/s).`,
        `API URL: ${info.baseUrl}`,
        `API key: ${info.apiKey}`,
        `Connect: AC_API_TOKEN=${info.apiKey} mergedesk connect activecampaign --base-url ${info.baseUrl}`,
        `Linked WordPress site: ${info.wordpress.url} (user ${info.wordpress.username}, application password ${info.wordpress.appPassword})`,
      ],
      close: () => sb.close(),
    };
  },
};
