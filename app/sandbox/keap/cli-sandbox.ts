import type { CrmSandbox } from '../../ports/connector';
import { startKeapSandbox } from './server';

/** The Keap-compatible sandbox as `mergedesk sandbox --crm keap` runs it. */
export const keapCliSandbox: CrmSandbox = {
  async start(options) {
    const sb = await startKeapSandbox({
      contacts: options.contacts,
      seed: options.seed,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    });
    const info = {
      baseUrl: sb.baseUrl,
      apiKey: sb.apiKey,
      contacts: Object.keys(sb.store.data.contacts).length,
      duplicateClusters: sb.world.truth.clusters.length,
    };
    return {
      info,
      lines: [
        `Keap sandbox running (${info.contacts} contacts, ${info.duplicateClusters} people with duplicates).`,
        `Base URL: ${info.baseUrl}`,
        `API key: ${info.apiKey}`,
        `Connect: KEAP_API_KEY=${info.apiKey} mergedesk connect keap --base-url ${info.baseUrl}`,
      ],
      close: () => sb.close(),
    };
  },
};
