import type { SiteConnector } from '../../ports/connector';
import { lazyWordPressClient } from '../lazy-clients';
import { WORDPRESS_KIND, clientFor, resolveWordPressConnection } from './connections';

/** The WordPress/AccessAlly site, through the Mergedesk bridge plugin. */
export const wordpressConnector: SiteConnector = {
  role: 'site',
  kind: WORDPRESS_KIND,
  label: 'WordPress',
  createClient: (ctx, connectionId) =>
    lazyWordPressClient(() => clientFor(ctx, resolveWordPressConnection(ctx.workspace.db, connectionId))),
};
