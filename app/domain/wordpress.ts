/**
 * WordPress/AccessAlly facts as the cache and the contract speak of them: plain types, no I/O, so the renderer can
 * import them through the contract.
 */
import type { WpAccessTag } from '../ports/wordpress';

/** How a member's contact link stands against the CRM cache. */
export type ContactLinkStatus = 'linked' | 'orphan' | 'unlinked' | 'unknown';
export type MemberFilter = 'all' | 'linked' | 'orphans' | 'unlinked';

export interface CachedMember {
  readonly connectionId: string;
  readonly wpId: number;
  readonly login: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly registeredAt: string | null;
  readonly lastLoginAt: string | null;
  readonly linkedContactId: string | null;
  /** `unknown` when no CRM has been synced, so an orphan cannot be told from a contact not cached yet. */
  readonly contactStatus: ContactLinkStatus;
  readonly contactName: string | null;
  readonly accessTags: readonly WpAccessTag[];
  readonly progress: Readonly<Record<string, string | number | boolean | null>>;
  readonly syncedAt: string;
}

export interface CachedOrder {
  readonly connectionId: string;
  readonly id: string;
  readonly kind: 'order' | 'subscription';
  readonly contactId: string | null;
  readonly title: string | null;
  readonly status: string | null;
}

export type WordPressSyncMode = 'full' | 'incremental';

export interface WordPressSyncResult {
  readonly jobId: string;
  readonly connectionId: string;
  readonly mode: WordPressSyncMode;
  /** True when an interrupted run was continued from its last committed page. */
  readonly resumed: boolean;
  readonly members: { readonly fetched: number; readonly removed: number; readonly total: number };
  readonly orders: { readonly fetched: number; readonly removed: number };
  readonly startedAt: string;
  readonly finishedAt: string;
}
