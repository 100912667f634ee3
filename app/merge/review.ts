import type { CrmAddress, CrmEmail, CrmPhone } from '../ports/crm';
import type { CachedRecord, GroupData } from './cache-reader';
import { chooseValue, fieldRuleFor, pickSurvivor, type SurvivorCandidate } from './survivorship';
import { SINGLE_FIELDS, type AccessSettings, type MergeRules } from './settings';
import { classifyTag, type TagClass } from './tag-rules';
import { judgeMerge, mergedOptIn } from './guards';
import type {
  AccessPreview,
  FieldRow,
  MultiField,
  MultiFieldRow,
  MultiValueOption,
  ReviewModel,
  ReviewRecord,
  ReviewWarning,
  ReviewWpUser,
  TagGroup,
  TagView,
  WpPlanHint,
} from './types';
import { AppError } from '../domain/errors';
import { FIELD_LABELS } from '../domain/words';
import { identityConflicts } from './identity-conflicts';
import { rankLogins } from './wp-login-choice';

export { FIELD_LABELS };

export const emailKey = (e: CrmEmail): string => e.email.trim().toLowerCase();
export const phoneKey = (p: CrmPhone): string => {
  const digits = p.number.replace(/\D+/g, '');
  return `${digits.length > 10 ? digits.slice(-10) : digits}${p.extension ? `x${p.extension}` : ''}`;
};
export const addressKey = (a: CrmAddress): string =>
  [a.line1, a.line2, a.locality, a.region, a.postalCode, a.countryCode]
    .map((v) => (v ?? '').trim().toLowerCase().replace(/\s+/g, ' '))
    .join('|');
export const addressDisplay = (a: CrmAddress): string =>
  [a.line1, a.line2, a.locality, a.region, a.postalCode, a.countryCode]
    .filter((v) => v && v.trim())
    .join(', ');

export function completeness(r: CachedRecord): number {
  const fields = SINGLE_FIELDS.filter((f) => (r.fields[f] ?? '').trim() !== '').length;
  return (
    fields +
    r.emails.length +
    r.phones.length +
    r.addresses.length +
    r.tagIds.length +
    r.orders.length +
    r.subscriptions.length
  );
}

const displayName = (r: CachedRecord): string =>
  [r.fields.givenName, r.fields.familyName].filter(Boolean).join(' ') ||
  r.emails[0]?.email ||
  `#${r.contactId}`;

const candidate = (r: CachedRecord): SurvivorCandidate => ({
  contactId: r.contactId,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  completeness: completeness(r),
});

/** Survivor first, then the others in their group order. */
export function orderColumns(
  data: GroupData,
  settings: MergeRules,
  chosenSurvivor?: string,
): { records: CachedRecord[]; survivorRule: ReviewModel['survivorRule']; reason: string } {
  if (data.records.length < 2) throw new AppError('INVALID_INPUT', 'A merge needs at least two records.');
  let survivorId: string;
  let survivorRule: ReviewModel['survivorRule'];
  let reason: string;
  if (chosenSurvivor) {
    if (!data.records.some((r) => r.contactId === chosenSurvivor)) {
      throw new AppError('INVALID_INPUT', `Contact ${chosenSurvivor} is not in this group.`);
    }
    survivorId = chosenSurvivor;
    survivorRule = 'chosen';
    reason = 'Survivor chosen by the reviewer';
  } else {
    const pick = pickSurvivor(settings.survivor, data.records.map(candidate));
    survivorId = pick.contactId;
    survivorRule = settings.survivor;
    reason = pick.reason;
  }
  const survivor = data.records.find((r) => r.contactId === survivorId)!;
  return { records: [survivor, ...data.records.filter((r) => r !== survivor)], survivorRule, reason };
}

function multiRow<T>(
  field: MultiField,
  records: readonly CachedRecord[],
  values: (r: CachedRecord) => readonly T[],
  key: (v: T) => string,
  display: (v: T) => string,
  limit: number,
  extra?: (key: string, holders: readonly { contactId: string; value: T }[]) => Partial<MultiValueOption>,
): MultiFieldRow {
  const byKey = new Map<string, { contactId: string; value: T }[]>();
  for (const r of records) {
    for (const v of values(r)) {
      const k = key(v);
      if (!k || k === '|||||') continue;
      const list = byKey.get(k) ?? [];
      if (!list.some((h) => h.contactId === r.contactId)) list.push({ contactId: r.contactId, value: v });
      byKey.set(k, list);
    }
  }
  const options: MultiValueOption[] = [...byKey].map(([k, holders], i) => ({
    key: k,
    display: display(holders[0]!.value),
    on: holders.map((h) => h.contactId),
    defaultChecked: i < limit,
    ...(extra ? extra(k, holders) : {}),
  }));
  const perRecord = records.map((r) => values(r).map(key).sort().join('\n'));
  const identical = perRecord.every((v) => v === perRecord[0]);
  const over = options.length > limit;
  return {
    kind: 'multi',
    field,
    label: FIELD_LABELS[field],
    options,
    identical,
    limit,
    reason: over
      ? `Union of every record; the CRM holds at most ${limit}, so the first ${limit} are ticked`
      : identical
        ? 'Same on every record'
        : 'Union of every record (nothing is dropped)',
  };
}

