import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CoreContext } from '../context/context';
import { AppError } from '../domain/errors';
import type { CrmClient } from '../ports/crm';
import type { CrmConnector } from '../ports/connector';
import type { Db } from '../store/database';

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

export interface ConnectionRow {
  readonly id: string;
  /** A connector kind (`keap`, `activecampaign`, `wordpress`, …). */
  readonly kind: string;
  readonly label: string;
  readonly base_url: string;
  readonly settings: string;
  readonly account: string | null;
  readonly secret_ref: string | null;
  readonly is_sandbox: number;
  readonly created_at: string;
  readonly last_tested_at: string | null;
  readonly last_test_ok: number | null;
  readonly last_sync_at: string | null;
}

export function getConnection(db: Db, id: string): ConnectionRow {
  const row = db.prepare('SELECT * FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `There is no connection ${id}.`, { id });
  return row;
}

export function listConnections(db: Db): ConnectionRow[] {
  return db.prepare('SELECT * FROM connections ORDER BY created_at, id').all() as ConnectionRow[];
}

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
  ctx.workspace.db
    .prepare(
      `INSERT INTO connections (id, kind, label, base_url, settings, account, secret_ref, is_sandbox, created_at,
         last_tested_at, last_test_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      input.kind,
      input.label,
      input.baseUrl,
      JSON.stringify(input.settings ?? {}),
      input.account,
      ref,
      input.isSandbox ? 1 : 0,
      now,
      now,
      input.testedOk ? 1 : 0,
    );
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
  ctx.workspace.db
    .prepare(
      `UPDATE connections SET label = COALESCE(?, label), base_url = COALESCE(?, base_url),
         account = COALESCE(?, account) WHERE id = ?`,
    )
    .run(change.label ?? null, change.baseUrl ?? null, change.account ?? null, id);
  ctx.clients.forget(id);
}

/** Stores a new key for a connection; the core's client for it is dropped so the next call uses the new key. */
export async function replaceSecret(ctx: CoreContext, row: ConnectionRow, secret: string): Promise<void> {
  const ref = row.secret_ref ?? secretRefFor(row.id);
  await ctx.workspace.secrets.set(ref, secret);
  if (!row.secret_ref)
    ctx.workspace.db.prepare('UPDATE connections SET secret_ref = ? WHERE id = ?').run(ref, row.id);
  ctx.clients.forget(row.id);
}

/** Removes a connection and its stored key (the cache rows go with it by foreign key). */
export async function deleteConnection(ctx: CoreContext, row: ConnectionRow): Promise<void> {
  if (row.secret_ref) await ctx.workspace.secrets.delete(row.secret_ref);
  ctx.workspace.db.prepare('DELETE FROM connections WHERE id = ?').run(row.id);
  ctx.clients.forget(row.id);
}

export function findConnection(db: Db, id: string): ConnectionRow | null {
  return (db.prepare('SELECT * FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined) ?? null;
}

export function recordTest(db: Db, id: string, ok: boolean, account: string | null, at: string): void {
  db.prepare(
    'UPDATE connections SET last_tested_at = ?, last_test_ok = ?, account = COALESCE(?, account) WHERE id = ?',
  ).run(at, ok ? 1 : 0, account, id);
}
