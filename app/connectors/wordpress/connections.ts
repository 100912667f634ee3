import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CoreContext } from '../../context/context';
import { AppError } from '../../domain/errors';
import type { Db } from '../../store/database';
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

interface Row {
  id: string;
  label: string;
  base_url: string;
  account: string | null;
  secret_ref: string | null;
  settings: string;
  is_sandbox: number;
}

const secretRefFor = (id: string) => `wordpress:${id}:app-password`;

function toConnection(r: Row): WordPressConnectionRow {
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
  const rows = db
    .prepare(
      `SELECT id, label, base_url, account, secret_ref, settings, is_sandbox FROM connections
       WHERE kind = 'wordpress' ORDER BY created_at`,
    )
    .all() as Row[];
  return rows.map(toConnection);
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
 * CRM connection, else none (links are then "unknown").
 */
export function pairedCrmConnectionId(db: Db, wp: WordPressConnectionRow): string | null {
  if (wp.crmConnectionId) {
    const ok = db
      .prepare(`SELECT 1 FROM connections WHERE id = ? AND kind != 'wordpress'`)
      .pluck()
      .get(wp.crmConnectionId);
    if (ok === 1) return wp.crmConnectionId;
  }
  return (
    (db
      .prepare(
        `SELECT id FROM connections WHERE kind IN ('keap', 'activecampaign') ORDER BY created_at LIMIT 1`,
      )
      .pluck()
      .get() as string | undefined) ?? null
  );
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
  const duplicate = db
    .prepare(`SELECT id FROM connections WHERE kind = 'wordpress' AND base_url = ? AND account = ?`)
    .pluck()
    .get(input.siteUrl, input.credentials.username.trim()) as string | undefined;
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
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, settings, account, secret_ref, is_sandbox, created_at,
       last_tested_at, last_test_ok) VALUES (?, 'wordpress', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    input.label,
    input.siteUrl,
    JSON.stringify({ crmConnectionId: input.crmConnectionId }),
    input.credentials.username.trim(),
    ref,
    input.isSandbox ? 1 : 0,
    now,
    now,
    input.lastTestOk ? 1 : 0,
  );
  return id;
}

export async function deleteWordPressConnection(
  ctx: CoreContext,
  conn: WordPressConnectionRow,
): Promise<void> {
  forgetClient(ctx, conn.id);
  // Cascades to wp_users, wp_orders and sync state of this site.
  ctx.workspace.db.prepare('DELETE FROM connections WHERE id = ?').run(conn.id);
  await ctx.workspace.secrets.delete(conn.secretRef);
}