function emailOptions(records: readonly CachedRecord[], settings: MergeRules): MultiFieldRow {
  return multiRow(
    'emails',
    records,
    (r) => r.emails,
    emailKey,
    (e) => e.email.trim(),
    settings.maxEmails,
    (_k, holders) => {
      const optIns = holders.map((h) => h.value.optIn).filter((v): v is boolean => typeof v === 'boolean');
      return {
        optedOut: optIns.includes(false),
        optInConflict: optIns.includes(false) && optIns.includes(true),
      };
    },
  );
}

function chooseWpUser(
  records: readonly CachedRecord[],
  survivorId: string,
): WpPlanHint & { all: ReviewWpUser[] } {
  const all = records.flatMap((r) => r.wpUsers.map((u) => ({ ...u, fromContactId: r.contactId })));
  if (all.length === 0)
    return { keepWpId: null, reason: 'No WordPress user is linked to these records', users: [], all };
  // The survivor's own login wins a full tie, so nothing moves without a reason.
  const ordered = [...all].sort(
    (a, b) => Number(b.fromContactId === survivorId) - Number(a.fromContactId === survivorId),
  );
  const { ranked, reason } = rankLogins(ordered);
  const keep = ranked[0]!;
  return {
    keepWpId: keep.wpId,
    reason,
    users: all.map((u) => ({
      wpId: u.wpId,
      login: u.login,
      fromContactId: u.fromContactId,
      outcome:
        u.fromContactId === survivorId
          ? `stays linked to ${survivorId}`
          : `relinked from ${u.fromContactId} to ${survivorId}`,
    })),
    all,
  };
}

