/**
 * What the core needs from a WordPress site running the Mergedesk Bridge plugin (and AccessAlly, when present).
 * `app/connectors/wordpress` implements it over the REST API; the merge executor and sync only see this.
 */
export interface WpAccessTag {
  readonly id: string;
  readonly name: string;
}

export interface WpMember {
  readonly wpId: number;
  readonly login: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly registeredAt: string | null;
  readonly lastLoginAt: string | null;
  /** The CRM contact id this user is linked to (AccessAlly's, or the configured user-meta key). */
  readonly linkedContactId: string | null;
  readonly accessTags: readonly WpAccessTag[];
  /** Hints that the user has course progress worth keeping (e.g. lessons completed, last activity). */
  readonly progress: Readonly<Record<string, string | number | boolean | null>>;
  readonly raw: unknown;
}

export interface WpOrder {
  readonly id: string;
  readonly kind: 'order' | 'subscription';
  readonly contactId: string | null;
  readonly title: string | null;
  readonly status: string | null;
  readonly raw: unknown;
}

export interface WpSiteInfo {
  readonly siteUrl: string;
  readonly pluginVersion: string | null;
  readonly accessAlly: { readonly active: boolean; readonly version: string | null };
  /** 'accessally' or 'usermeta:<key>'. */
  readonly linkSource: string;
}

export interface WpMemberPage {
  readonly items: readonly WpMember[];
  readonly total: number;
  readonly totalPages: number;
}

export interface WordPressClient {
  testConnection(signal?: AbortSignal): Promise<WpSiteInfo>;
  listMembers(options: {
    readonly page: number;
    readonly perPage?: number;
    readonly modifiedSince?: string | null;
    readonly signal?: AbortSignal;
  }): Promise<WpMemberPage>;
  getMember(wpId: number, signal?: AbortSignal): Promise<WpMember | null>;
  membersForContact(contactId: string, signal?: AbortSignal): Promise<readonly WpMember[]>;
  /** Idempotent: relinking to the contact it already has is a no-op that still reports before/after. */
  relinkMember(
    wpId: number,
    contactId: string,
    signal?: AbortSignal,
  ): Promise<{ readonly before: string | null; readonly after: string }>;
  listOrders(options: {
    readonly contactId?: string;
    readonly signal?: AbortSignal;
  }): Promise<readonly WpOrder[]>;
  /** AccessAlly's "Modify Contact ID" job. Idempotent: a second call moves nothing. */
  rekeyOrders(
    fromContactId: string,
    toContactId: string,
    signal?: AbortSignal,
  ): Promise<{ readonly moved: number; readonly orders: readonly WpOrder[] }>;
  /** Ask AccessAlly to refresh the user's tags from the CRM. */
  resyncMember(wpId: number, signal?: AbortSignal): Promise<void>;
}
