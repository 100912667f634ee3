import type { Db } from '../store/database';
import { contactAccessFacts } from '../store/contacts-reads';
import { wpLogins } from '../store/wp-users-repo';
import { groupOutline } from '../detect/store';
import { classifyTag } from '../merge/tag-rules';
import { readAccess } from '../merge/settings';

import type { AtRiskMember, Lane, Overview } from './types';

const LANES: readonly Lane[] = ['safe', 'needs_choice', 'maybe_two_people'];

const BANDS = 10;

/**
 * Which members are at risk right now, from the cache alone: a login linked to one record while access tags sit
 * on its duplicate (split access), a login linked to a contact the CRM no longer has, and a member with two
 * logins; each with the group that fixes it. Beside it the lanes and their scores, and what merges fixed.
 */
export function computeOverview(db: Db): Overview {
  const access = readAccess(db);
  const contacts = contactAccessFacts(db);
  const byId = new Map(contacts.map((c) => [`${c.connectionId}:${c.crmId}`, c] as const));
  const crmIds = new Set(contacts.map((c) => c.crmId));
  const byEmail = new Map<string, string>();
  for (const c of contacts) for (const e of c.emails) byEmail.set(e, c.crmId);
  const groups = groupOutline(db);
  const open = groups.filter((g) => g.status === 'open');
  const groupOf = new Map<string, (typeof open)[number]>();
  for (const g of open) for (const id of g.crmIds) groupOf.set(id, g);
  const logins = wpLogins(db);
  const loginsOf = new Map<string, typeof logins>();
  for (const l of logins)
    if (l.linkedContactId) loginsOf.set(l.linkedContactId, [...(loginsOf.get(l.linkedContactId) ?? []), l]);
  const contactOf = (connectionId: string, id: string) => byId.get(`${connectionId}:${id}`);
  const accessTags = (c: { tags: { id: string; name: string; category: string | null }[] } | undefined) =>
    (c?.tags ?? []).filter((t) => classifyTag(t, access).access);

  const splitAccess: AtRiskMember[] = [];
  const missingContact: AtRiskMember[] = [];
  const twoLogins: AtRiskMember[] = [];
  const seenTwo = new Set<number>();

  for (const l of logins) {
    if (!l.linkedContactId) continue;
    const g = groupOf.get(l.linkedContactId);
    if (!crmIds.has(l.linkedContactId)) {
      const byMail = l.email ? byEmail.get(l.email.toLowerCase()) : undefined;
      missingContact.push({
        login: l.login,
        wpId: l.wpId,
        contactId: l.linkedContactId,
        name: '',
        problem: `Linked to contact #${l.linkedContactId}, which the CRM no longer has${byMail ? `; #${byMail} has the same email` : ''}`,
        groupId: byMail ? (groupOf.get(byMail)?.id ?? null) : null,
      });
      continue;
    }
    if (!g) continue;
    const own = contactOf(g.connectionId, l.linkedContactId);
    const ownTags = new Set(accessTags(own).map((t) => t.id));
    const elsewhere = g.crmIds
      .filter((id) => id !== l.linkedContactId)
      .flatMap((id) => accessTags(contactOf(g.connectionId, id)).filter((t) => !ownTags.has(t.id)));
    const names = [...new Set(elsewhere.map((t) => t.name))];
    if (names.length > 0) {
      splitAccess.push({
        login: l.login,
        wpId: l.wpId,
        contactId: l.linkedContactId,
        name: own?.name ?? '',
        problem: `${names.map((n) => `“${n}”`).join(', ')} ${names.length === 1 ? 'sits' : 'sit'} on a duplicate, not on the linked record`,
        groupId: g.id,
      });
    }
    const groupLogins = g.crmIds.flatMap((id) => loginsOf.get(id) ?? []);
    if (groupLogins.length > 1 && !seenTwo.has(g.id)) {
      seenTwo.add(g.id);
      twoLogins.push({
        login: groupLogins.map((x) => x.login).join(' and '),
        wpId: l.wpId,
        contactId: l.linkedContactId,
        name: own?.name ?? '',
        problem: `${groupLogins.length} WordPress logins for one person: ${groupLogins.map((x) => x.login).join(', ')}`,
        groupId: g.id,
      });
    }
  }
  // Two logins linked to the very same record are at risk too, with or without a group.
  for (const [contactId, list] of loginsOf) {
    if (list.length < 2 || !crmIds.has(contactId)) continue;
    const g = groupOf.get(contactId);
    if (g && seenTwo.has(g.id)) continue;
    twoLogins.push({
      login: list.map((x) => x.login).join(' and '),
      wpId: list[0]!.wpId,
      contactId,
      name: contacts.find((c) => c.crmId === contactId)?.name ?? '',
      problem: `${list.length} WordPress logins linked to the same record`,
      groupId: g?.id ?? null,
    });
  }

  const lanes = { safe: 0, needs_choice: 0, maybe_two_people: 0 } as Record<Lane, number>;
  const scores = Object.fromEntries(LANES.map((l) => [l, new Array<number>(BANDS).fill(0)])) as Record<
    Lane,
    number[]
  >;
  for (const g of open) {
    lanes[g.lane]++;
    scores[g.lane][Math.min(BANDS - 1, Math.floor(g.score * BANDS))]!++;
  }
  const merged = groups.filter((g) => g.status === 'merged');
  const membersSecured = merged.reduce(
    (n, g) => n + g.crmIds.reduce((m, id) => m + (loginsOf.get(id)?.length ?? 0), 0),
    0,
  );
  return {
    splitAccess,
    missingContact,
    twoLogins,
    lanes,
    scores,
    fixed: { mergedGroups: merged.length, membersSecured },
  };
}
