import { join } from 'node:path';
import type { CoreContext } from '../context/context';
import { insertConnection, listConnections, updateConnection } from '../sync/connections';
import { syncManager } from '../sync/manager';
import type { SyncResult } from '../sync/engine';
import { startKeapSandbox, type KeapSandbox } from './keap';
import { startWordPressSandbox, type WordPressSandbox } from './wordpress';
import type { SandboxTag } from './wordpress/state';
import { insertWordPressConnection, listWordPressConnections } from '../connectors/wordpress/connections';
import { syncCrmThenSite } from './crm-then-site-sync';
import type { CrmConnector, EmbeddedCrmSandbox } from '../ports/connector';
import { forgetClients } from '../merge/clients';
import { setBaseUrl } from '../store/connections-repo';
import { hasResumableSync } from '../sync/state';
import { AppError } from '../domain/errors';
import { ClaimStore, CLAIM_HEARTBEAT_MS, Claim, type ClaimHolder } from '../workspace/claims';

export const SANDBOX_LABEL = 'Sandbox Keap';
export const SANDBOX_WP_LABEL = 'Sandbox WordPress';
/** The claim that names the one host serving a workspace's embedded sandbox. */
export const SANDBOX_RESOURCE = 'sandbox';

export interface EmbeddedSandbox {
  readonly sandbox: KeapSandbox;
  readonly connectionId: string;
  /** The WordPress/AccessAlly site whose members are linked to the sandbox CRM's contacts. */
  readonly wordpress: WordPressSandbox;
  readonly wpConnectionId: string;
  /**
   * The sync this call started: the first sync of a new workspace, or the resumption of one that was cut short.
   * Null when the sandbox connection was already in sync.
   */
  readonly firstSync: Promise<SyncResult> | null;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  readonly contacts?: number;
  readonly seed?: number;
  /**
   * Long-lived hosts: when another host serves the sandbox, watch its claim and take the sandbox over when that
   * host exits (it is handed the new sandbox). Short commands use the other host's sandbox while it lives.
   */
  readonly onTakeOver?: (embedded: EmbeddedSandbox) => void;
}

/** The host serving the workspace's sandbox now, with the ports it recorded; null when none is alive. */
export function sandboxOwner(ctx: CoreContext): ClaimHolder | null {
  return new ClaimStore(ctx.workspace.db, ctx.clock, ctx.host).holder(SANDBOX_RESOURCE);
}

/**
 * AccessAlly reads a member's tags from the CRM on a resync; the embedded site reads them from the embedded CRM
 * (its access category), so a contact a restore recreates gives its member their access back.
 */
export function accessTagsFromKeap(keap: KeapSandbox): (contactId: string) => SandboxTag[] | null {
  return (contactId) => {
    const data = keap.store.data;
    if (!data.contacts[contactId]) return null;
    const accessCategories = new Set(
      Object.values(data.categories)
        .filter((c) => c.name.toLowerCase() === 'access')
        .map((c) => c.id),
    );
    return Object.keys(data.contactTags[contactId] ?? {})
      .map((id) => data.tags[id])
      .filter((t): t is NonNullable<typeof t> =>
        Boolean(t && t.category && accessCategories.has(t.category.id)),
      )
      .map((t) => ({ id: t.id, name: t.name }));
  };
}

/**
 * The embedded default: a fresh workspace gets a Keap-compatible CRM on loopback with realistic duplicates, a
 * "Sandbox Keap" connection and a first sync, so a new user sees real data at once. A workspace that already has
 * the sandbox connection gets the sandbox started again (its state, merges included, lives in the workspace) and
 * the connection pointed at this run's port. A workspace with real connections only is left alone (null).
 *
 * One host serves the sandbox at a time: the first takes the `sandbox` claim, starts it and records its ports;
 * another host opening the workspace meanwhile gets null and uses the connections as the owner left them (they
 * point at the owner's sandbox), never starting a second one or repointing the connections at it. When the owner
 * exits it releases the claim (or, killed, its heartbeat lapses) and the next host takes over.
 */
export async function ensureSandboxWorkspace(
  ctx: CoreContext,
  options: EmbeddedOptions = {},
): Promise<EmbeddedSandbox | null> {
  const db = ctx.workspace.db;
  // A sandbox added from the Connections screen comes back with the workspace, whatever else it holds.
  for (const added of await addableSandboxes(ctx)) await added.resume(ctx);
  const rows = listConnections(db);
  const existing = rows.find((r) => r.is_sandbox === 1 && r.kind === 'keap');
  if (rows.length > 0 && !existing) return null;

  const claims = new ClaimStore(db, ctx.clock, ctx.host);
  const got = claims.tryAcquire(SANDBOX_RESOURCE, 'sandbox', { pid: process.pid });
  if (!(got instanceof Claim)) {
    if (options.onTakeOver) watchForTakeOver(ctx, options);
    return null;
  }
  try {
    return await startOwned(ctx, options, got);
  } catch (error) {
    got.release();
    throw error;
  }
}

function watchForTakeOver(ctx: CoreContext, options: EmbeddedOptions): void {
  const timer = setInterval(() => {
    let got: Claim | ClaimHolder;
    try {
      got = new ClaimStore(ctx.workspace.db, ctx.clock, ctx.host).tryAcquire(SANDBOX_RESOURCE, 'sandbox', {
        pid: process.pid,
      });
    } catch {
      return; // busy or closed: try at the next beat
    }
    if (!(got instanceof Claim)) return;
    clearInterval(timer);
    const claim = got;
    startOwned(ctx, options, claim).then(
      (e) => options.onTakeOver?.(e),
      () => claim.release(),
    );
  }, CLAIM_HEARTBEAT_MS);
  timer.unref();
}

