import type { NamedSequence, PlanExtras } from './crm-extras';
import type { CrmAddress, CrmEmail, CrmPhone, ContactPatch } from '../ports/crm';
import type { FieldRule, SingleField, SurvivorRule } from './settings';

/** One record of a group as the review shows it: a column. */
export interface ReviewRecord {
  readonly contactId: string;
  readonly pk: number;
  readonly displayName: string;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  /** Count of non-empty fields, values, tags and orders: the "most complete" measure. */
  readonly completeness: number;
  readonly emailOptIn: boolean | null;
  readonly tagIds: readonly string[];
  readonly orders: readonly ReviewOrder[];
  readonly subscriptions: readonly ReviewSubscription[];
  readonly wpUsers: readonly ReviewWpUser[];
  readonly wpOrders: readonly ReviewWpOrder[];
}

export interface ReviewOrder {
  readonly id: string;
  readonly title: string | null;
  readonly status: string | null;
  readonly total: number | null;
  readonly orderDate: string | null;
}

export interface ReviewSubscription {
  readonly id: string;
  readonly title: string | null;
  readonly status: string | null;
  readonly active: boolean;
  readonly nextBillDate: string | null;
}

export interface ReviewWpOrder {
  readonly id: string;
  readonly kind: 'order' | 'subscription';
  readonly title: string | null;
  readonly status: string | null;
}

export interface ReviewWpUser {
  readonly connectionId: string;
  readonly wpId: number;
  readonly login: string;
  readonly email: string | null;
  readonly lastLoginAt: string | null;
  readonly progress: Readonly<Record<string, string | number | boolean | null>>;
  readonly hasProgress: boolean;
  readonly accessTagNames: readonly string[];
}

export interface DefaultChoice {
  /** Column (contact id) whose value was chosen; null when no record has a value. */
  readonly contactId: string | null;
  readonly rule: FieldRule | 'only_value' | 'identical';
  readonly reason: string;
}

export interface SingleFieldRow {
  readonly kind: 'single';
  readonly field: SingleField;
  readonly label: string;
  /** Value per column, in column order. */
  readonly values: readonly (string | null)[];
  readonly identical: boolean;
  readonly choice: DefaultChoice;
}

export type MultiField = 'emails' | 'phones' | 'addresses';

export interface MultiValueOption {
  /** Normalised identity of the value (dedupe key). */
  readonly key: string;
  readonly display: string;
  /** Contact ids that carry this value. */
  readonly on: readonly string[];
  readonly defaultChecked: boolean;
  /** For emails: opted out on at least one record. */
  readonly optedOut?: boolean;
  readonly optInConflict?: boolean;
}

export interface MultiFieldRow {
  readonly kind: 'multi';
  readonly field: MultiField;
  readonly label: string;
  readonly options: readonly MultiValueOption[];
  readonly identical: boolean;
  readonly limit: number;
  readonly reason: string;
}

export type FieldRow = SingleFieldRow | MultiFieldRow;

export interface TagView {
  readonly id: string;
  readonly name: string;
  readonly category: string | null;
  readonly on: readonly string[];
  readonly access: boolean;
  readonly revoke: boolean;
  readonly automation: boolean;
  /** The survivor does not carry it yet: the merge adds it. */
  readonly newOnSurvivor: boolean;
}

export interface TagGroup {
  readonly category: string;
  readonly tags: readonly TagView[];
}

export interface ReviewWarning {
  readonly code:
    'access_conflict' | 'automation' | 'consent' | 'subscriptions' | 'wp_progress' | 'no_wordpress';
  readonly message: string;
  readonly tagIds?: readonly string[];
  /** 'info' is a state that already existed on the kept record; the others are what the plan will ask to confirm. */
  readonly severity?: 'block' | 'confirm' | 'info';
}

export interface AccessPreview {
  readonly before: readonly { readonly contactId: string; readonly tags: readonly string[] }[];
  readonly after: readonly string[];
  readonly gained: readonly string[];
  readonly lost: readonly string[];
  /** How the unticked tags are taken away, in words (null when nothing is unticked). */
  readonly lostNote: string | null;
}

export interface WpPlanHint {
  readonly keepWpId: number | null;
  readonly reason: string;
  readonly users: readonly {
    readonly wpId: number;
    readonly login: string;
    readonly fromContactId: string;
    readonly outcome: string;
  }[];
}

export interface ReviewModel {
  readonly connectionId: string;
  readonly wpConnectionId: string | null;
  readonly groupId: number | null;
  readonly groupKey: string | null;
  readonly lane: string | null;
  readonly strategy: 'native' | 'manual' | 'unknown';
  readonly survivorId: string;
  readonly survivorRule: SurvivorRule | 'chosen';
  readonly survivorReason: string;
  /** Survivor first. */
  readonly records: readonly ReviewRecord[];
  readonly rows: readonly FieldRow[];
  readonly tags: readonly TagGroup[];
  readonly warnings: readonly ReviewWarning[];
  /** Why these records may be two different people, in words; a merge needs an explicit confirmation then. */
  readonly identityConflicts: readonly string[];
  readonly access: AccessPreview;
  readonly wordpress: WpPlanHint;
}

