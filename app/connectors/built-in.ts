import { registerCrmClientFactory, registerWordPressClientFactory } from '../merge/clients';
import { createCrmClient, getConnection } from '../sync/connections';
import { clientFor, resolveWordPressConnection } from './wordpress/connections';
import { lazyCrmClient, lazyWordPressClient } from './lazy-clients';

let registered = false;

/**
 * Plugs the connectors this build ships into the client registry the merge engine uses. Idempotent; called when a
 * core is created so every host (Electron, web, CLI) merges through the same real connectors.
 */
export function registerBuiltInConnectors(): void {
  if (registered) return;
  registered = true;
  registerCrmClientFactory('keap', (ctx, connectionId) =>
    lazyCrmClient('keap', { nativeMerge: true, sequences: true, tagsOnContact: true }, () =>
      createCrmClient(ctx, getConnection(ctx.workspace.db, connectionId)),
    ),
  );
  registerWordPressClientFactory('wordpress', (ctx, connectionId) =>
    lazyWordPressClient(() => clientFor(ctx, resolveWordPressConnection(ctx.workspace.db, connectionId))),
  );
}
