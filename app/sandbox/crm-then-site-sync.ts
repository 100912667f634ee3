import type { CoreContext } from '../context/context';
import { syncManager } from '../sync/manager';
import type { SyncResult } from '../sync/engine';
import { syncWordPress } from '../sync/wordpress-sync';
import { clientFor, resolveWordPressConnection } from '../connectors/wordpress/connections';

/**
 * A sandbox's sync: the CRM first, then its linked site, so members whose link points at a contact the CRM no
 * longer has show up as orphans at once. The caller may not wait: a failed sync is reported through
 * `sync/finished`, never as an unhandled rejection.
 */
export function syncCrmThenSite(
  ctx: CoreContext,
  crmConnectionId: string,
  wpConnectionId: string,
  mode: 'full' | 'auto',
): Promise<SyncResult> {
  const manager = syncManager(ctx);
  manager.start(crmConnectionId, { mode });
  const done = manager.wait(crmConnectionId).then(async (result) => {
    const conn = resolveWordPressConnection(ctx.workspace.db, wpConnectionId);
    await syncWordPress({
      db: ctx.workspace.db,
      client: await clientFor(ctx, conn),
      connectionId: conn.id,
      events: ctx.events,
      clock: ctx.clock,
      mode: 'full',
    });
    ctx.events.emit('workspace/changed', { reason: 'wordpress synced' });
    return result;
  });
  done.catch(() => undefined);
  return done;
}
