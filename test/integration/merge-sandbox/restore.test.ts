import { afterEach, describe, expect, it } from 'vitest';
import { sandboxWorkspace, type SandboxWorkspace } from '../../helpers/sandbox-workspace';
import { findMergeCase } from '../../helpers/sandbox-merge';
import { isAppError } from '../../../app/domain/errors';

const CONFIRM = ['access_loss', 'access_conflict', 'consent_conflict', 'two_active_subscriptions'] as const;

/** Restore over HTTP on the embedded sandboxes: members get their access back, and the report says so. */
describe('restore from snapshot gives the members their access back', () => {
  let w: SandboxWorkspace | null = null;
  afterEach(async () => {
    await w?.close();
    w = null;
  });

  async function merged() {
    w = await sandboxWorkspace(400);
    const { core, emb } = w;
    const c = findMergeCase(core.context.workspace.db, emb.sandbox.store.data);
    const member = emb.wordpress.snapshot().users.find((u) => u.id === c.wpUserId)!;
    const accessBefore = member.tags.map((t) => t.name).sort();
    const loserTags = Object.keys(emb.sandbox.store.data.contactTags[c.loserId] ?? {}).sort();
    const run = await core.call('merge/execute', {
      groupId: c.groupId,
      choices: { survivorId: c.survivorId },
      confirm: [...CONFIRM],
    });
    expect(run.run.status).toBe('completed');
    return { core, emb, c, member, accessBefore, loserTags, runId: run.run.id };
  }

  it('relinks the member to the recreated contact, resyncs their tags, reads both sides back and reports them', async () => {
    const { core, emb, c, member, accessBefore, loserTags, runId } = await merged();
    expect(accessBefore.length).toBeGreaterThan(0);
    const result = await core.call('merge/restore', { runId, confirm: true });
    expect(result.recreated).toHaveLength(1);
    const newId = result.recreated[0]!.newId;
    expect(result.problems).toEqual([]);
    expect(result.members).toEqual([
      expect.objectContaining({
        wpId: c.wpUserId,
        login: member.login,
        contactId: newId,
        accessTags: expect.arrayContaining(accessBefore),
        accessBefore: expect.arrayContaining(accessBefore),
        missing: [],
        ok: true,
      }),
    ]);
    // Both sides, read directly: the CRM's new contact carries the loser's tags, the site's member is linked to
    // it and holds the access tags it had before the merge.
    expect(Object.keys(emb.sandbox.store.data.contactTags[newId] ?? {}).sort()).toEqual(loserTags);
    const after = emb.wordpress.snapshot().users.find((u) => u.id === c.wpUserId)!;
    expect(after.contactId).toBe(newId);
    expect(after.tags.map((t) => t.name).sort()).toEqual(accessBefore);
    // The cache follows: the member is linked to the recreated contact.
    const linked = core.context.workspace.db
      .prepare('SELECT linked_contact_id FROM wp_users WHERE wp_id = ?')
      .pluck()
      .get(c.wpUserId);
    expect(linked).toBe(newId);
    expect((await core.call('merge/run', { runId })).run.status).toBe('restored');
  }, 180_000);

  it('a restore stopped half-way resumes where it stopped and creates the contact once', async () => {
    const { core, emb, c, accessBefore, runId } = await merged();
    const relink = emb.wordpress.requests
      .map((r) => r.split(' ')[1]!)
      .find((p) => p.endsWith(`/members/${c.wpUserId}/contact`))!;
    // The site refuses the relink (a 400 is not retried): the restore stops after recreating the contact.
    emb.wordpress.injectFault({ kind: 'status', status: 400, times: 50, path: relink });
    const stopped = await core.call('merge/restore', { runId, confirm: true }).catch((e: unknown) => e);
    expect(isAppError(stopped)).toBe(true);
    emb.wordpress.clearFaults();
    const creates = () =>
      emb.sandbox.calls.filter((x) => x.method === 'POST' && x.path.endsWith('/contacts')).length;
    const createdBefore = creates();
    expect(createdBefore).toBe(1);
    const result = await core.call('merge/restore', { runId, confirm: true });
    expect(creates()).toBe(1);
    expect(result.problems).toEqual([]);
    expect(result.members[0]).toMatchObject({ contactId: result.recreated[0]!.newId, ok: true });
    expect([...result.members[0]!.accessTags].sort()).toEqual(accessBefore);
  }, 180_000);
});
