import { startKeapSandbox, type KeapSandbox, type KeapSandboxOptions } from '../../app/sandbox/keap';
import type { Core } from '../../app/api/core';
import { syncManager } from '../../app/sync/manager';
import type { SyncResult } from '../../app/sync/engine';

export async function sandbox(options: KeapSandboxOptions = {}): Promise<KeapSandbox> {
  return startKeapSandbox({
    contacts: 300,
    seed: 11,
    ...options,
    // Generous unless a test is about limits: the tests themselves also call the sandbox directly.
    limits: { perSecond: 1000, perMinute: 1_000_000, perDay: 10_000_000, ...options.limits },
  });
}

/** Adds the sandbox as a Keap connection through the contract (tests the key on the way). */
export async function connect(core: Core, sb: KeapSandbox, label = 'Test Keap'): Promise<string> {
  const added = await core.call('connections/add', {
    kind: 'keap',
    label,
    baseUrl: sb.baseUrl,
    apiKey: sb.apiKey,
  });
  return added.connection.id;
}

/** Faster limits and retries so tests exercise the same paths without waiting like a real key must. */
export function fastSettings(core: Core, connectionId: string, settings: Record<string, unknown> = {}): void {
  core.context.workspace.db
    .prepare('UPDATE connections SET settings = ? WHERE id = ?')
    .run(JSON.stringify({ rateLimits: { perSecond: 200, perMinute: 100000 }, ...settings }), connectionId);
}

export async function syncNow(
  core: Core,
  connectionId: string,
  mode: 'auto' | 'full' | 'incremental' = 'auto',
): Promise<SyncResult> {
  await core.call('sync/start', { connectionId, mode });
  return syncManager(core.context).wait(connectionId);
}

/** What the CRM holds right now, counted from the sandbox's own state. */
export function crmCounts(sb: KeapSandbox) {
  const d = sb.store.data;
  return {
    contacts: Object.keys(d.contacts).length,
    tags: Object.keys(d.tags).length,
    orders: Object.keys(d.orders).length,
    subscriptions: Object.keys(d.subscriptions).length,
    contactTags: Object.entries(d.contactTags)
      .filter(([id]) => d.contacts[id])
      .reduce((n, [, t]) => n + Object.keys(t).length, 0),
  };
}
