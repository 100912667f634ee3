import type {
  CrmAutomation,
  CrmAutomationMembership,
  CrmClient,
  CrmList,
  CrmListMembership,
  ListStatus,
  Page,
} from '../ports/crm';

/**
 * What a CRM without a merge endpoint keeps apart from the contact and the manual strategy must carry over
 * itself: list subscriptions (a status per list), automation memberships and custom field values. Read live for a
 * group before planning, because the cache holds contacts and tags only.
 */
export interface GroupMemberships {
  readonly lists: readonly CrmList[];
  readonly automations: readonly CrmAutomation[];
  readonly records: Readonly<
    Record<
      string,
      {
        readonly lists: readonly CrmListMembership[];
        readonly automations: readonly CrmAutomationMembership[];
      }
    >
  >;
}

/** The plan's part for these: every list the survivor ends on with its status, and the automations it joins. */
export interface PlanExtras {
  readonly lists: readonly {
    readonly listId: string;
    readonly name: string;
    readonly status: 'active' | 'unsubscribed';
    /** Why: which record brought it, or that an unsubscribe on any record wins. */
    readonly reason: string;
  }[];
  readonly automations: readonly {
    readonly id: string;
    readonly name: string;
    readonly active: boolean;
    readonly sendsEmail: boolean | null;
  }[];
  /** Custom field values of the duplicates fill the survivor's empty ones (read at the snapshot). */
  readonly customFields: boolean;
}

async function all<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const page: Page<T> = await fetch(cursor);
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  return out;
}

export async function readGroupMemberships(
  crm: CrmClient,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<GroupMemberships | null> {
  if (!crm.getContactLists && !crm.getContactAutomations) return null;
  const opt = signal ? { signal } : {};
  const lists = crm.listLists ? await all((cursor) => crm.listLists!({ cursor, ...opt })) : [];
  const automations = crm.listAutomations
    ? await all((cursor) => crm.listAutomations!({ cursor, ...opt }))
    : [];
  const records: Record<string, { lists: CrmListMembership[]; automations: CrmAutomationMembership[] }> = {};
  for (const id of ids) {
    records[id] = {
      lists: crm.getContactLists ? [...(await crm.getContactLists(id, signal))] : [],
      automations: crm.getContactAutomations ? [...(await crm.getContactAutomations(id, signal))] : [],
    };
  }
  return { lists, automations, records };
}

/**
 * The strictest status wins: an unsubscribe on any record keeps the survivor unsubscribed from that list, so a
 * merge never re-subscribes someone who said no. Unconfirmed and bounced memberships are not copied.
 */
export function strictestStatus(statuses: readonly ListStatus[]): 'active' | 'unsubscribed' | null {
  if (statuses.includes('unsubscribed')) return 'unsubscribed';
  return statuses.includes('active') ? 'active' : null;
}

export function planExtras(
  m: GroupMemberships,
  survivorId: string,
  loserIds: readonly string[],
  chosenAutomationIds: readonly string[] | undefined,
  customFields: boolean,
): PlanExtras {
  const listName = new Map(m.lists.map((l) => [l.id, l.name] as const));
  const byList = new Map<string, { status: ListStatus; contactId: string }[]>();
  for (const id of [survivorId, ...loserIds]) {
    for (const l of m.records[id]?.lists ?? [])
      byList.set(l.listId, [...(byList.get(l.listId) ?? []), { status: l.status, contactId: id }]);
  }
  const lists: PlanExtras['lists'][number][] = [];
  for (const [listId, holders] of [...byList].sort(([a], [b]) => a.localeCompare(b))) {
    // Only lists a duplicate is on change anything; the survivor's own memberships stay as they are.
    if (!holders.some((h) => h.contactId !== survivorId)) continue;
    const status = strictestStatus(holders.map((h) => h.status));
    if (status === null) continue;
    const unsubscribedBy = holders.find((h) => h.status === 'unsubscribed');
    lists.push({
      listId,
      name: listName.get(listId) ?? `List ${listId}`,
      status,
      reason:
        status === 'unsubscribed'
          ? `#${unsubscribedBy!.contactId} unsubscribed: an unsubscribe wins`
          : `from #${holders.find((h) => h.contactId !== survivorId)!.contactId}`,
    });
  }
  const survivorIn = new Set((m.records[survivorId]?.automations ?? []).map((a) => a.automationId));
  const defaults = [
    ...new Set(loserIds.flatMap((l) => (m.records[l]?.automations ?? []).map((a) => a.automationId))),
  ].filter((id) => !survivorIn.has(id));
  const picked = chosenAutomationIds ?? defaults;
  const info = new Map(m.automations.map((a) => [a.id, a] as const));
  const automations = [...new Set(picked)]
    .filter((id) => !survivorIn.has(id))
    .sort()
    .map((id) => {
      const a = info.get(id);
      return {
        id,
        name: a?.name ?? `Automation ${id}`,
        active: a?.active ?? true,
        sendsEmail: a?.sendsEmail ?? null,
      };
    });
  return { lists, automations, customFields };
}
