import type { Connector, CrmConnector, SiteConnector } from '../../app/ports/connector';
import type { CrmClient } from '../../app/ports/crm';
import type { WordPressClient } from '../../app/ports/wordpress';
import { keapConnector } from '../../app/connectors/keap/connector';
import { wordpressConnector } from '../../app/connectors/wordpress/connector';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';

export { BUILT_IN_CONNECTORS };

/**
 * The built-in descriptors with their clients replaced by in-memory fakes: the core reads kinds, capabilities
 * and slots from the real descriptors, and every call lands on the fake.
 */
export function fakeConnectors(
  remotes: { readonly crm: CrmClient; readonly wp?: WordPressClient },
  crm: CrmConnector = keapConnector,
): Connector[] {
  const fakeCrm: CrmConnector = {
    ...crm,
    createClient: () => Promise.resolve(remotes.crm),
    testConnection: () => remotes.crm.testConnection(),
  };
  const site: SiteConnector = remotes.wp
    ? { ...wordpressConnector, createClient: () => remotes.wp! }
    : wordpressConnector;
  return [fakeCrm, site, ...BUILT_IN_CONNECTORS.filter((c) => c.kind !== crm.kind && c.kind !== 'wordpress')];
}
