import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { defaultConnectionFile } from './ci-connection';
import { WordPressConnector } from '../../app/connectors/wordpress/client';
import { insertWordPressConnection } from '../../app/connectors/wordpress/connections';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { MemorySecretStore } from '../../app/secrets/file-secret-store';
import { startKeapSandbox, type KeapSandbox } from '../../app/sandbox/keap';
import { insertConnection } from '../../app/sync/connections';
import { syncManager } from '../../app/sync/manager';
import { tempDir, scanAndWait } from '../helpers/workspace';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';

/**
 * A merge of two sandbox-Keap contacts whose member lives on the real WordPress site that
 * `scripts/wordpress-ci.sh` runs (Mergedesk Bridge plugin + the AccessAlly stand-in). The member "orphaned" and the
 * AccessAlly subscription of contact 9999 are pointed at the duplicate first, and put back afterwards.
 */
const file = process.env.MERGEDESK_WP_CI_FILE ?? defaultConnectionFile();
const connection = existsSync(file)
  ? (JSON.parse(readFileSync(file, 'utf8')) as { url: string; username: string; appPassword: string })
  : null;
const ORPHAN_CONTACT = '9999';

describe.runIf(connection !== null)('merge against real WordPress', () => {
  const site = () => new WordPressConnector({ ...connection!, http: { maxRetries: 1, baseDelayMs: 20 } });
  let crm: KeapSandbox;
  let core: Core;
  let dir: string;
  let wpId: number;
  let survivorId = '';

  beforeAll(async () => {
    crm = await startKeapSandbox({ seed: 42, contacts: 300 });
    dir = tempDir('md-rwm-');
    core = createCore({
      workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
      host: 'cli',
      connectors: BUILT_IN_CONNECTORS,
    });
    wpId = (await site().listMembers({ page: 1, perPage: 100 })).items.find(
      (m) => m.login === 'orphaned',
    )!.wpId;
  });
  afterAll(async () => {
    // Put the site back as the fixture seeded it, for the other real-WordPress suites.
    const c = site();
    await c.relinkMember(wpId, ORPHAN_CONTACT);
    if (survivorId) await c.rekeyOrders(survivorId, ORPHAN_CONTACT);
    core?.close();
    await crm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relinks the member to the survivor and re-keys the AccessAlly orders', async () => {
    const ctx = core.context;
    const crmId = await insertConnection(
      ctx,
      {
        kind: 'keap',
        label: 'Sandbox Keap',
        baseUrl: crm.baseUrl,
        account: 'sandbox',
        isSandbox: false,
        testedOk: true,
      },
      crm.apiKey,
    );
    const manager = syncManager(ctx);
    manager.start(crmId, { mode: 'full' });
    await manager.wait(crmId);
    await scanAndWait(core);

    // A two-record group whose ids the site's fixture does not use (it links 1001-1020 and 2001).
    const db = ctx.workspace.db;
    const group = (
      db
        .prepare(
          `SELECT id, crm_ids FROM dup_groups WHERE status = 'open' AND size = 2 AND lane IN ('safe', 'needs_choice') ORDER BY score DESC`,
        )
        .all() as { id: number; crm_ids: string }[]
    )
      .map((g) => ({ id: g.id, ids: JSON.parse(g.crm_ids) as string[] }))
      .find((g) => g.ids.every((id) => Number(id) > 1020 && id !== '2001'))!;
    expect(group).toBeDefined();
    const [first, loserId] = group.ids as [string, string];
    survivorId = first;

    // The member on the real site logs in with the duplicate, and its AccessAlly subscription is keyed to it.
    const c = site();
    await c.relinkMember(wpId, loserId);
    const moved = await c.rekeyOrders(ORPHAN_CONTACT, loserId);
    expect(moved.moved).toBeGreaterThan(0);
    const orderIds = moved.orders.map((o) => o.id).sort();

    const wpConnectionId = await insertWordPressConnection(ctx, {
      credentials: connection!,
      siteUrl: connection!.url,
      label: 'CI WordPress',
      crmConnectionId: crmId,
      lastTestOk: true,
    });
    await core.call('wordpress/sync', { connectionId: wpConnectionId, mode: 'full' });
    expect(db.prepare('SELECT linked_contact_id FROM wp_users WHERE wp_id = ?').pluck().get(wpId)).toBe(
      loserId,
    );

    const run = await core.call('merge/execute', {
      groupId: group.id,
      choices: { survivorId },
      confirm: ['access_loss', 'access_conflict', 'consent_conflict', 'two_active_subscriptions'],
    });
    expect(run.run.status).toBe('completed');
    expect(run.steps.find((s) => s.name === 'wp_relinked')?.status).toBe('done');

    // Read back from the real site.
    expect((await c.getMember(wpId))?.linkedContactId).toBe(survivorId);
    expect(await c.listOrders({ contactId: loserId })).toEqual([]);
    expect((await c.listOrders({ contactId: survivorId })).map((o) => o.id).sort()).toEqual(orderIds);
    expect(crm.store.data.contacts[loserId]).toBeUndefined();
  });
});