async function startOwned(
  ctx: CoreContext,
  options: EmbeddedOptions,
  claim: Claim,
): Promise<EmbeddedSandbox> {
  const db = ctx.workspace.db;
  const existing = listConnections(db).find((r) => r.is_sandbox === 1 && r.kind === 'keap');
  const sandbox = await startKeapSandbox({
    stateDir: join(ctx.workspace.dir, 'sandbox', 'keap'),
    seed: options.seed ?? 42,
    contacts: options.contacts ?? 2000,
  });
  let wordpress: WordPressSandbox;
  try {
    // The site's members are derived from the same seeded world, so links, "wrong record" progress and
    // AccessAlly orders line up with the CRM's duplicates. An existing state file wins over the seed.
    wordpress = await startWordPressSandbox({
      stateDir: join(ctx.workspace.dir, 'sandbox', 'wordpress'),
      seed: sandbox.world.wordpressSeed(),
      crmAccessTags: accessTagsFromKeap(sandbox),
    });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  let connectionId: string;
  let wpConnectionId: string;
  let firstSync: Promise<SyncResult> | null = null;
  try {
    if (existing) {
      connectionId = existing.id;
      setBaseUrl(db, existing.id, sandbox.baseUrl);
      if (existing.secret_ref) await ctx.workspace.secrets.set(existing.secret_ref, sandbox.apiKey);
      const interrupted = hasResumableSync(db, existing.id);
      wpConnectionId = await ensureWordPressConnection(existing.id);
      if (interrupted) firstSync = startSync(existing.id, 'auto');
    } else {
      connectionId = await insertConnection(
        ctx,
        {
          kind: 'keap',
          label: SANDBOX_LABEL,
          baseUrl: sandbox.baseUrl,
          account: sandbox.store.data.appName,
          isSandbox: true,
          testedOk: true,
        },
        sandbox.apiKey,
      );
      wpConnectionId = await ensureWordPressConnection(connectionId);
      firstSync = startSync(connectionId, 'full');
    }
    claim.setData({ pid: process.pid, keap: sandbox.baseUrl, wordpress: wordpress.baseUrl });
    // Clients built for an earlier run point at old ports.
    forgetClients(ctx);
    ctx.events.emit('workspace/changed', { reason: 'sandbox started' });
  } catch (error) {
    await wordpress.close();
    await sandbox.close();
    throw error;
  }

  async function ensureWordPressConnection(crmConnectionId: string): Promise<string> {
    // The site linked to this CRM: another sandbox (ActiveCampaign's) has a site of its own.
    const current = listWordPressConnections(db).find(
      (w) => w.isSandbox && (w.crmConnectionId === crmConnectionId || w.label === SANDBOX_WP_LABEL),
    );
    if (current) {
      updateConnection(ctx, current.id, { baseUrl: wordpress.baseUrl, account: wordpress.username });
      await ctx.workspace.secrets.set(current.secretRef, wordpress.appPassword);
      return current.id;
    }
    return insertWordPressConnection(ctx, {
      credentials: {
        url: wordpress.baseUrl,
        username: wordpress.username,
        appPassword: wordpress.appPassword,
      },
      siteUrl: wordpress.baseUrl,
      label: SANDBOX_WP_LABEL,
      crmConnectionId,
      lastTestOk: true,
      isSandbox: true,
    });
  }
  function startSync(id: string, mode: 'full' | 'auto'): Promise<SyncResult> {
    return syncCrmThenSite(ctx, id, wpConnectionId, mode);
  }

  return {
    sandbox,
    connectionId,
    wordpress,
    wpConnectionId,
    firstSync,
    async close() {
      const manager = syncManager(ctx);
      if (manager.cancel(connectionId)) await manager.wait(connectionId).catch(() => undefined);
      await wordpress.close();
      await sandbox.close();
      claim.release();
    },
  };
}

/** Whether the Connections screen can add a sandbox of this CRM (the first-start one comes on its own). */
export function canAddEmbeddedSandbox(connector: CrmConnector): boolean {
  return connector.embeddedSandbox !== undefined;
}

/** The sandboxes a person can add, as the connectors the core was built with offer them. */
async function addableSandboxes(ctx: CoreContext): Promise<EmbeddedCrmSandbox[]> {
  const offers = ctx.connectors.crms().flatMap((c) => (c.embeddedSandbox ? [c.embeddedSandbox] : []));
  return Promise.all(offers.map((load) => load()));
}

/** Starts a sandbox CRM of this kind with its linked site, adds both connections and starts their first sync. */
export async function addEmbeddedSandbox(ctx: CoreContext, kind: string): Promise<{ connectionId: string }> {
  const connector = ctx.connectors.find(kind);
  const load = connector?.role === 'crm' ? connector.embeddedSandbox : undefined;
  if (!load) throw new AppError('UNSUPPORTED', 'This kind of CRM has no sandbox that can be added here.');
  return { connectionId: (await (await load()).add(ctx)).connectionId };
}

/** After a CRM connection was removed: if it was an added sandbox, that sandbox stops and its site goes too. */
export async function sandboxConnectionRemoved(
  ctx: CoreContext,
  row: { readonly id: string; readonly kind: string; readonly is_sandbox: number },
): Promise<void> {
  if (row.is_sandbox !== 1) return;
  const connector = ctx.connectors.find(row.kind);
  const load = connector?.role === 'crm' ? connector.embeddedSandbox : undefined;
  if (load) await (await load()).removed(ctx, row.id);
}

/** Stops every sandbox this host serves besides the first-start one (hosts call it when they stop). */
export async function closeEmbeddedSandboxes(ctx: CoreContext): Promise<void> {
  for (const added of await addableSandboxes(ctx)) await added.close(ctx);
}
