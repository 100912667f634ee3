import { afterEach, describe, expect, it } from 'vitest';
import {
  crmWrites,
  sandboxWorkspace,
  siteWrites,
  type SandboxWorkspace,
} from '../../helpers/sandbox-workspace';
import { findMergeCase } from '../../helpers/sandbox-merge';

describe('a stale offline decision over the Keap and WordPress sandboxes', () => {
  let w: SandboxWorkspace | null = null;
  afterEach(async () => {
    await w?.close();
    w = null;
  });

  it('refuses with STALE when a record changed in the CRM after review, touches nothing, and re-queues the group', async () => {
    w = await sandboxWorkspace();
    const { core, emb } = w;
    const c = findMergeCase(core.context.workspace.db, emb.sandbox.store.data);
    await core.call('merge/review', { groupId: c.groupId, survivorId: c.survivorId });
    const queued = await core.call('merge/queue', {
      groupId: c.groupId,
      choices: { survivorId: c.survivorId },
      confirm: ['access_loss', 'access_conflict', 'consent_conflict', 'two_active_subscriptions'],
    });

    // Someone edits the duplicate in Keap and tags it while the decision waits.
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${emb.sandbox.baseUrl}${path}`, {
        method,
        headers: { 'X-Keap-API-Key': emb.sandbox.apiKey, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await api('PATCH', `/rest/v2/contacts/${c.loserId}`, { job_title: 'Owner' })).status).toBe(200);
    const tagId = Object.keys(emb.sandbox.store.data.tags).find(
      (t) => !(t in (emb.sandbox.store.data.contactTags[c.loserId] ?? {})),
    )!;
    expect(
      (await api('POST', `/rest/v2/tags/${tagId}/contacts:applyTags`, { contact_ids: [c.loserId] })).ok,
    ).toBe(true);
    const crmBefore = JSON.stringify(emb.sandbox.store.data);
    const siteBefore = JSON.stringify(emb.wordpress.snapshot());
    const writesBefore = [crmWrites(emb).length, siteWrites(emb).length];

    const out = await core.call('merge/execute', { runId: queued.runId });
    expect(out.run.status).toBe('stale');
    expect(out.run.error).toMatchObject({ code: 'STALE' });
    const changes = ((out.run.error?.details as { changes?: string[] } | undefined)?.changes ?? []).join(' ');
    // In words: the contact by name beside its id, the tag by its name.
    expect(changes).toMatch(new RegExp(`\\S \\(#${c.loserId}\\) was updated in the CRM since the review`));
    // A tag the plan never saw has no name in it: it is shown as a tag with its id, never a bare number.
    expect(changes).toMatch(new RegExp(`"${emb.sandbox.store.data.tags[tagId]!.name}"|tag #${tagId}\\b`));
    expect(out.steps.filter((s) => s.status === 'done').map((s) => s.name)).toEqual(['planned']);

    // Nothing was written anywhere.
    expect([crmWrites(emb).length, siteWrites(emb).length]).toEqual(writesBefore);
    expect(JSON.stringify(emb.sandbox.store.data)).toBe(crmBefore);
    expect(JSON.stringify(emb.wordpress.snapshot())).toBe(siteBefore);
    // The group is back in the queue and the run says what changed.
    const db = core.context.workspace.db;
    expect(db.prepare('SELECT status FROM dup_groups WHERE id = ?').pluck().get(c.groupId)).toBe('open');
    const run = await core.call('merge/run', { runId: queued.runId });
    expect(run.run.status).toBe('stale');
    expect(run.run.error?.message).toContain(`#${c.loserId}`);
  });
});
