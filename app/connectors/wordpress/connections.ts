import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CoreContext } from '../../context/context';
import { AppError } from '../../domain/errors';
import type { Db } from '../../store/database';
import type { ConnectorRegistry } from '../registry';
import {
  deleteConnectionRow,
  findConnection,
  findSameAccount,
  insertConnectionRow,
  listConnections,
  listConnectionsOfKind,
  type ConnectionRow,
} from '../../store/connections-repo';
import { isoNow } from '../../ports/clock';
import { WordPressConnector, type WordPressConnectorOptions } from './client';

const settingsSchema = z.object({ crmConnectionId: z.string().nullable().optional() }).catch({});

export interface WordPressConnectionRow {
  readonly id: string;
  readonly label: string;
  readonly baseUrl: string;
  readonly username: string;
  readonly secretRef: string;
  readonly crmConnectionId: string | null;
  readonly isSandbox: boolean;
}

/** Stored in `connections.kind`; the descriptor (`connector.ts`) names the same. */
export const WORDPRESS_KIND = 'wordpress';

const secretRefFor = (id: string) => `wordpress:${id}:app-password`;

function toConnection(r: ConnectionRow): WordPressConnectionRow {
  let settings: { crmConnectionId?: string | null | undefined };
  try {
    settings = settingsSchema.parse(JSON.parse(r.settings));
  } catch {
    settings = {};
  }
  return {
    id: r.id,
    label: r.label,
    baseUrl: r.base_url,
    username: r.account ?? '',
    secretRef: r.secret_ref ?? secretRefFor(r.id),
    crmConnectionId: settings.crmConnectionId ?? null,
    isSandbox: r.is_sandbox === 1,
  };
}

export function listWordPressConnections(db: Db): WordPressConnectionRow[] {
  return listConnectionsOfKind(db, WORDPRESS_KIND).map(toConnection);
}

/** The named WordPress connection, or the only one when no id is given. */
export function resolveWordPressConnection(db: Db, connectionId?: string | null): WordPressConnectionRow {
  const all = listWordPressConnections(db);
  if (connectionId) {
    const found = all.find((c) => c.id === connectionId);
    if (!found) throw new AppError('NOT_FOUND', `No WordPress connection with id ${connectionId}.`);
    return found;
  }
  if (all.length === 0) {
    throw new AppError(
      'NOT_FOUND',
      'No WordPress site is connected yet. Add one under Connections (or `mergedesk connect wordpress`).',
    );
  }
  if (all.length > 1) {
    throw new AppError(
      'INVALID_INPUT',
      `Several WordPress sites are connected; say which one (${all.map((c) => c.id).join(', ')}).`,
    );
  }
  return all[0]!;
}

/**
 * The CRM whose cache decides whether a linked contact still exists: the one paired with the site, else the first
 * CRM connection, else none (links are then "unknown"). Which kinds are CRMs is the registry's answer.
 */
export function pairedCrmConnectionId(
  db: Db,
  connectors: Pick<ConnectorRegistry, 'isCrm'>,
  wp: WordPressConnectionRow,
): string | null {
  if (wp.crmConnectionId) {
    const paired = findConnection(db, wp.crmConnectionId);
    if (paired && connectors.isCrm(paired.kind)) return paired.id;
  }
  return listConnections(db).find((c) => connectors.isCrm(c.kind))?.id ?? null;
}

const clients = new WeakMap<CoreContext, Map<string, WordPressConnector>>();

/** One connector per connection and core, so its rate limiter is shared by every caller. */
export async function clientFor(ctx: CoreContext, conn: WordPressConnectionRow): Promise<WordPressConnector> {
  let byId = clients.get(ctx);
  if (!byId) clients.set(ctx, (byId = new Map()));
  const cached = byId.get(conn.id);
  if (cached) return cached;
  const password = await ctx.workspace.secrets.get(conn.secretRef);
  if (!password) {
    throw new AppError(
      'AUTH_FAILED',
      `The Application Password for ${conn.label} is missing from this computer's secret store. Remove the connection and add it again.`,
    );
  }
  const client = new WordPressConnector({
    url: conn.baseUrl,
    username: conn.username,
    appPassword: password,
    clock: ctx.clock,
  });
  byId.set(conn.id, client);
  return client;
}

export function forgetClient(ctx: CoreContext, connectionId: string): void {
  clients.get(ctx)?.delete(connectionId);
}

export async function insertWordPressConnection(
  ctx: CoreContext,
  input: {
    readonly credentials: WordPressConnectorOptions;
    readonly siteUrl: string;
    readonly label: string;
    readonly crmConnectionId: string | null;
    readonly lastTestOk: boolean;
    readonly isSandbox?: boolean;
  },
): Promise<string> {
  const db = ctx.workspace.db;
  const duplicate = findSameAccount(db, WORDPRESS_KIND, input.siteUrl, input.credentials.username.trim());
  if (duplicate) {
    throw new AppError(
      'CONFLICT',
      `${input.siteUrl} is already connected as ${input.credentials.username} (${duplicate}).`,
      {
        connectionId: duplicate,
      },
    );
  }
  const id = `wp-${randomUUID().slice(0, 8)}`;
  const ref = secretRefFor(id);
  await ctx.workspace.secrets.set(ref, input.credentials.appPassword.replace(/\s+/g, ''));
  const now = isoNow(ctx.clock);
  insertConnectionRow(db, ctx.connectors, {
    id,
    kind: WORDPRESS_KIND,
    label: input.label,
    baseUrl: input.siteUrl,
    settings: JSON.stringify({ crmConnectionId: input.crmConnectionId }),
    account: input.credentials.username.trim(),
    secretRef: ref,
    isSandbox: input.isSandbox ?? false,
    createdAt: now,
    testedOk: input.lastTestOk,
  });
  return id;
}

export async function deleteWordPressConnection(
  ctx: CoreContext,
  conn: WordPressConnectionRow,
): Promise<void> {
  forgetClient(ctx, conn.id);
  // Cascades to wp_users, wp_orders and sync state of this site.
  deleteConnectionRow(ctx.workspace.db, conn.id);
  await ctx.workspace.secrets.delete(conn.secretRef);
}
