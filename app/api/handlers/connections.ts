import type { ConnectionDetail, ConnectionKind, ConnectionTestResult } from '../methods/connections';
import type { HandlerSubset } from './types';
import { roleOf } from './app';
import type { CoreContext } from '../../context/context';
import type { CrmConnector, CrmCredentials } from '../../ports/connector';
import { runCancellable } from '../../jobs/cancellable';
import { AppError, toErrorShape } from '../../domain/errors';
import {
  createCrmClient,
  crmConnectorFor,
  deleteConnection,
  findConnection,
  getConnection,
  insertConnection,
  listConnections,
  recordTest,
  replaceSecret,
  updateConnection,
  type ConnectionRow,
} from '../../sync/connections';
import { syncManager } from '../../sync/manager';
import { connectionContactCount } from '../../store/contacts-reads';
import { cancelOAuthConnect, completeOAuthConnect, startOAuthConnect } from '../../sync/oauth-connect';
import { addEmbeddedSandbox, canAddEmbeddedSandbox, sandboxConnectionRemoved } from '../../sandbox/embedded';
import { crmClientFor } from '../../merge/clients';

async function detail(ctx: CoreContext, row: ConnectionRow): Promise<ConnectionDetail> {
  let hint: string | null = null;
  let hasSecret = false;
  let signIn: ConnectionDetail['signIn'] = 'api-key';
  if (row.secret_ref) {
    try {
      const secret = await ctx.workspace.secrets.get(row.secret_ref);
      hasSecret = Boolean(secret);
      hint = secret && secret.length >= 12 ? `…${secret.slice(-4)}` : secret ? '…' : null;
      // Tokens rotate and are nobody's to recognise: no hint for them.
      if (
        secret &&
        ctx.connectors.isCrm(row.kind) &&
        ctx.connectors.crm(row.kind).oauth?.holdsTokens(secret)
      ) {
        signIn = 'oauth2';
        hint = null;
      }
    } catch {
      hasSecret = false;
    }
  }
  const contactCount = connectionContactCount(ctx.workspace.db, row.id);
  return {
    id: row.id,
    kind: row.kind,
    role: roleOf(ctx, row.kind),
    label: row.label,
    baseUrl: row.base_url,
    isSandbox: row.is_sandbox === 1,
    lastSyncAt: row.last_sync_at,
    lastTestOk: row.last_test_ok === null ? null : row.last_test_ok === 1,
    account: row.account,
    lastTestedAt: row.last_tested_at,
    hasSecret,
    secretHint: hint,
    signIn,
    contactCount,
  };
}

/** The connector's own schema judges what a person typed; its first complaint is the message. */
function parseCredentials(connector: CrmConnector, input: { baseUrl?: string | undefined; apiKey: string }) {
  const parsed = connector.credentials.safeParse({
    baseUrl: input.baseUrl ?? connector.defaultBaseUrl ?? undefined,
    apiKey: input.apiKey,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'INVALID_INPUT',
      issue?.path.includes('baseUrl') && input.baseUrl === undefined
        ? `${connector.label} needs the account's API URL.`
        : (issue?.message ?? `These ${connector.label} credentials are not valid.`),
    );
  }
  return parsed.data;
}

/** Tests credentials without saving anything; failures are thrown as the connector's clear AppErrors. */
async function testCredentials(
  ctx: CoreContext,
  connector: CrmConnector,
  credentials: CrmCredentials,
): Promise<ConnectionTestResult> {
  const info = await connector.testConnection(credentials, ctx.clock);
  return { ok: true, account: info.account, details: info.details };
}

function describeKind(c: CrmConnector): ConnectionKind {
  return {
    kind: c.kind,
    label: c.label,
    defaultBaseUrl: c.defaultBaseUrl,
    help: c.help,
    oauth2: c.oauth !== undefined,
    sandbox: canAddEmbeddedSandbox(c),
    capabilities: {
      nativeMerge: c.capabilities.nativeMerge,
      lists: c.capabilities.lists,
      automations: c.capabilities.automations,
      sequences: c.capabilities.sequences,
      customFields: c.capabilities.customFields,
      maxEmails: c.capabilities.slots.emails.length,
      maxPhones: c.capabilities.slots.phones.length,
      maxAddresses: c.capabilities.slots.addresses.length,
      consent: c.capabilities.consent,
    },
  };
}

const now = (ctx: CoreContext) => new Date(ctx.clock.now()).toISOString();

export const connectionHandlers: HandlerSubset<
  | 'connections/kinds'
  | 'connections/list'
  | 'connections/add'
  | 'connections/edit'
  | 'connections/remove'
  | 'connections/test'
  | 'connections/oauth-start'
  | 'connections/oauth-complete'
  | 'connections/oauth-cancel'
  | 'connections/add-sandbox'
  | 'connections/quota'