/** Builds the side-by-side review: pure over the cached group data and the settings. */
export function buildReview(
  data: GroupData,
  survivorship: MergeRules,
  access: AccessSettings,
  options: { survivorId?: string; strategy: ReviewModel['strategy']; skipTagIds?: readonly string[] },
): ReviewModel {
  const { records, survivorRule, reason } = orderColumns(data, survivorship, options.survivorId);
  const survivor = records[0]!;
  const candidates = records.map(candidate);

  const rows: FieldRow[] = [];
  for (const field of SINGLE_FIELDS) {
    const values = records.map((r) => r.fields[field] ?? null);
    const choice = chooseValue(
      fieldRuleFor(field, survivorship),
      candidates.map((c, i) => ({ ...c, value: values[i] ?? null })),
    );
    const norm = values.map((v) => (v ?? '').trim());
    rows.push({
      kind: 'single',
      field,
      label: FIELD_LABELS[field],
      values,
      identical: norm.every((v) => v === norm[0]),
      choice,
    });
  }
  rows.push(emailOptions(records, survivorship));
  rows.push(
    multiRow(
      'phones',
      records,
      (r) => r.phones,
      phoneKey,
      (p) => p.number,
      survivorship.maxPhones,
    ),
  );
  rows.push(
    multiRow('addresses', records, (r) => r.addresses, addressKey, addressDisplay, survivorship.maxAddresses),
  );

  const skip = new Set(options.skipTagIds ?? []);
  const classes = new Map<string, TagClass>();
  for (const [id, t] of data.tags) classes.set(id, classifyTag(t, access));
  const holders = new Map<string, string[]>();
  for (const r of records) for (const t of r.tagIds) holders.set(t, [...(holders.get(t) ?? []), r.contactId]);
  const views: TagView[] = [...holders].map(([id, on]) => {
    const info = data.tags.get(id) ?? { id, name: `Tag ${id}`, category: null };
    const cls = classes.get(id) ?? { access: false, revoke: false, automation: false };
    return {
      id,
      name: info.name,
      category: info.category,
      on,
      ...cls,
      newOnSurvivor: !on.includes(survivor.contactId),
    };
  });
  const byCategory = new Map<string, TagView[]>();
  for (const v of views) {
    const cat = v.category ?? 'Uncategorised';
    byCategory.set(cat, [...(byCategory.get(cat) ?? []), v]);
  }
  const tags: TagGroup[] = [...byCategory]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => ({ category, tags: list.sort((a, b) => a.name.localeCompare(b.name)) }));

  const warnings: ReviewWarning[] = [];
  const automationNew = views.filter((v) => v.automation && v.newOnSurvivor && !skip.has(v.id));
  if (automationNew.length > 0) {
    warnings.push({
      code: 'automation',
      message: `Applying ${automationNew.map((v) => `"${v.name}"`).join(', ')} to the survivor may start automations (emails, charges). Untick to apply the others silently.`,
      tagIds: automationNew.map((v) => v.id),
    });
  }
  const emailsRow = rows.find((r): r is MultiFieldRow => r.kind === 'multi' && r.field === 'emails')!;
  const wp = chooseWpUser(records, survivor.contactId);
  // The same judgement the plan makes, over the default choices: the words here are the plan's words.
  const finalEmails = emailsRow.options
    .filter((o) => o.defaultChecked)
    .map((o) => {
      const holders = records.flatMap((r) => r.emails.filter((e) => emailKey(e) === o.key));
      return { ...holders[0]!, optIn: mergedOptIn(holders, survivorship.optOutWins) };
    });
  const REVIEW_CODE = {
    access_conflict: 'access_conflict',
    consent_conflict: 'consent',
    two_active_subscriptions: 'subscriptions',
    two_wp_users_with_progress: 'wp_progress',
  } as const;
  for (const f of judgeMerge({
    records,
    survivorId: survivor.contactId,
    tags: data.tags,
    classes,
    finalTagIds: [...holders.keys()].filter((t) => !skip.has(t)),
    finalEmails,
    wpOnSurvivor: wp.all.map((u) => u.wpId),
  })) {
    const code = REVIEW_CODE[f.code as keyof typeof REVIEW_CODE];
    if (code) warnings.push({ code, message: f.message, severity: f.severity });
  }
  if (wp.all.length > 0 && data.wpConnectionId === null) {
    warnings.push({
      code: 'no_wordpress',
      message: 'WordPress users are linked but no WordPress connection is set up.',
    });
  }

  const accessName = (id: string) => data.tags.get(id)?.name ?? id;
  const isAccess = (id: string) => classes.get(id)?.access ?? false;
  const before = records.map((r) => ({
    contactId: r.contactId,
    tags: r.tagIds.filter(isAccess).map(accessName),
  }));
  const allAccess = new Set(records.flatMap((r) => r.tagIds.filter(isAccess)));
  const afterIds = [...allAccess].filter((t) => !skip.has(t));
  const survivorAccess = new Set(survivor.tagIds.filter(isAccess));
  const accessPreview: Omit<AccessPreview, 'lostNote'> = {
    before,
    after: afterIds.map(accessName).sort(),
    gained: afterIds
      .filter((t) => !survivorAccess.has(t))
      .map(accessName)
      .sort(),
    lost: [...allAccess]
      .filter((t) => skip.has(t))
      .map(accessName)
      .sort(),
  };

  const { all: _all, ...wordpress } = wp;
  const accessWithNote: AccessPreview = {
    ...accessPreview,
    lostNote:
      accessPreview.lost.length === 0
        ? null
        : options.strategy === 'native'
          ? `${accessPreview.lost.map((n) => `"${n}"`).join(', ')} ${accessPreview.lost.length === 1 ? 'is' : 'are'} removed from the survivor after the CRM merge (the merge brings the duplicate's tags back first).`
          : `${accessPreview.lost.map((n) => `"${n}"`).join(', ')} ${accessPreview.lost.length === 1 ? 'is' : 'are'} not applied and removed from the survivor.`,
  };
  const reviewRecords: ReviewRecord[] = records.map((r) => ({
    contactId: r.contactId,
    pk: r.pk,
    displayName: displayName(r),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    completeness: completeness(r),
    emailOptIn: r.emailOptIn,
    tagIds: r.tagIds,
    orders: r.orders,
    subscriptions: r.subscriptions,
    wpUsers: r.wpUsers,
    wpOrders: r.wpOrders,
  }));
  return {
    connectionId: data.connectionId,
    wpConnectionId: data.wpConnectionId,
    groupId: data.groupId,
    groupKey: data.groupKey,
    lane: data.lane,
    strategy: options.strategy,
    survivorId: survivor.contactId,
    survivorRule,
    survivorReason: reason,
    records: reviewRecords,
    rows,
    tags,
    warnings,
    identityConflicts: identityConflicts(records),
    access: accessWithNote,
    wordpress,
  };
}

export function isActive(status: string | null): boolean {
  return /^(active|trial|trialing|current|paid)$/i.test((status ?? '').trim());
}
