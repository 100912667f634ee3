import { AppError } from '../domain/errors';
import type {
  CrmAutomation,
  CrmAutomationMembership,
  CrmClient,
  CrmList,
  CrmListMembership,
  CrmSequence,
  ListStatus,
  Page,
  SequenceRef,
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
  /** The lists the survivor is on already and the merge leaves as they are, so the plan names every list it ends on. */
  readonly keptLists?: readonly {
    readonly listId: string;
    readonly name: string;
    readonly status: ListStatus;
  }[];
  readonly automations: readonly {
    readonly id: string;
    readonly name: string;
    readonly active: boolean;
    readonly sendsEmail: boolean | null;
  }[];
  /** Custom field values of the duplicates fill the survivor's empty ones (read at the snapshot). */
  readonly customFields: boolean;
  /** The CRM's labels of its custom fields by id, so the journal and History name them; absent in older plans. */
  readonly customFieldNames?: Readonly<Record<string, string>>;
}

/** Where the account's lists and automations come from: the connection's catalog, or the CRM straight. */
export interface AccountReads {
  readonly crm: CrmClient;
  lists(signal?: AbortSignal): Promise<readonly CrmList[]>;
  automations(signal?: AbortSignal): Promise<readonly CrmAutomation[]>;
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

/** Reads the account's lists and automations from the CRM each time (no catalog: tests, one-off tools). */
export function directReads(crm: CrmClient): AccountReads {
  return {
    crm,
    lists: async (signal) =>
      crm.listLists ? all((cursor) => crm.listLists!({ cursor, ...(signal ? { signal } : {}) })) : [],
    automations: async (signal) =>
      crm.listAutomations
        ? all((cursor) => crm.listAutomations!({ cursor, ...(signal ? { signal } : {}) }))
        : [],
  };
}

/**
 * Each record's lists and automations, with the account's names for them. `known` holds memberships read a
 * moment ago (by the review) that stand in for reading those records again.
 */
export async function readGroupMemberships(
  source: CrmClient | AccountReads,
  ids: readonly string[],
  signal?: AbortSignal,
  known?: GroupMemberships['records'] | null,
): Promise<GroupMemberships | null> {
  const reads = 'listContacts' in source ? directReads(source) : source;
  const crm = reads.crm;
  if (!crm.getContactLists && !crm.getContactAutomations) return null;
  const lists = [...(await reads.lists(signal))];
  const automations = [...(await reads.automations(signal))];
  const records: Record<string, { lists: CrmListMembership[]; automations: CrmAutomationMembership[] }> = {};
  for (const id of ids) {
    const seen = known?.[id];
    records[id] = seen
      ? { lists: [...seen.lists], automations: [...seen.automations] }
      : {
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

/**
 * The automations the review offers by default: those a duplicate is in and the survivor is not (a manual merge
 * does not carry automation membership; the survivor would miss the emails the duplicate was getting).
 */
export function defaultAutomationIds(
  m: GroupMemberships,
  survivorId: string,
  loserIds: readonly string[],
): string[] {
  const survivorIn = new Set((m.records[survivorId]?.automations ?? []).map((a) => a.automationId));
  return [
    ...new Set(loserIds.flatMap((l) => (m.records[l]?.automations ?? []).map((a) => a.automationId))),
  ].filter((id) => !survivorIn.has(id));
}

/** A picked automation must be one the CRM listed: an id from elsewhere would add the survivor to who knows what. */
function assertListedAutomations(m: GroupMemberships, picked: readonly string[]): void {
  const listed = new Set(m.automations.map((a) => a.id));
  const unknown = [...new Set(picked)].filter((id) => !listed.has(id));
  if (unknown.length > 0)
    throw new AppError(
      'INVALID_INPUT',
      `${unknown.length === 1 ? 'An automation you picked is' : `${unknown.length} automations you picked are`} not in the CRM's list of automations (it may have been deleted): open the review again and pick from the list.`,
      { automationIds: unknown },
    );
}

export function planExtras(
  m: GroupMemberships,
  survivorId: string,
  loserIds: readonly string[],
  chosenAutomationIds: readonly string[] | undefined,
  customFields: boolean,
  who: (contactId: string) => string = (id) => `#${id}`,
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
          ? `${who(unsubscribedBy!.contactId)} unsubscribed: an unsubscribe wins`
          : `from ${who(holders.find((h) => h.contactId !== survivorId)!.contactId)}`,
    });
  }
  const changed = new Set(lists.map((l) => l.listId));
  const keptLists = (m.records[survivorId]?.lists ?? [])
    .filter((l) => !changed.has(l.listId))
    .map((l) => ({ listId: l.listId, name: listName.get(l.listId) ?? `List ${l.listId}`, status: l.status }));
  const survivorIn = new Set((m.records[survivorId]?.automations ?? []).map((a) => a.automationId));
  if (chosenAutomationIds) assertListedAutomations(m, chosenAutomationIds);
  const picked = chosenAutomationIds ?? defaultAutomationIds(m, survivorId, loserIds);
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
  return { lists, keptLists, automations, customFields };
}

/** Every sequence the CRM offers, by campaign and name (empty for a CRM without sequences). */
export async function readSequences(crm: CrmClient, signal?: AbortSignal): Promise<readonly CrmSequence[]> {
  if (!crm.capabilities.sequences) return [];
  if (!crm.listSequences)
    throw new AppError('UNSUPPORTED', 'This CRM connection cannot list its sequences by name.');
  const all = await crm.listSequences(signal);
  return [...all].sort(
    (a, b) => a.campaignName.localeCompare(b.campaignName) || a.name.localeCompare(b.name),
  );
}

/** A picked sequence as the plan keeps it: its ids for the CRM, its names for people. */
export interface NamedSequence extends SequenceRef {
  readonly name?: string;
  readonly campaignName?: string;
  readonly sendsEmail?: boolean | null;
}

/**
 * Names the picked sequences from the CRM's own list and refuses one it does not offer, so the plan preview and
 * History say "Welcome emails (New member onboarding)" and a mistyped id never reaches the CRM.
 */
export function nameSequences(
  picked: readonly SequenceRef[],
  offered: readonly CrmSequence[],
): NamedSequence[] {
  const find = (p: SequenceRef) =>
    offered.find(
      (o) => o.sequenceId === p.sequenceId && (p.campaignId === undefined || o.campaignId === p.campaignId),
    );
  const unknown = picked.filter((p) => !find(p));
  if (unknown.length > 0)
    throw new AppError(
      'INVALID_INPUT',
      `${unknown.length === 1 ? 'A sequence you picked is' : `${unknown.length} sequences you picked are`} not among the CRM's campaign sequences (it may have been unpublished): pick from the list again.`,
      { sequences: unknown.map((u) => ({ ...u })) },
    );
  return picked.map((p) => {
    const o = find(p)!;
    return {
      campaignId: o.campaignId,
      sequenceId: o.sequenceId,
      name: o.name,
      campaignName: o.campaignName,
      sendsEmail: o.sendsEmail,
    };
  });
}
