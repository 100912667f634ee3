import type { CoreContext } from '../context/context';
import type { CrmClient } from '../ports/crm';
import type { CrmCapabilities } from '../ports/connector';
import type { WordPressClient } from '../ports/wordpress';
import { AppError } from '../domain/errors';
import { lazyCrmClient } from '../connectors/lazy-clients';
import { createCrmClient, findConnection } from '../sync/connections';

/**
 * Clients by connection id, built from the connectors the core was created with and kept in the core's client
 * cache (which every connection change clears), so the merge engine never imports a connector and never calls
 * an account with an old key or URL.
 */
function connectionKind(ctx: CoreContext, connectionId: string): string {
  const row = findConnection(ctx.workspace.db, connectionId);
  if (!row) throw new AppError('NOT_FOUND', `Connection ${connectionId} does not exist.`);
  return row.kind;
}

/** Drops the clients built for a core (after connections were re-pointed wholesale, e.g. a sandbox restart). */
export function forgetClients(ctx: CoreContext, connectionId?: string): void {
  ctx.clients.forget(connectionId);
}

export function crmClientFor(ctx: CoreContext, connectionId: string): CrmClient {
  const connector = ctx.connectors.crm(connectionKind(ctx, connectionId));
  return ctx.clients.get(connectionId, () =>
    lazyCrmClient(connector.kind, connector.capabilities, async () => {
      const row = findConnection(ctx.workspace.db, connectionId);
      if (!row) throw new AppError('NOT_FOUND', `Connection ${connectionId} does not exist.`);
      return createCrmClient(ctx, row);
    }),
  );
}

export function wordPressClientFor(ctx: CoreContext, connectionId: string): WordPressClient {
  const connector = ctx.connectors.site(connectionKind(ctx, connectionId));
  return ctx.clients.get(connectionId, () => connector.createClient(ctx, connectionId));
}

/** What the connection's CRM can do, or null when no connector for its kind is part of this build. */
export function capabilitiesFor(ctx: CoreContext, connectionId: string): CrmCapabilities | null {
  const row = findConnection(ctx.workspace.db, connectionId);
  if (!row || !ctx.connectors.isCrm(row.kind)) return null;
  return ctx.connectors.crm(row.kind).capabilities;
}

/** The strategy a connection's CRM supports, or 'unknown' when no connector for it is part of this build. */
export function strategyFor(ctx: CoreContext, connectionId: string): 'native' | 'manual' | 'unknown' {
  const caps = capabilitiesFor(ctx, connectionId);
  return caps === null ? 'unknown' : caps.nativeMerge ? 'native' : 'manual';
}
