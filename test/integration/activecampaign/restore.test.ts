import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { tempCore, tempDir } from '../../helpers/workspace';
import { startLinkedAcSandboxes, type LinkedAcSandboxes } from '../../../app/sandbox/activecampaign';
import { connectLinkedAc } from '../../helpers/ac-workspace';

const CONFIRM = [
  'access_loss',
  'access_conflict',
  'consent_conflict',
  'two_active_subscriptions',
  'two_wp_users_with_progress',
] as const;

let sb: LinkedAcSandboxes;
let core: ReturnType<typeof tempCore>;
let dir: string;

beforeAll(async () => {
  dir = tempDir('md-acr-');
  sb = await startLinkedAcSandboxes({ stateDir: dir, people: 45, perSecond: 500 });
  core = tempCore('web');
  await connectLinkedAc(core, sb, { rateLimits: { perSecond: 400 } });
}, 120_000);

afterAll(async () => {
  core?.dispose();
  await sb?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A contact's tags, list statuses and custom field values in the account, by id. */
function holdings(id: string) {
  const st = sb.crm.state;
  return {
    tags: Object.values(st.contactTags)
      .filter((a) => a.contact === id)
      .map((a) => a.tag)
      .sort(),
    lists: Object.fromEntries(
      Object.values(st.contactLists)
        .filter((m) => m.contact === id)
        .map((m) => [m.list, m.status]),
    ),
    fields: Object.fromEntries(
      Object.values(st.fieldValues)
        .filter((v) => v.contact === id)
        .map((v) => [v.field, v.value]),
    ),
  };
}

describe('restore of an ActiveCampaign (manual) merge from its snapshot', () => {
  it('recreates the deleted duplicate with a new id, its fields, custom fields, tags and lists with their status, relinks and resyncs the member, and names what it cannot bring back', async () => {
    const st = sb.crm.state;
    const member = sb.crm.world.wordpressSeed().members[0]!;
    const loser = member.linkedContactId!;
    const cluster = sb.crm.world.truth.clusters.find((c) => c.ids.includes(loser))!;
    const survivor = cluster.ids.find((id) => id !== loser)!;
    const db = core.context.workspace.db;
    const groupId = db
      .prepare(`SELECT id FROM dup_groups WHERE status = 'open' AND crm_ids LIKE ? AND crm_ids LIKE ?`)
      .pluck()
      .get(`%"${loser}"%`, `%"${survivor}"%`) as number;
    const before = { contact: { ...st.contacts[loser]! }, ...holdings(loser) };
    const survivorBefore = holdings(survivor);
    expect(before.tags.length).toBeGreaterThan(0);
    expect(Object.keys(before.lists).length).toBeGreaterThan(1);
    expect(before.fields['1']).toBe('Course A');

    const merged = await core.call('merge/execute', {
      groupId,
      choices: { survivorId: survivor },
      confirm: [...CONFIRM],
    });
    expect(merged.run.status).toBe('completed');
    expect(st.contacts[loser]).toBeUndefined();
    expect(holdings(survivor).fields['1']).toBe('Course A');

    const preview = await core.call('merge/restore-preview', { runId: merged.run.id });
    expect(preview.possible).toBe(true);
    const cannot = preview.cannotReturn.join('\n');
    expect(cannot).toMatch(new RegExp(`original contact id\\(s\\) #${loser}: new contacts get new ids`));
    expect(cannot).toMatch(/automation history of #\d+ \("Course onboarding", active\)/);
    expect(cannot).toMatch(/stays in the automation\(s\) the merge added it to \(Course onboarding\)/);

    const result = await core.call('merge/restore', { runId: merged.run.id, confirm: true });
    expect(result.problems).toEqual([]);
    expect(result.recreated).toHaveLength(1);
    const { oldId, newId } = result.recreated[0]!;
    expect(oldId).toBe(loser);
    expect(newId).not.toBe(loser);
    // The new contact, read from the account itself: same person, tags, list statuses and custom fields.
    const now = st.contacts[newId]!;
    expect([now.email, now.firstName, now.lastName, now.phone]).toEqual([
      before.contact.email,
      before.contact.firstName,
      before.contact.lastName,
      before.contact.phone,
    ]);
    expect(holdings(newId)).toEqual({ tags: before.tags, lists: before.lists, fields: before.fields });
    expect(result.listsRestored.map((m) => m.listId).sort()).toEqual(Object.keys(before.lists).sort());
    // The survivor loses what the merge gave it that a restore can take back: tags and filled custom fields.
    expect(holdings(survivor).tags).toEqual(survivorBefore.tags);
    expect(holdings(survivor).fields).toEqual(survivorBefore.fields);
    // The member follows the new contact and AccessAlly gave them their access again from its tags.
    const user = sb.wordpress.snapshot().users.find((u) => u.login === member.login)!;
    expect(user.contactId).toBe(newId);
    expect(user.tags.map((t) => t.name)).toEqual(member.accessTags.map((t) => t.name));
    expect(result.members.find((m) => m.login === member.login)).toMatchObject({
      ok: true,
      contactId: newId,
    });
    expect(result.notes.join('\n')).toMatch(/Not restored: The automation history of #/);
  }, 120_000);
});
