/**
 * People's words for the core's internal names, in one place for the core's own messages and for every screen
 * (the renderer reads them through the contract's client): field labels, rule names, guard names, slot labels,
 * step names and plurals.
 */

/** Contact fields as people call them. */
export const FIELD_LABELS = {
  givenName: 'First name',
  middleName: 'Middle name',
  familyName: 'Last name',
  prefix: 'Prefix',
  suffix: 'Suffix',
  company: 'Company',
  jobTitle: 'Job title',
  birthday: 'Birthday',
  emails: 'Email addresses',
  phones: 'Phone numbers',
  addresses: 'Addresses',
} as const satisfies Record<string, string>;

export type LabelledField = keyof typeof FIELD_LABELS;

export function fieldLabel(field: string): string {
  return (FIELD_LABELS as Record<string, string>)[field] ?? field;
}

/** Which value a field keeps when records differ. */
export const FIELD_RULE_LABELS: Readonly<Record<string, string>> = {
  prefer_non_empty: 'Survivor, unless empty',
  survivor: 'Survivor always',
  most_recent: 'Most recently updated record',
  oldest: 'Oldest record',
  most_complete: 'Most complete record',
};

/** Which record survives. */
export const SURVIVOR_RULE_LABELS: Readonly<Record<string, string>> = {
  most_complete: 'Most complete record',
  most_recently_updated: 'Most recently updated record',
  oldest: 'Oldest record',
  chosen: 'Chosen by the reviewer',
};

/** What each guard protects, as a heading beside its message. */
export const GUARD_LABELS: Readonly<Record<string, string>> = {
  two_people: 'Maybe two people',
  access_loss: 'Access would be lost',
  access_conflict: 'Access differs between the records',
  consent_conflict: 'Email consent differs',
  two_active_subscriptions: 'Two active subscriptions',
  two_wp_users_with_progress: 'Two WordPress logins with course progress',
  too_many_values: 'More values than the CRM holds',
  no_wordpress_client: 'No WordPress connection',
  archive_tag_missing: 'No archive tag set',
};

export function guardLabel(code: string): string {
  return GUARD_LABELS[code] ?? code.replace(/_/g, ' ');
}

/** A CRM's slot name for an email, phone or address ("EMAIL1", "PHONE2", "BILLING") in words. */
export function slotLabel(slot: string): string {
  const m = /^(EMAIL|PHONE|FAX|ADDRESS)_?(\d+)$/i.exec(slot.trim());
  if (m) {
    const kind = { email: 'Email', phone: 'Phone', fax: 'Fax', address: 'Address' }[m[1]!.toLowerCase()]!;
    return `${kind} ${m[2]}`;
  }
  const named: Record<string, string> = {
    billing: 'Billing address',
    shipping: 'Shipping address',
    other: 'Other address',
    primary: 'Primary',
  };
  return named[slot.trim().toLowerCase()] ?? slot;
}

/**
 * The journaled steps of a merge, in the words the plan, the progress list, the result and History all use: one
 * definition, so their counts agree.
 */
export const STEP_LABELS: Readonly<Record<string, string>> = {
  planned: 'Plan saved',
  snapshotted: 'Re-checked and snapshotted',
  fields_written: 'Fields written',
  tags_unioned: 'Tags added',
  crm_merged: 'CRM merge',
  sequence_added: 'Added to sequence',
  tags_dropped: 'Unticked tags removed',
  custom_fields_written: 'Custom fields filled',
  lists_merged: 'List subscriptions carried over',
  automation_added: 'Added to automation',
  wp_relinked: 'WordPress relinked',
  orders_rekeyed: 'AccessAlly orders moved',
  loser_deleted: 'Duplicate deleted',
  loser_archived: 'Duplicate archived',
  resynced: 'AccessAlly refreshed',
  verified: 'Verified',
  cache_updated: 'Cache updated',
};

export function stepLabel(name: string): string {
  return STEP_LABELS[name] ?? name.replace(/_/g, ' ');
}

/**
 * A journal step that does work in the CRM or on the site. "Plan saved" is bookkeeping, not a step of the
 * merge; every count of steps (plan, result, list, journal) counts only these.
 */
export function isMergeStep(name: string): boolean {
  return name !== 'planned';
}

const rules = new Intl.PluralRules('en');

/** "1 tag", "2 tags"; irregular words give both forms. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${rules.select(n) === 'one' ? one : many}`;
}
