import type { ConnectionDetail, ConnectionTestResult } from '../methods/connections';
import type { HandlerSubset } from './types';
import type { CoreContext } from '../../context/context';
import { AppError, toErrorShape } from '../../domain/errors';
import { ApiKeyAuth } from '../../connectors/keap/auth';
import { KeapClient, KEAP_DEFAULT_BASE_URL } from '../../connectors/keap/client';
import {
  createCrmClient,
  getConnection,
  insertConnection,
  listConnections,
  recordTest,
  type ConnectionRow,
} from '../../sync/connections';
import { syncManager } from '../../sync/manager';

async function detail(ctx: CoreContext, row: ConnectionRow): Promise<ConnectionDetail> {
  let hint: string | null = null;
  let hasSecret = false;
  if (row.secret_ref) {
    try {
      const secret = await ctx.workspace.secrets.get(row.secret_ref);
      hasSecret = Boolean(secret);
      hint = secret && secret.length >= 12 ? `…${secret.slice(-4)}` : secret ? '…' : null;
    } catch {
      hasSecret = false;
    }
  }
  const contactCount = ctx.workspace.db
    .prepare('SELECT count(*) FROM contacts WHERE connection_id = ?')
    .pluck()
    .get(row.id) as number;
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    baseUrl: row.base_url,
    isSandbox: row.is_sandbox === 1,
    lastSyncAt: row.last_sync_at,
    lastTestOk: row.last_test_ok === null ? null : row.last_test_ok === 1,
    account: row.account,
    lastTestedAt: row.last_tested_at,
    hasSecret,
    secretHint: hint,
    contactCount,
  };
}

/** Tests Keap credentials without saving anything; failures are thrown as the connector's clear AppErrors. */
async function testKeap(ctx: CoreContext, baseUrl: string, apiKey: string): Promise<ConnectionTestResult> {
  const client = new KeapClient({
    baseUrl,
    auth: new ApiKeyAuth(apiKey),
    clock: ctx.clock,
    // A connection test should answer within seconds, not retry for minutes.
    maxRetries: 2,
    timeoutMs: 15_000,
  });
  const info = await client.testConnection();
  return { ok: true, account: info.account, details: info.details };
}

const now = (ctx: CoreContext) => new Date(ctx.clock.now()).toISOString();

export const connectionHandlers: HandlerSubset<
  'connections/list' | 'connections/add' | 'connections/edit' | 'connections/remove' | 'connections/test'
> = {
  'connections/list': async (_input, ctx) =>
    Promise.all(listConnections(ctx.workspace.db).map((row) => detail(ctx, row))),

  'connections/add': async (input, ctx) => {
    const baseUrl = input.baseUrl ?? KEAP_DEFAULT_BASE_URL;
    const test = await testKeap(ctx, baseUrl, input.apiKey);
    const id = await insertConnection(
      ctx,
      {
        kind: 'keap',
        label: input.label ?? test.account ?? 'Keap',
        baseUrl: new URL(baseUrl).toString().replace(/\/+$/, ''),
        account: test.account,
        testedOk: true,
      },
      input.apiKey,
    );
    ctx.events.emit('workspace/changed', { reason: 'connection added' });
    return { connection: await detail(ctx, getConnection(ctx.workspace.db, id)), test };
  },

  'connections/edit': async (input, ctx) => {
    const db = ctx.workspace.db;
    const row = getConnection(db, input.id);
    let test: ConnectionTestResult | null = null;
    if (input.baseUrl !== undefined || input.apiKey !== undefined) {
      if (row.kind !== 'keap') throw new AppError('UNSUPPORTED', 'Only Keap connections can be edited here.');
      const key =
        input.apiKey ?? (row.secret_ref ? await ctx.workspace.secrets.get(row.secret_ref) : undefined);
      if (!key) throw new AppError('AUTH_FAILED', 'No API key is stored for this connection; paste one.');
      test = await testKeap(ctx, input.baseUrl ?? row.base_url, key);
      if (input.apiKey !== undefined && row.secret_ref)
        await ctx.workspace.secrets.set(row.secret_ref, input.apiKey);
      recordTest(db, row.id, true, test.account, now(ctx));
    }
    db.prepare(
      'UPDATE connections SET label = COALESCE(?, label), base_url = COALESCE(?, base_url) WHERE id = ?',
    ).run(input.label ?? null, input.baseUrl ? input.baseUrl.replace(/\/+$/, '') : null, row.id);
    ctx.events.emit('workspace/changed', { reason: 'connection edited' });
    return { connection: await detail(ctx, getConnection(db, row.id)), test };
  },

  'connections/remove': async (input, ctx) => {
    const db = ctx.workspace.db;
    const row = db.prepare('SELECT * FROM connections WHERE id = ?').get(input.id) as
      ConnectionRow | undefined;
    if (!row) return { removed: false };
    const manager = syncManager(ctx);
    if (manager.cancel(row.id)) await manager.wait(row.id).catch(() => undefined);
    if (row.secret_ref) await ctx.workspace.secrets.delete(row.secret_ref);
    db.prepare('DELETE FROM connections WHERE id = ?').run(row.id);
    ctx.events.emit('workspace/changed', { reason: 'connection removed' });
    return { removed: true };
  },

  'connections/test': async (input, ctx) => {
    const db = ctx.workspace.db;
    const row = getConnection(db, input.id);
    try {
      const client = await createCrmClient(ctx, row);
      const info = await client.testConnection();
      recordTest(db, row.id, true, info.account, now(ctx));
      return { ok: true, account: info.account, details: info.details };
    } catch (error) {
      const shape = toErrorShape(error);
      recordTest(db, row.id, false, null, now(ctx));
      return {
        ok: false,
        account: row.account,
        details: {},
        error: { code: shape.code, message: shape.message },
      };
    }
  },
};
