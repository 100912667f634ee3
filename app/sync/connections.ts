import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CoreContext } from '../context/context';
import { AppError } from '../domain/errors';
import type { CrmClient } from '../ports/crm';
import type { CrmConnector } from '../ports/connector';
import {
  deleteConnectionRow,
  findConnection,
  getConnection,
  insertConnectionRow,
  listConnections,
  recordTest,
  setSecretRef,
  updateConnectionRow,
  type ConnectionRow,
} from '../store/connections-repo';

/** Per-connection tuning kept in `connections.settings` (never secrets). */
export const connectionSettingsSchema = z
  .object({
    rateLimits: z
      .object({ perSecond: z.number().positive().optional(), perMinute: z.number().positive().optional() })
      .optional(),
    pageSize: z.number().int().min(1).max(1000).optional(),
    overlapMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .optional(),
    /** Network tuning, for slow links (and for tests that inject slow responses). */
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
    retryBaseDelayMs: z.number().int().min(1).max(60_000).optional(),
    maxRetries: z.number().int().min(0).max(20).optional(),
  })
  .catch({});
export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;

// The rows come from the table's owner; callers that also need the secret or the client cache start here.
export type { ConnectionRow };
export { findConnection, getConnection, listConnections, recordTest };

export function parseSettings(row: ConnectionRow): ConnectionSettings {
  try {
    return connectionSettingsSchema.parse(JSON.parse(row.settings));
  } catch {
    return {};
  }
}

export const secretRefFor = (connectionId: string) => `connection:${connectionId}:api-key`;

export interface NewConnection {
  readonly kind: string;
  readonly label: string;
  readonly baseUrl: string;
  readonly account: string | null;
  readonly isSandbox?: boolean;
  readonly settings?: ConnectionSettings;
  readonly testedOk: boolean;
}

export async function insertConnection(
  ctx: CoreContext,
  input: NewConnection,
  secret: string,
): Promise<string> {
  const id = randomUUID();
  const ref = secretRefFor(id);
  // The secret goes to the secret store first: a row without its key would be a broken connection.
  await ctx.workspace.secrets.set(ref, secret);
  const now = new Date(ctx.clock.now()).toISOString();
  insertConnectionRow(ctx.workspace.db, ctx.connectors, {
    id,
    kind: input.kind,
    label: input.label,
    baseUrl: input.baseUrl,
    settings: JSON.stringify(input.settings ?? {}),
    account: input.account,
    secretRef: ref,
    isSandbox: input.isSandbox ?? false,
    createdAt: now,
    testedOk: input.testedOk,
  });
  return id;
}

export interface ClientOverrides {
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly onRequest?: () => void;
}

/** The CRM connector for a stored connection, or an UNSUPPORTED error in words when it is not a CRM. */
export function crmConnectorFor(ctx: CoreContext, row: ConnectionRow): CrmConnector {
  if (!ctx.connectors.isCrm(row.kind)) {
    throw new AppError('UNSUPPORTED', `"${row.label}" is not a CRM connection this version can sync.`, {
      kind: row.kind,
    });
  }
  return ctx.connectors.crm(row.kind);
}

/** Builds the CRM client for a stored connection, reading its key from the secret store at the last moment. */
export async function createCrmClient(
  ctx: CoreContext,
  row: ConnectionRow,
  overrides: ClientOverrides = {},
): Promise<CrmClient> {
  const connector = crmConnectorFor(ctx, row);
  const settings = parseSettings(row);
  return connector.createClient({
    baseUrl: overrides.baseUrl ?? row.base_url ?? connector.defaultBaseUrl ?? '',
    secret: async () => {
      const key =
        overrides.apiKey ?? (row.secret_ref ? await ctx.workspace.secrets.get(row.secret_ref) : undefined);
      if (!key) {
        throw new AppError(
          'AUTH_FAILED',
          `No API key is stored for "${row.label}". Edit the connection and paste the key again.`,
        );
      }
      return key;
    },
    tuning: {
      ...(settings.rateLimits ? { rateLimits: settings.rateLimits } : {}),
      ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
      ...(settings.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: settings.retryBaseDelayMs } : {}),
      ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
    },
    clock: ctx.clock,
    ...(overrides.onRequest ? { onRequest: overrides.onRequest } : {}),
    ...(row.secret_ref && overrides.apiKey === undefined
      ? { saveSecret: (secret: string) => ctx.workspace.secrets.set(row.secret_ref!, secret) }
      : {}),
  });
}

/** Renames a connection or points it at another URL; the core's client for it is dropped. */
export function updateConnection(
  ctx: CoreContext,
  id: string,
  change: {
    readonly label?: string | null;
    readonly baseUrl?: string | null;
    readonly account?: string | null;
  },
): void {
  updateConnectionRow(ctx.workspace.db, id, {
    label: change.label ?? null,
    baseUrl: change.baseUrl ?? null,
    account: change.account ?? null,
  });
  ctx.clients.forget(id);
}

/** Stores a new key for a connection; the core's client for it is dropped so the next call uses the new key. */
export async function replaceSecret(ctx: CoreContext, row: ConnectionRow, secret: string): Promise<void> {
  const ref = row.secret_ref ?? secretRefFor(row.id);
  await ctx.workspace.secrets.set(ref, secret);
  if (!row.secret_ref) setSecretRef(ctx.workspace.db, row.id, ref);
  ctx.clients.forget(row.id);
}

/** Removes a connection and its stored key (the cache rows go with it by foreign key). */
export async function deleteConnection(ctx: CoreContext, row: ConnectionRow): Promise<void> {
  if (row.secret_ref) await ctx.workspace.secrets.delete(row.secret_ref);
  deleteConnectionRow(ctx.workspace.db, row.id);
  ctx.clients.forget(row.id);
}
