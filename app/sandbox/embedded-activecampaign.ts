import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreContext } from '../context/context';
import type { EmbeddedCrmSandbox } from '../ports/connector';
import { AppError } from '../domain/errors';
import {
  deleteConnection,
  getConnection,
  insertConnection,
  listConnections,
  replaceSecret,
  updateConnection,
  type ConnectionRow,
} from '../sync/connections';
import { syncManager } from '../sync/manager';
import type { SyncResult } from '../sync/engine';
import {
  insertWordPressConnection,
  listWordPressConnections,
  type WordPressConnectionRow,
} from '../connectors/wordpress/connections';
import { forgetClients } from '../merge/clients';
import { ClaimStore, Claim, describeHolder } from '../workspace/claims';
import { startLinkedAcSandboxes, type LinkedAcSandboxes } from './activecampaign';
import { syncCrmThenSite } from './crm-then-site-sync';

export const AC_SANDBOX_LABEL = 'Sandbox ActiveCampaign';
export const AC_SANDBOX_WP_LABEL = 'Sandbox WordPress for ActiveCampaign';
/** The claim naming the one host serving a workspace's ActiveCampaign sandbox (the Keap one has its own). */
export const AC_SANDBOX_RESOURCE = 'sandbox-activecampaign';
/** People seeded into a new sandbox: with its labelled duplicates that makes about 1.3 records each, synced in well under a minute at the 5 requests a second ActiveCampaign allows. */
const AC_SANDBOX_PEOPLE = 80;

interface RunningAcSandbox {
  readonly crmConnectionId: string;
  readonly servers: LinkedAcSandboxes;
  readonly claim: Claim;
}

const running = new WeakMap<CoreContext, RunningAcSandbox>();

export interface AddedAcSandbox {
  readonly connectionId: string;
  readonly wpConnectionId: string;
  readonly firstSync: Promise<SyncResult>;
}

const stateDirOf = (ctx: CoreContext) => join(ctx.workspace.dir, 'sandbox', 'activecampaign');

function sandboxConnection(ctx: CoreContext): ConnectionRow | null {
  return (
    listConnections(ctx.workspace.db).find((r) => r.is_sandbox === 1 && r.kind === 'activecampaign') ?? null
  );
}

function linkedSite(ctx: CoreContext, crmConnectionId: string): WordPressConnectionRow | null {
  return (
    listWordPressConnections(ctx.workspace.db).find(
      (w) => w.isSandbox && w.crmConnectionId === crmConnectionId,
    ) ?? null
  );
}

/** Takes the sandbox claim for this process, or says in words which host serves the sandbox now. */
function claimSandbox(ctx: CoreContext): Claim {
  const got = new ClaimStore(ctx.workspace.db, ctx.clock, ctx.host).tryAcquire(
    AC_SANDBOX_RESOURCE,
    'sandbox',
    {
      pid: process.pid,
    },
  );
  if (got instanceof Claim) return got;
  throw new AppError(
    'BUSY',
    `The ActiveCampaign sandbox is served by another Mergedesk window (${describeHolder(got)}). Use it there, or close that window first.`,
  );
}

async function startServers(
  ctx: CoreContext,
  claim: Claim,
  people = AC_SANDBOX_PEOPLE,
): Promise<LinkedAcSandboxes> {
  const servers = await startLinkedAcSandboxes({
    stateDir: stateDirOf(ctx),
    // A state kept in the workspace wins over the seed and the size.
    people,
    seed: 42,
  });
  claim.setData({
    pid: process.pid,
    activecampaign: servers.crm.baseUrl,
    wordpress: servers.wordpress.baseUrl,
  });
  return servers;
}

/**
 * Adds an ActiveCampaign-compatible account on loopback with its linked WordPress/AccessAlly site, seeded with the
 * labelled duplicates ActiveCampaign accounts really have, and starts their first sync. The sandbox's state (merges
 * and deletions included) lives in the workspace, so it outlives this run; a new one starts from the seed.
 */
