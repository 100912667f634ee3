import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { createCore, type Core } from '../../../app/api/core';
import { openWorkspace } from '../../../app/workspace/workspace';
import { MemorySecretStore } from '../../../app/secrets/file-secret-store';
import { ensureSandboxWorkspace } from '../../../app/sandbox/embedded';
import { tempDir, scanAndWait } from '../../helpers/workspace';
import { expectedUnion, findMergeCase } from '../../helpers/sandbox-merge';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';

describe('merge over HTTP on the embedded Keap and WordPress sandboxes', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('moves tags, orders and subscriptions to the survivor, relinks the member and deletes the loser', async () => {
    const dir = tempDir('md-msb-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const core: Core = createCore({
      workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
      host: 'web',
      connectors: BUILT_IN_CONNECTORS,
    });
    cleanups.push(() => core.close());
    const emb = (await ensureSandboxWorkspace(core.context, { contacts: 400 }))!;
    cleanups.push(() => emb.close());
    await emb.firstSync;
    await scanAndWait(core, 'full', 300);

    const crm = emb.sandbox.store.data;
    const c = findMergeCase(core.context.workspace.db, crm);
    const union = expectedUnion(crm, c);
    const review = await core.call('merge/review', { groupId: c.groupId, survivorId: c.survivorId });
    expect(review.records.map((r) => r.contactId)).toContain(c.loserId);
    const run = await core.call('merge/execute', {
      groupId: c.groupId,
      choices: { survivorId: c.survivorId, fields: { givenName: { from: c.loserId } } },
      confirm: ['access_loss', 'access_conflict', 'consent_conflict', 'two_active_subscriptions'],
    });
    expect(run.run.status).toBe('completed');
    expect(run.steps.map((s) => s.status)).toEqual(run.steps.map(() => 'done'));

    // The CRM sandbox, read over its API.
    const api = (path: string) =>
      fetch(`${emb.sandbox.baseUrl}${path}`, { headers: { 'X-Keap-API-Key': emb.sandbox.apiKey } });
    expect((await api(`/rest/v2/contacts/${c.loserId}`)).status).toBe(404);
    expect((await api(`/rest/v2/contacts/${c.survivorId}`)).status).toBe(200);
    const after = emb.sandbox.store.data;
    expect(Object.keys(after.contactTags[c.survivorId] ?? {}).sort()).toEqual(
      expect.arrayContaining(union.tags),
    );
    expect(
      Object.values(after.orders)
        .filter((o) => o.contact_id === c.survivorId)
        .map((o) => o.id)
        .sort(),
    ).toEqual(union.orders);
    expect(
      Object.values(after.subscriptions)
        .filter((s) => s.contact_id === c.survivorId)
        .map((s) => s.id)
        .sort(),
    ).toEqual(union.subscriptions);
    // The WordPress sandbox: the member now points at the survivor; no AccessAlly order keeps the loser's id.
    const site = emb.wordpress.snapshot();
    expect(site.users.find((u) => u.id === c.wpUserId)?.contactId).toBe(c.survivorId);
    expect(site.orders.filter((o) => o.contactId === c.loserId)).toEqual([]);
    // The cache follows.
    const db = core.context.workspace.db;
    expect(db.prepare('SELECT count(*) FROM contacts WHERE crm_id = ?').pluck().get(c.loserId)).toBe(0);
    expect(db.prepare('SELECT status FROM dup_groups WHERE id = ?').pluck().get(c.groupId)).toBe('merged');
  });
});