> = {
  'connections/kinds': (_input, ctx) => ctx.connectors.crms().map(describeKind),

  'connections/list': async (_input, ctx) =>
    Promise.all(listConnections(ctx.workspace.db).map((row) => detail(ctx, row))),

  'connections/oauth-start': async (input, ctx) => {
    const { flowId, authorizeUrl } = await startOAuthConnect(ctx, input);
    return { flowId, authorizeUrl };
  },
  'connections/oauth-complete': async (input, ctx) => {
    const id = await completeOAuthConnect(ctx, input.flowId);
    return { connection: await detail(ctx, getConnection(ctx.workspace.db, id)) };
  },
  'connections/oauth-cancel': (input, ctx) => ({ cancelled: cancelOAuthConnect(ctx, input.flowId) }),

  'connections/add-sandbox': async (input, ctx) => {
    const { connectionId } = await addEmbeddedSandbox(ctx, input.kind);
    return { connection: await detail(ctx, getConnection(ctx.workspace.db, connectionId)) };
  },
  'connections/quota': async (input, ctx) => {
    const row = getConnection(ctx.workspace.db, input.id);
    // Refuses a site connection in words before any client is built.
    crmConnectorFor(ctx, row);
    // The shared client knows what the CRM last said is left today; before its first request a new client (which
    // sends nothing) still knows the connection type's budget.
    const quota = crmClientFor(ctx, row.id).quota?.() ?? (await createCrmClient(ctx, row)).quota?.() ?? null;
    if (!quota) return { quota: null };
    const resetsAt = quota.resetsAt === null ? null : new Date(quota.resetsAt).toISOString();
    return { quota: { ...quota, resetsAt } };
  },

  'connections/add': async (input, ctx) => {
    const connector = ctx.connectors.crm(input.kind);
    const credentials = parseCredentials(connector, input);
    const test = await testCredentials(ctx, connector, credentials);
    const id = await insertConnection(
      ctx,
      {
        kind: connector.kind,
        label: input.label ?? test.account ?? connector.label,
        baseUrl: credentials.baseUrl,
        account: test.account,
        testedOk: true,
      },
      credentials.apiKey,
    );
    ctx.events.emit('workspace/changed', { reason: 'connection added' });
    return { connection: await detail(ctx, getConnection(ctx.workspace.db, id)), test };
  },

  'connections/edit': async (input, ctx) => {
    const db = ctx.workspace.db;
    const row = getConnection(db, input.id);
    let test: ConnectionTestResult | null = null;
    let baseUrl: string | null = null;
    if (input.baseUrl !== undefined || input.apiKey !== undefined) {
      const connector = crmConnectorFor(ctx, row);
      const key =
        input.apiKey ?? (row.secret_ref ? await ctx.workspace.secrets.get(row.secret_ref) : undefined);
      if (!key) throw new AppError('AUTH_FAILED', 'No API key is stored for this connection; paste one.');
      const credentials = parseCredentials(connector, {
        baseUrl: input.baseUrl ?? row.base_url,
        apiKey: key,
      });
      test = await testCredentials(ctx, connector, credentials);
      if (input.apiKey !== undefined) await replaceSecret(ctx, row, credentials.apiKey);
      recordTest(db, row.id, true, test.account, now(ctx));
      baseUrl = credentials.baseUrl;
    }
    updateConnection(ctx, row.id, { label: input.label ?? null, baseUrl });
    ctx.events.emit('workspace/changed', { reason: 'connection edited' });
    return { connection: await detail(ctx, getConnection(db, row.id)), test };
  },

  'connections/remove': async (input, ctx) => {
    const row = findConnection(ctx.workspace.db, input.id);
    if (!row) return { removed: false };
    const manager = syncManager(ctx);
    if (manager.cancel(row.id)) await manager.wait(row.id).catch(() => undefined);
    await deleteConnection(ctx, row);
    await sandboxConnectionRemoved(ctx, row);
    ctx.events.emit('workspace/changed', { reason: 'connection removed' });
    return { removed: true };
  },

  'connections/test': async (input, ctx) => {
    const db = ctx.workspace.db;
    const row = getConnection(db, input.id);
    try {
      const client = await createCrmClient(ctx, row);
      const info = await runCancellable(ctx, input.jobId, (signal) => client.testConnection(signal));
      recordTest(db, row.id, true, info.account, now(ctx));
      return { ok: true, account: info.account, details: info.details };
    } catch (error) {
      const shape = toErrorShape(error);
      // A test the user stopped says nothing about the connection: the last result stands.
      if (shape.code !== 'CANCELLED') recordTest(db, row.id, false, null, now(ctx));
      return {
        ok: false,
        account: row.account,
        details: {},
        error: { code: shape.code, message: shape.message },
      };
    }
  },
};
