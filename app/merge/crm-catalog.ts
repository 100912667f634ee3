import type { CoreContext } from '../context/context';
import type {
  CrmAutomation,
  CrmAutomationMembership,
  CrmClient,
  CrmCustomField,
  CrmList,
  CrmListMembership,
  CrmSequence,
  Page,
} from '../ports/crm';
import { findConnection } from '../sync/connections';
import { crmClientFor } from './clients';

/**
 * The account-level definitions a review, a plan and a run all need (lists, automations, sequences, custom field
 * labels), read once and kept for a few minutes. ActiveCampaign allows 5 requests a second, so reading them again
 * for each of the three was most of the wait before a merge started.
 *
 * Kept per client instance: the core drops a connection's client on every connection change, so a new key or URL
 * never sees the old account's lists. A sync (from this process or another) or a merge makes it stale too.
 */
export const CATALOG_TTL_MS = 3 * 60_000;
/** How long the records' memberships the review read stand in for the plan; the run re-reads them anyway. */
export const MEMBERSHIPS_TTL_MS = 60_000;

export interface RecordMemberships {
  readonly lists: readonly CrmListMembership[];
  readonly automations: readonly CrmAutomationMembership[];
}

interface Entry {
  readonly readAt: number;
  readonly syncedAt: string | null;
  lists?: readonly CrmList[];
  automations?: readonly CrmAutomation[];
  sequences?: readonly CrmSequence[];
  customFields?: readonly CrmCustomField[];
  readonly records: Map<string, { readonly readAt: number; readonly memberships: RecordMemberships }>;
}

const entries = new WeakMap<CrmClient, Entry>();

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

/** One connection's catalog: its definitions read at most once per few minutes, and the review's fresh reads. */
export class CrmCatalog {
  constructor(
    readonly crm: CrmClient,
    private readonly now: () => number,
    private readonly syncedAt: () => string | null,
  ) {}

  private entry(): Entry {
    const hit = entries.get(this.crm);
    const synced = this.syncedAt();
    if (hit && this.now() - hit.readAt < CATALOG_TTL_MS && hit.syncedAt === synced) return hit;
    const fresh: Entry = { readAt: this.now(), syncedAt: synced, records: new Map() };
    entries.set(this.crm, fresh);
    return fresh;
  }

  async lists(signal?: AbortSignal): Promise<readonly CrmList[]> {
    const e = this.entry();
    const crm = this.crm;
    if (!crm.listLists) return [];
    e.lists ??= await all((cursor) => crm.listLists!({ cursor, ...(signal ? { signal } : {}) }));
    return e.lists;
  }

  async automations(signal?: AbortSignal): Promise<readonly CrmAutomation[]> {
    const e = this.entry();
    const crm = this.crm;
    if (!crm.listAutomations) return [];
    e.automations ??= await all((cursor) => crm.listAutomations!({ cursor, ...(signal ? { signal } : {}) }));
    return e.automations;
  }

  async customFields(signal?: AbortSignal): Promise<readonly CrmCustomField[]> {
    const e = this.entry();
    const crm = this.crm;
    if (!crm.listCustomFields) return [];
    e.customFields ??= await all((cursor) =>
      crm.listCustomFields!({ cursor, ...(signal ? { signal } : {}) }),
    );
    return e.customFields;
  }

  /** The CRM's sequences as it lists them; the caller checks the capability first. */
  async sequences(read: () => Promise<readonly CrmSequence[]>): Promise<readonly CrmSequence[]> {
    const e = this.entry();
    e.sequences ??= await read();
    return e.sequences;
  }

  /** Keeps what a review read of each record, so a plan made right after it need not read them again. */
  rememberMemberships(records: Readonly<Record<string, RecordMemberships>>): void {
    const e = this.entry();
    for (const [id, memberships] of Object.entries(records))
      e.records.set(id, { readAt: this.now(), memberships });
  }

  /** Each record's memberships as the review read them, or null when one is missing or older than a minute. */
  freshMemberships(ids: readonly string[]): Record<string, RecordMemberships> | null {
    const e = this.entry();
    const out: Record<string, RecordMemberships> = {};
    for (const id of ids) {
      const hit = e.records.get(id);
      if (!hit || this.now() - hit.readAt >= MEMBERSHIPS_TTL_MS) return null;
      out[id] = hit.memberships;
    }
    return out;
  }

  /** After a merge (or anything else that changed the account): the next read asks the CRM again. */
  forget(): void {
    entries.delete(this.crm);
  }
}

export function catalogFor(ctx: CoreContext, connectionId: string): CrmCatalog {
  return new CrmCatalog(
    crmClientFor(ctx, connectionId),
    () => ctx.clock.now(),
    () => findConnection(ctx.workspace.db, connectionId)?.last_sync_at ?? null,
  );
}

/** Drops a connection's catalog; a connection without a client (removed, no connector) has nothing cached. */
export function forgetCatalog(ctx: CoreContext, connectionId: string): void {
  try {
    catalogFor(ctx, connectionId).forget();
  } catch {
    // Nothing was cached for a connection no client can be built for.
  }
}
