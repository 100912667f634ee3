import type { CoreContext } from '../context/context';
import { isAppError } from '../domain/errors';
import { scanStatus, startScan } from './service';
import { gateLanes, gateProfiles } from './batch-gate';
import { isoNow } from '../ports/clock';
import { findConnection } from '../store/connections-repo';

const attached = new WeakSet<CoreContext>();

/**
 * Keeps the duplicate queue current: after every completed CRM sync, an incremental re-scan re-keys and re-scores
 * only the contacts that changed (the first one is a full scan). A sync that finishes while a scan runs queues one
 * more scan for when it ends, so no change is missed. Every scan ends by re-gating the safe lane; a WordPress sync
 * re-gates it directly.
 */
export function attachAutoRescan(ctx: CoreContext): void {
  if (attached.has(ctx)) return;
  attached.add(ctx);
  let pending = false;

  const run = () => {
    if (scanStatus(ctx).running) {
      pending = true;
      return;
    }
    pending = false;
    try {
      startScan(ctx, 'incremental').finished.catch(() => undefined);
    } catch (error) {
      // Another scan started in between: run again when it ends.
      if (isAppError(error, 'BUSY')) pending = true;
    }
  };

  ctx.events.subscribe((event) => {
    if (event.name === 'sync/finished') {
      const payload = event.payload as { connectionId: string; status: string };
      if (payload.status !== 'completed') return;
      const connection = findConnection(ctx.workspace.db, payload.connectionId);
      const connector = connection ? ctx.connectors.find(connection.kind) : null;
      if (connector?.role === 'crm') run();
      else if (connector?.role === 'site') {
        // Logins and AccessAlly orders changed: no identity field did, but what a batch may merge can have.
        gateLanes(ctx.workspace.db, gateProfiles(ctx), { now: isoNow(ctx.clock), changedOnly: true });
        ctx.events.emit('workspace/changed', { reason: 'lanes' });
      }
    } else if (event.name === 'detect/finished' && pending) {
      setImmediate(run);
    }
  });
}