/** What a reviewer chose on top of the defaults. */
export interface ReviewChoices {
  readonly survivorId?: string;
  /** Single field → contact id whose value to take, or an explicit value. */
  readonly fields?: Partial<
    Record<SingleField, { readonly from: string } | { readonly value: string | null }>
  >;
  /** Multi field → the option keys to keep (in order). */
  readonly multi?: Partial<Record<MultiField, readonly string[]>>;
  /** Tags not to apply to the survivor (applied "silently" skipped). */
  readonly skipTagIds?: readonly string[];
  readonly keepWpId?: number | null;
  /** 'relink' (default) moves other WP users to the survivor too; 'leave' keeps their old link. */
  readonly otherWpUsers?: 'relink' | 'leave';
  readonly sequences?: readonly { readonly campaignId?: string; readonly sequenceId: string }[];
  readonly loserAction?: 'delete' | 'archive';
  /**
   * Automations to add the survivor to (CRMs with automations). Absent: those the duplicates are in and the
   * survivor is not; an empty list adds none.
   */
  readonly automationIds?: readonly string[];
}

export type GuardCode =
  | 'two_people'
  | 'access_loss'
  | 'access_conflict'
  | 'consent_conflict'
  | 'two_active_subscriptions'
  | 'two_wp_users_with_progress'
  | 'too_many_values'
  | 'no_wordpress_client'
  | 'archive_tag_missing';

export interface Guard {
  readonly code: GuardCode;
  /** 'block' cannot be confirmed away; 'confirm' needs an explicit confirmation. */
  readonly severity: 'block' | 'confirm';
  readonly message: string;
  /** A few words naming it in a one-line reason ("opt-out on one record"). */
  readonly short?: string;
}

/** Information about the merge that needs no confirmation: a state that already existed on the kept record. */
export interface Notice {
  readonly code: GuardCode;
  readonly message: string;
  readonly short: string;
}

export interface SeenVersion {
  readonly updatedAt: string | null;
  readonly tagIds: readonly string[];
}

export interface PlanWpRelink {
  readonly connectionId: string;
  readonly wpId: number;
  readonly login: string;
  readonly fromContactId: string;
  readonly keep: boolean;
}

export const PLAN_VERSION = 1;

/** A merge plan: plain data, exportable as JSON, versioned. */
export interface MergePlan {
  readonly version: typeof PLAN_VERSION;
  readonly connectionId: string;
  readonly wpConnectionId: string | null;
  readonly groupId: number | null;
  readonly groupKey: string | null;
  readonly strategy: 'native' | 'manual';
  readonly survivorId: string;
  readonly loserIds: readonly string[];
  /** What people call each record (its name, or its email), by contact id; absent in plans made before names. */
  readonly contactNames?: Readonly<Record<string, string>>;
  readonly patch: ContactPatch;
  readonly fieldSources: Readonly<Record<string, string>>;
  /** Every tag the survivor must end with. */
  readonly finalTagIds: readonly string[];
  /** Tags to apply to the survivor before any merge (final minus what it has). */
  readonly tagsToApply: readonly string[];
  readonly skippedTagIds: readonly string[];
  /**
   * Tags the reviewer dropped that the survivor carries once the CRM merge has run (Keap's merge brings the
   * duplicate's tags itself): removed afterwards in their own step. Absent in plans made before that step existed.
   */
  readonly tagsToRemove?: readonly string[];
  readonly tagNames: Readonly<Record<string, string>>;
  readonly accessTagIds: readonly string[];
  readonly crmOrders: readonly { readonly id: string; readonly fromContactId: string }[];
  readonly crmSubscriptions: readonly { readonly id: string; readonly fromContactId: string }[];
  readonly wpRelinks: readonly PlanWpRelink[];
  readonly wpLeftLinked: readonly PlanWpRelink[];
  readonly wpOrdersToRekey: readonly {
    readonly id: string;
    readonly kind: string;
    readonly fromContactId: string;
  }[];
  /** Named from the CRM's own list when the plan was made live (`nameSequences`). */
  readonly sequences: readonly NamedSequence[];
  readonly loserAction: 'merge' | 'delete' | 'archive';
  /** Lists, automations and custom fields the manual strategy carries over (CRMs that keep them apart). */
  readonly extras?: PlanExtras;
  readonly archiveTagId: string | null;
  readonly seen: Readonly<Record<string, SeenVersion>>;
  readonly guards: readonly Guard[];
  /** Information (pre-existing states the merge does not change); absent in older plans. */
  readonly notices?: readonly Notice[];
  readonly createdAt: string;
}

export interface PreviewLine {
  readonly seq: number;
  readonly step: string;
  readonly text: string;
  readonly reversible: boolean;
}

export interface PlanPreview {
  readonly lines: readonly PreviewLine[];
  /** The journaled steps the run will take, in order: what "N steps" counts everywhere. */
  readonly steps: readonly { readonly name: string; readonly target: string | null }[];
  readonly irreversible: readonly string[];
  readonly guards: readonly Guard[];
  readonly notices: readonly Notice[];
}

export type { CrmAddress, CrmEmail, CrmPhone };

/** How much of today's CRM quota a batch needs and how many of its groups fit before the daily reset. */
export interface BatchQuotaPlan {
  readonly groups: number;
  /** Groups a batch would skip because their plan raises a guard (they spend nothing). */
  readonly guarded: number;
  readonly requests: number;
  readonly fitsToday: number;
  readonly etaSeconds: number | null;
  readonly perMinute: number | null;
  readonly perDay: number | null;
  readonly availableToday: number | null;
  readonly resetsAt: string | null;
  readonly message: string;
}
