import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CoreContext } from '../context/context';
import { AppError } from '../domain/errors';
import { ApiKeyAuth } from '../connectors/keap/auth';
import { KeapClient, KEAP_DEFAULT_BASE_URL, KEAP_KEY_LIMITS } from '../connectors/keap/client';
import type { CrmClient } from '../ports/crm';
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
  readonly kind: 'keap' | 'activecampaign' | 'wordpress';
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
  readonly kind: 'keap';
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

/** Builds the CRM client for a stored connection, reading its key from the secret store at the last moment. */
export async function createCrmClient(
  ctx: CoreContext,
  row: ConnectionRow,
  overrides: ClientOverrides = {},
): Promise<CrmClient> {
  if (row.kind !== 'keap') {
    throw new AppError('UNSUPPORTED', `Connections of kind ${row.kind} are not a CRM this version can sync.`);
  }
  const key =
    overrides.apiKey ?? (row.secret_ref ? await ctx.workspace.secrets.get(row.secret_ref) : undefined);
  if (!key) {
    throw new AppError(
      'AUTH_FAILED',
      `No API key is stored for "${row.label}". Edit the connection and paste the key again.`,
    );
  }
  const settings = parseSettings(row);
  return new KeapClient({
    baseUrl: overrides.baseUrl ?? row.base_url ?? KEAP_DEFAULT_BASE_URL,
    auth: new ApiKeyAuth(key),
    limits: { ...KEAP_KEY_LIMITS, ...settings.rateLimits },
    clock: ctx.clock,
    ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.retryBaseDelayMs !== undefined ? { baseDelayMs: settings.retryBaseDelayMs } : {}),
    ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
    ...(overrides.onRequest ? { onRequest: overrides.onRequest } : {}),
  });
}

export function recordTest(db: Db, id: string, ok: boolean, account: string | null, at: string): void {
  db.prepare(
    'UPDATE connections SET last_tested_at = ?, last_test_ok = ?, account = COALESCE(?, account) WHERE id = ?',
  ).run(at, ok ? 1 : 0, account, id);
}
