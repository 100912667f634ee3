import type { SiteConnector } from '../../ports/connector';
import { lazyWordPressClient } from '../lazy-clients';
import { clientFor, resolveWordPressConnection } from './connections';

/** The WordPress/AccessAlly site, through the Mergedesk bridge plugin. */
export const wordpressConnector: SiteConnector = {
  role: 'site',
  kind: 'wordpress',
  label: 'WordPress',
  createClient: (ctx, connectionId) =>
    lazyWordPressClient(() => clientFor(ctx, resolveWordPressConnection(ctx.workspace.db, connectionId))),
};