export async function addActiveCampaignSandbox(
  ctx: CoreContext,
  options: { readonly people?: number } = {},
): Promise<AddedAcSandbox> {
  const existing = sandboxConnection(ctx);
  if (existing) {
    throw new AppError('CONFLICT', `An ActiveCampaign sandbox is already connected as "${existing.label}".`, {
      connectionId: existing.id,
    });
  }
  // Its connection was removed while it ran: that sandbox is over.
  await closeActiveCampaignSandbox(ctx);
  const claim = claimSandbox(ctx);
  let servers: LinkedAcSandboxes | null = null;
  try {
    rmSync(stateDirOf(ctx), { recursive: true, force: true });
    servers = await startServers(ctx, claim, options.people);
    const connectionId = await insertConnection(
      ctx,
      {
        kind: 'activecampaign',
        label: AC_SANDBOX_LABEL,
        baseUrl: servers.crm.baseUrl,
        account: new URL(servers.crm.baseUrl).host,
        isSandbox: true,
        testedOk: true,
      },
      servers.crm.apiKey,
    );
    const wpConnectionId = await insertWordPressConnection(ctx, {
      credentials: {
        url: servers.wordpress.baseUrl,
        username: servers.wordpress.username,
        appPassword: servers.wordpress.appPassword,
      },
      siteUrl: servers.wordpress.baseUrl,
      label: AC_SANDBOX_WP_LABEL,
      crmConnectionId: connectionId,
      lastTestOk: true,
      isSandbox: true,
    });
    running.set(ctx, { crmConnectionId: connectionId, servers, claim });
    ctx.events.emit('workspace/changed', { reason: 'sandbox started' });
    return {
      connectionId,
      wpConnectionId,
      firstSync: syncCrmThenSite(ctx, connectionId, wpConnectionId, 'full'),
    };
  } catch (error) {
    await servers?.close();
    claim.release();
    throw error;
  }
}

/**
 * A workspace that has the ActiveCampaign sandbox gets it started again when a host opens it, with its
 * connections pointed at this run's ports. Resolves false when there is none or another host serves it.
 */
export async function resumeActiveCampaignSandbox(ctx: CoreContext): Promise<boolean> {
  const row = sandboxConnection(ctx);
  if (!row) return false;
  if (running.get(ctx)?.crmConnectionId === row.id) return true;
  let claim: Claim;
  try {
    claim = claimSandbox(ctx);
  } catch {
    return false;
  }
  try {
    const servers = await startServers(ctx, claim);
    updateConnection(ctx, row.id, { baseUrl: servers.crm.baseUrl });
    await replaceSecret(ctx, getConnection(ctx.workspace.db, row.id), servers.crm.apiKey);
    const site = linkedSite(ctx, row.id);
    if (site) {
      updateConnection(ctx, site.id, {
        baseUrl: servers.wordpress.baseUrl,
        account: servers.wordpress.username,
      });
      await ctx.workspace.secrets.set(site.secretRef, servers.wordpress.appPassword);
    }
    // Clients built for an earlier run point at old ports.
    forgetClients(ctx);
    running.set(ctx, { crmConnectionId: row.id, servers, claim });
    ctx.events.emit('workspace/changed', { reason: 'sandbox started' });
    return true;
  } catch {
    claim.release();
    return false;
  }
}

/** Stops this host's ActiveCampaign sandbox, if it runs one, and hands the claim back. */
export async function closeActiveCampaignSandbox(ctx: CoreContext): Promise<void> {
  const current = running.get(ctx);
  if (!current) return;
  running.delete(ctx);
  const manager = syncManager(ctx);
  if (manager.cancel(current.crmConnectionId))
    await manager.wait(current.crmConnectionId).catch(() => undefined);
  await current.servers.close();
  current.claim.release();
}

/** Its CRM connection is gone: stops the servers (this host's) and removes the sandbox site paired with it. */
export async function removedActiveCampaignSandbox(ctx: CoreContext, crmConnectionId: string): Promise<void> {
  if (running.get(ctx)?.crmConnectionId === crmConnectionId) await closeActiveCampaignSandbox(ctx);
  const site = linkedSite(ctx, crmConnectionId);
  if (site) await deleteConnection(ctx, getConnection(ctx.workspace.db, site.id));
}

/** The ActiveCampaign sandbox as its connector's descriptor offers it to the Connections screen. */
export const activeCampaignEmbeddedSandbox: EmbeddedCrmSandbox = {
  add: async (ctx) => ({ connectionId: (await addActiveCampaignSandbox(ctx)).connectionId }),
  resume: resumeActiveCampaignSandbox,
  close: closeActiveCampaignSandbox,
  removed: removedActiveCampaignSandbox,
};
