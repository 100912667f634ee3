import type { WordPressClient, WpMember, WpMemberPage, WpOrder, WpSiteInfo } from '../../app/ports/wordpress';
import { AppError } from '../../app/domain/errors';
import { FaultInjector } from './faults';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * An in-memory WordPress + AccessAlly site (reference/apis.md §4): each user is linked to one CRM contact id,
 * AccessAlly orders and subscriptions are keyed by contact id and re-keyed by a "Modify Contact ID" job, and a
 * resync copies the linked contact's tags from the CRM into the user's access tags.
 */
export class FakeWordPress implements WordPressClient {
  readonly members = new Map<number, Mutable<WpMember>>();
  readonly orders = new Map<string, Mutable<WpOrder>>();

  constructor(
    readonly faults = new FaultInjector(),
    private readonly crmTags: (contactId: string) => { id: string; name: string }[] = () => [],
  ) {}

  seedMember(
    m: Omit<WpMember, 'raw' | 'accessTags' | 'progress'> & Partial<Pick<WpMember, 'accessTags' | 'progress'>>,
  ): void {
    this.members.set(m.wpId, { accessTags: [], progress: {}, ...m, raw: { id: m.wpId } });
  }

  seedOrder(o: Omit<WpOrder, 'raw'>): void {
    this.orders.set(`${o.kind}:${o.id}`, { ...o, raw: { id: o.id } });
  }

  state(): unknown {
    return {
      members: [...this.members.values()].sort((a, b) => a.wpId - b.wpId),
      orders: [...this.orders.values()].sort((a, b) => `${a.kind}${a.id}`.localeCompare(`${b.kind}${b.id}`)),
    };
  }

  testConnection(): Promise<WpSiteInfo> {
    return this.faults.around('wp', 'testConnection', false, {}, () => ({
      siteUrl: 'http://wp.test',
      pluginVersion: '1.0.0',
      accessAlly: { active: true, version: '4.2' },
      linkSource: 'accessally',
    }));
  }

  listMembers(options: { page: number; perPage?: number }): Promise<WpMemberPage> {
    return this.faults.around('wp', 'listMembers', false, options, () => {
      const all = [...this.members.values()].sort((a, b) => a.wpId - b.wpId);
      const per = options.perPage ?? 100;
      return {
        items: all.slice((options.page - 1) * per, options.page * per),
        total: all.length,
        totalPages: Math.max(1, Math.ceil(all.length / per)),
      };
    });
  }

  getMember(wpId: number): Promise<WpMember | null> {
    return this.faults.around('wp', 'getMember', false, { wpId }, () => this.members.get(wpId) ?? null);
  }

  membersForContact(contactId: string): Promise<readonly WpMember[]> {
    return this.faults.around('wp', 'membersForContact', false, { contactId }, () =>
      [...this.members.values()]
        .filter((m) => m.linkedContactId === contactId)
        .sort((a, b) => a.wpId - b.wpId),
    );
  }

  relinkMember(wpId: number, contactId: string): Promise<{ before: string | null; after: string }> {
    return this.faults.around('wp', 'relinkMember', true, { wpId, contactId }, () => {
      const m = this.members.get(wpId);
      if (!m) throw new AppError('NOT_FOUND', `User ${wpId} not found.`, { status: 404 });
      const before = m.linkedContactId;
      m.linkedContactId = contactId;
      return { before, after: contactId };
    });
  }

  listOrders(options: { contactId?: string }): Promise<readonly WpOrder[]> {
    return this.faults.around('wp', 'listOrders', false, { contactId: options.contactId }, () =>
      [...this.orders.values()].filter((o) => !options.contactId || o.contactId === options.contactId),
    );
  }

  rekeyOrders(
    fromContactId: string,
    toContactId: string,
  ): Promise<{ moved: number; orders: readonly WpOrder[] }> {
    return this.faults.around('wp', 'rekeyOrders', true, { fromContactId, toContactId }, () => {
      const moved = [...this.orders.values()].filter((o) => o.contactId === fromContactId);
      for (const o of moved) o.contactId = toContactId;
      return { moved: moved.length, orders: moved };
    });
  }

  resyncMember(wpId: number): Promise<void> {
    return this.faults.around('wp', 'resyncMember', true, { wpId }, () => {
      const m = this.members.get(wpId);
      if (!m) throw new AppError('NOT_FOUND', `User ${wpId} not found.`, { status: 404 });
      m.accessTags = m.linkedContactId ? this.crmTags(m.linkedContactId) : [];
    });
  }
}
