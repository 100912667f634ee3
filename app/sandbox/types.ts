/**
 * The shape the sandbox world generator hands to the WordPress/AccessAlly sandbox, so both sides of the embedded
 * default describe the same people: members linked to one of a pair of duplicates, members whose progress sits on
 * the "wrong" record, AccessAlly orders keyed by contact id.
 */
export interface WpMemberSeed {
  readonly login: string;
  readonly email: string;
  readonly displayName: string;
  /** The Keap contact id AccessAlly links this user to (null: a user with no CRM link). */
  readonly linkedContactId: string | null;
  readonly registeredAt: string;
  readonly lastLoginAt: string | null;
  /** e.g. { lessonsCompleted: 12, lastActivity: '2026-10-02' } */
  readonly progress: Readonly<Record<string, string | number | boolean | null>>;
  /** AccessAlly permission tags the user holds, by Keap tag id and name. */
  readonly accessTags: readonly { readonly id: string; readonly name: string }[];
}

export interface WpOrderSeed {
  readonly id: string;
  readonly kind: 'order' | 'subscription';
  readonly contactId: string;
  readonly title: string;
  readonly status: string;
}

export interface WordPressSeed {
  readonly members: readonly WpMemberSeed[];
  readonly orders: readonly WpOrderSeed[];
}
