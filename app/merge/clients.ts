import type { CoreContext } from '../context/context';
import type { CrmClient, CrmKind } from '../ports/crm';
import type { WordPressClient } from '../ports/wordpress';
import { AppError } from '../domain/errors';

export type CrmClientFactory = (ctx: CoreContext, connectionId: string) => CrmClient;
export type WordPressClientFactory = (ctx: CoreContext, connectionId: string) => WordPressClient;

/**
 * Connectors register how to build a client for a connection kind; the merge module resolves clients through
 * this registry, so it never imports a connector and tests can plug in fakes.
 */
const crmFactories = new Map<string, CrmClientFactory>();
const wpFactories = new Map<string, WordPressClientFactory>();
const instances = new WeakMap<CoreContext, Map<string, CrmClient | WordPressClient>>();

export function registerCrmClientFactory(kind: CrmKind, factory: CrmClientFactory): () => void {
  crmFactories.set(kind, factory);
  return () => {
    if (crmFactories.get(kind) === factory) crmFactories.delete(kind);
  };
}

export function registerWordPressClientFactory(
  kind: 'wordpress',
  factory: WordPressClientFactory,
): () => void {
  wpFactories.set(kind, factory);
  return () => {
    if (wpFactories.get(kind) === factory) wpFactories.delete(kind);
  };
}

/** Drops the clients built for a core (after a connection's settings or credentials change). */
export function forgetClients(ctx: CoreContext): void {
  instances.delete(ctx);
}

function connectionKind(ctx: CoreContext, connectionId: string): string {
  const kind = ctx.workspace.db
    .prepare('SELECT kind FROM connections WHERE id = ?')
    .pluck()
    .get(connectionId) as string | undefined;
  if (!kind) throw new AppError('NOT_FOUND', `Connection ${connectionId} does not exist.`);
  return kind;
}

function cached<T extends CrmClient | WordPressClient>(
  ctx: CoreContext,
  connectionId: string,
  build: () => T,
): T {
  let map = instances.get(ctx);
  if (!map) instances.set(ctx, (map = new Map()));
  const hit = map.get(connectionId);
  if (hit) return hit as T;
  const client = build();
  map.set(connectionId, client);
  return client;
}

export function crmClientFor(ctx: CoreContext, connectionId: string): CrmClient {
  const kind = connectionKind(ctx, connectionId);
  const factory = crmFactories.get(kind);
  if (!factory) {
    throw new AppError(
      'UNSUPPORTED',
      `No CRM connector is available for ${kind} connections in this build.`,
      { kind },
    );
  }
  return cached(ctx, connectionId, () => factory(ctx, connectionId));
}

export function wordPressClientFor(ctx: CoreContext, connectionId: string): WordPressClient {
  const kind = connectionKind(ctx, connectionId);
  const factory = wpFactories.get(kind);
  if (!factory)
    throw new AppError('UNSUPPORTED', `No WordPress connector is available in this build.`, { kind });
  return cached(ctx, connectionId, () => factory(ctx, connectionId));
}

/** The strategy a connection's client supports, or 'unknown' when no connector is registered (offline review). */
export function strategyFor(ctx: CoreContext, connectionId: string): 'native' | 'manual' | 'unknown' {
  try {
    return crmClientFor(ctx, connectionId).capabilities.nativeMerge ? 'native' : 'manual';
  } catch {
    return 'unknown';
  }
}
