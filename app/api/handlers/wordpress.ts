import { appendAudit, auditSubject } from '../../store/audit-log';
import { readFileSync } from 'node:fs';
import type { HandlerSubset } from './types';
import type { CoreContext } from '../../context/context';
import type { WordPressPluginInfo, WordPressTestResult } from '../methods/wordpress';
import { listConnectionSummaries } from './app';
import { AppError, toErrorShape } from '../../domain/errors';
import { isoNow } from '../../ports/clock';
import { WordPressConnector } from '../../connectors/wordpress/client';
import { toSiteInfo } from '../../connectors/wordpress/bridge-schema';
import {
  clientFor,
  deleteWordPressConnection,
  insertWordPressConnection,
  listWordPressConnections,
  pairedCrmConnectionId,
  resolveWordPressConnection,
} from '../../connectors/wordpress/connections';
import {
  PLUGIN_INSTALL_STEPS,
  PLUGIN_ZIP_NAME,
  workspacePluginZip,
} from '../../connectors/wordpress/plugin-package';
import { WpUsersRepo } from '../../store/wp-users-repo';
import { recordTest } from '../../store/connections-repo';
import { syncWordPress } from '../../sync/wordpress-sync';

type Methods =
  | 'wordpress/test'
  | 'wordpress/add'
  | 'wordpress/remove'
  | 'wordpress/sync'
  | 'wordpress/members'
  | 'wordpress/membersForContact'
  | 'wordpress/contactsWithoutUser'
  | 'wordpress/relink'
  | 'wordpress/pluginInfo'
  | 'wordpress/pluginZip';

function pluginInfo(ctx: CoreContext): WordPressPluginInfo {
  const zip = workspacePluginZip(ctx.workspace.dir);
  return {
    version: zip.version,
    fileName: PLUGIN_ZIP_NAME,
    sizeBytes: zip.sizeBytes,
    installSteps: PLUGIN_INSTALL_STEPS,
  };
}

/** Runs every check and reports each outcome instead of stopping at the first failure. */
async function testSite(ctx: CoreContext, client: WordPressConnector): Promise<WordPressTestResult> {
  const base = {
    siteUrl: client.siteUrl,
    authOk: false,
    userCount: null as number | null,
    pluginInstalled: false,
    site: null,
    install: null,
  };
  try {
    const core = await client.checkCoreUsers();
    base.authOk = true;
    base.userCount = core.userCount;
  } catch (error) {
    const shape = toErrorShape(error);
    return { ...base, ok: false, problem: { code: shape.code, message: shape.message } };
  }
  try {
    const status = await client.bridgeStatus();
    return {
      ...base,
      ok: true,
      pluginInstalled: true,
      site: { ...toSiteInfo(status, client.siteUrl), ordersAdapter: status.orders_adapter ?? null },
      problem: null,
    };
  } catch (error) {
    const shape = toErrorShape(error);
    const missing = (shape.details as { pluginMissing?: boolean } | undefined)?.pluginMissing === true;
    return {
      ...base,
      ok: false,
      problem: { code: shape.code, message: shape.message },
      install: missing ? pluginInfo(ctx) : null,
    };
  }
}

const running = new WeakMap<CoreContext, Set<string>>();

/** WordPress connections whose members count for a contact: the named site, or every site paired with the CRM. */
function sitesFor(ctx: CoreContext, connectionId: string | undefined) {
  const all = listWordPressConnections(ctx.workspace.db);
  if (!connectionId) return all;
  const direct = all.filter((c) => c.id === connectionId);
  if (direct.length) return direct;
  return all.filter((c) => pairedCrmConnectionId(ctx.workspace.db, ctx.connectors, c) === connectionId);
}

export const wordpressHandlers: HandlerSubset<Methods> = {
  'wordpress/test': async (input, ctx) => {
    if ('connectionId' in input) {
      const conn = resolveWordPressConnection(ctx.workspace.db, input.connectionId);
      const result = await testSite(ctx, await clientFor(ctx, conn));
      recordTest(ctx.workspace.db, conn.id, result.ok, null, isoNow(ctx.clock));
      return result;
    }
    return testSite(ctx, new WordPressConnector({ ...input, clock: ctx.clock }));
  },

  'wordpress/add': async (input, ctx) => {
    const client = new WordPressConnector({
      url: input.url,
      username: input.username,
      appPassword: input.appPassword,
      clock: ctx.clock,
    });
    const test = await testSite(ctx, client);
    // A site without the plugin may be saved (install it next, then test again); bad credentials may not.
    if (!test.authOk) {
      throw new AppError(
        (test.problem?.code as AppError['code'] | undefined) ?? 'AUTH_FAILED',
        test.problem?.message ?? 'The WordPress site did not accept these credentials.',
      );
    }
    const id = await insertWordPressConnection(ctx, {
      credentials: { url: input.url, username: input.username, appPassword: input.appPassword },
      siteUrl: client.siteUrl,
      label: input.label?.trim() || new URL(client.siteUrl).host,
      crmConnectionId: input.crmConnectionId ?? null,
      lastTestOk: test.ok,
    });
    ctx.events.emit('workspace/changed', { reason: 'wordpress connection added' });
    const connection = listConnectionSummaries(ctx).find((c) => c.id === id)!;
    return { connection, test };
  },

  'wordpress/remove': async (input, ctx) => {
    const conn = resolveWordPressConnection(ctx.workspace.db, input.connectionId);
    if (running.get(ctx)?.has(conn.id))
      throw new AppError('BUSY', `${conn.label} is syncing; wait for it to finish.`);
    await deleteWordPressConnection(ctx, conn);
    ctx.events.emit('workspace/changed', { reason: 'wordpress connection removed' });
    return { removed: true };
  },

  'wordpress/sync': async (input, ctx) => {
    const conn = resolveWordPressConnection(ctx.workspace.db, input.connectionId);
    let set = running.get(ctx);
    if (!set) running.set(ctx, (set = new Set()));
    if (set.has(conn.id)) throw new AppError('BUSY', `${conn.label} is already syncing.`);
    set.add(conn.id);
    try {
      const result = await syncWordPress({
        db: ctx.workspace.db,
        client: await clientFor(ctx, conn),
        connectionId: conn.id,
        events: ctx.events,
        clock: ctx.clock,
        mode: input.mode,
      });
      ctx.events.emit('workspace/changed', { reason: 'wordpress synced' });
      return result;
    } finally {
      set.delete(conn.id);
    }
  },

  'wordpress/members': (input, ctx) => {
    const conn = resolveWordPressConnection(ctx.workspace.db, input.connectionId);
    const crm = pairedCrmConnectionId(ctx.workspace.db, ctx.connectors, conn);
    const out = new WpUsersRepo(ctx.workspace.db).listMembers({
      connectionId: conn.id,
      crmConnectionId: crm,
      filter: input.filter,
      ...(input.search ? { search: input.search } : {}),
      limit: input.perPage,
      offset: (input.page - 1) * input.perPage,
    });
    return { connectionId: conn.id, crmConnectionId: crm, page: input.page, perPage: input.perPage, ...out };
  },

  'wordpress/membersForContact': (input, ctx) => {
    const sites = sitesFor(ctx, input.connectionId);
    const repo = new WpUsersRepo(ctx.workspace.db);
    const crm = sites[0] ? pairedCrmConnectionId(ctx.workspace.db, ctx.connectors, sites[0]) : null;
    const ids = sites.map((s) => s.id);
    return {
      members: repo.membersForContact(input.contactId, ids, crm),
      orders: repo.ordersForContact(input.contactId, ids),
    };
  },

  'wordpress/contactsWithoutUser': (input, ctx) => {
    const conn = resolveWordPressConnection(ctx.workspace.db, input.connectionId);
    const crm = pairedCrmConnectionId(ctx.workspace.db, ctx.connectors, conn);
    if (!crm) return { items: [], total: 0 };
    return new WpUsersRepo(ctx.workspace.db).contactsWithoutUser({
      crmConnectionId: crm,
      wpConnectionId: conn.id,
      limit: input.perPage,
      offset: (input.page - 1) * input.perPage,
    });
  },

  'wordpress/relink': async (input, ctx) => {
    const conn = resolveWordPressConnection(ctx.workspace.db, input.connectionId);
    const client = await clientFor(ctx, conn);
    const result = await client.relinkMember(input.wpId, input.contactId);
    let resync: { ok: boolean; message?: string } | null = null;
    if (input.resync) {
      try {
        await client.resyncMember(input.wpId);
        resync = { ok: true };
      } catch (error) {
        // The link itself changed; a failed resync is reported, not thrown, so the UI shows both facts.
        resync = { ok: false, message: toErrorShape(error).message };
      }
    }
    const db = ctx.workspace.db;
    const repo = new WpUsersRepo(db);
    const fresh = await client.getMember(input.wpId).catch(() => null);
    const now = isoNow(ctx.clock);
    db.transaction(() => {
      if (fresh) repo.upsertMembers(conn.id, [fresh], now);
      else repo.setLink(conn.id, input.wpId, result.after);
      appendAudit(db, now, {
        action: 'wordpress.relinked',
        connectionId: conn.id,
        subject: auditSubject('wp_user', input.wpId),
        details: {
          before: result.before,
          after: result.after,
          changed: result.changed,
          resync,
          source: ctx.host,
        },
      });
    })();
    const member =
      repo
        .membersForContact(result.after, [conn.id], pairedCrmConnectionId(db, ctx.connectors, conn))
        .find((m) => m.wpId === input.wpId) ?? null;
    ctx.events.emit('workspace/changed', { reason: 'wordpress member relinked' });
    return { before: result.before, after: result.after, changed: result.changed, resync, member };
  },

  'wordpress/pluginInfo': (_input, ctx) => pluginInfo(ctx),

  'wordpress/pluginZip': (_input, ctx) => {
    // The bytes cross the contract, never the place they were written to.
    const zip = workspacePluginZip(ctx.workspace.dir);
    return { fileName: PLUGIN_ZIP_NAME, base64: readFileSync(zip.path).toString('base64') };
  },
};
