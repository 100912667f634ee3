import type { ContactPatch, CrmAddress, CrmEmail, CrmPhone } from '../ports/crm';
import type { CachedRecord, GroupData } from './cache-reader';
import { addressDisplay, addressKey, buildReview, emailKey, phoneKey } from './review';
import { SINGLE_FIELDS, type AccessSettings, type MergeRules } from './settings';
import type { CrmSlots } from '../ports/connector';
import { classifyTag, type TagClass } from './tag-rules';
import { judgeMerge, mergedOptIn, recordLabel } from './guards';
import { fieldLabel, plural } from '../domain/words';
import {
  PLAN_VERSION,
  type Guard,
  type GuardCode,
  type Notice,
  type MergePlan,
  type MultiFieldRow,
  type PlanPreview,
  type PlanWpRelink,
  type PreviewLine,
  type ReviewChoices,
  type ReviewModel,
} from './types';
import { AppError } from '../domain/errors';

export interface PlanInput {
  readonly data: GroupData;
  readonly survivorship: MergeRules;
  readonly access: AccessSettings;
  readonly strategy: 'native' | 'manual';
  /** The CRM's slot names (from its connector); values are renumbered into them in the order chosen. */
  readonly slots: CrmSlots | null;
  readonly choices: ReviewChoices;
  readonly now: string;
}

/** What people call a cached record: its name, or its first email when it has none. */
function personName(r: CachedRecord): string {
  const name = [r.fields.givenName, r.fields.familyName]
    .map((v) => (v ?? '').trim())
    .filter(Boolean)
    .join(' ');
  return name || (r.emails[0]?.email.trim() ?? '');
}

const personLabel = (r: CachedRecord): string => {
  const name = personName(r);
  return name ? `${name} (#${r.contactId})` : `#${r.contactId}`;
};

/**
 * "Ada Lovelace (#1)": a contact of the plan by name with its id beside it; the id alone only when the record has
 * neither a name nor an email (or the plan predates names).
 */
export function contactLabel(plan: Pick<MergePlan, 'contactNames'>, id: string): string {
  const name = plan.contactNames?.[id];
  return name ? `${name} (#${id})` : `#${id}`;
}

const clean = (v: string | null | undefined): string | null =>
  v === null || v === undefined || v.trim() === '' ? null : v.trim();

function selectedKeys(row: MultiFieldRow, chosen: readonly string[] | undefined): string[] {
  if (!chosen) return row.options.filter((o) => o.defaultChecked).map((o) => o.key);
  const known = new Set(row.options.map((o) => o.key));
  const unknown = chosen.filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new AppError('INVALID_INPUT', `Unknown ${row.field} value(s) chosen: ${unknown.join(', ')}.`);
  }
  return [...new Set(chosen)];
}

/**
 * The slot a chosen value lands in: the CRM's own slot names in the order chosen (EMAIL1, EMAIL2, …), so the
 * survivor's first value is its primary; without known slots (no connector in this build) it keeps its own.
 */
function slotFor(slots: readonly string[] | undefined, index: number, original: string): string {
  return slots && slots.length > 0 ? (slots[index] ?? original) : original;
}

function buildMulti(
  records: readonly CachedRecord[],
  review: ReviewModel,
  choices: ReviewChoices,
  optOutWins: boolean,
  slots: CrmSlots | null,
) {
  const row = (field: 'emails' | 'phones' | 'addresses') =>
    review.rows.find((r): r is MultiFieldRow => r.kind === 'multi' && r.field === field)!;
  const emailsRow = row('emails');
  const phonesRow = row('phones');
  const addressesRow = row('addresses');
  const emailSel = selectedKeys(emailsRow, choices.multi?.emails);
  const phoneSel = selectedKeys(phonesRow, choices.multi?.phones);
  const addrSel = selectedKeys(addressesRow, choices.multi?.addresses);

  const allEmails = records.flatMap((r) => r.emails);
  const emails: CrmEmail[] = emailSel.map((key, i) => {
    const holders = allEmails.filter((e) => emailKey(e) === key);
    const first = holders[0]!;
    const optIn = mergedOptIn(holders, optOutWins);
    const status = holders.find((h) => h.optIn === false)?.status ?? first.status ?? null;
    return {
      slot: slotFor(slots?.emails, i, first.slot),
      email: first.email.trim(),
      optIn,
      status,
    };
  });
  const allPhones = records.flatMap((r) => r.phones);
  const phones: CrmPhone[] = phoneSel.map((key, i) => {
    const first = allPhones.find((p) => phoneKey(p) === key)!;
    return {
      slot: slotFor(slots?.phones, i, first.slot),
      number: first.number,
      extension: first.extension ?? null,
      type: first.type ?? null,
    };
  });
  const allAddresses = records.flatMap((r) => r.addresses);
  const usedSlots = new Set<string>();
  const addresses: CrmAddress[] = addrSel.map((key) => {
    const first = allAddresses.find((a) => addressKey(a) === key)!;
    const slot = !usedSlots.has(first.slot)
      ? first.slot
      : ((slots?.addresses ?? []).find((s) => !usedSlots.has(s)) ?? first.slot);
    usedSlots.add(slot);
    return { ...first, slot };
  });
  return {
    emails,
    phones,
    addresses,
    limits: [
      { field: 'email addresses', n: emails.length, max: emailsRow.limit },
      { field: 'phone numbers', n: phones.length, max: phonesRow.limit },
      { field: 'addresses', n: addresses.length, max: addressesRow.limit },
    ],
  };
}

const sameEmails = (a: readonly CrmEmail[], b: readonly CrmEmail[]) =>
  JSON.stringify(a.map((e) => [e.slot, emailKey(e), e.optIn ?? null])) ===
  JSON.stringify(b.map((e) => [e.slot, emailKey(e), e.optIn ?? null]));
const samePhones = (a: readonly CrmPhone[], b: readonly CrmPhone[]) =>
  JSON.stringify(a.map((p) => [p.slot, phoneKey(p)])) === JSON.stringify(b.map((p) => [p.slot, phoneKey(p)]));
const sameAddresses = (a: readonly CrmAddress[], b: readonly CrmAddress[]) =>
  JSON.stringify(a.map((x) => [x.slot, addressKey(x)])) ===
  JSON.stringify(b.map((x) => [x.slot, addressKey(x)]));

/** Builds the plan from the cached group, the settings and the reviewer's choices. Pure. */
export function buildPlan(input: PlanInput): { plan: MergePlan; review: ReviewModel } {
  const { data, survivorship, access, choices, strategy } = input;
  const review = buildReview(data, survivorship, access, {
    ...(choices.survivorId ? { survivorId: choices.survivorId } : {}),
    strategy,
    ...(choices.skipTagIds ? { skipTagIds: choices.skipTagIds } : {}),
  });
  const byId = new Map(data.records.map((r) => [r.contactId, r] as const));
  const survivor = byId.get(review.survivorId)!;
  const losers = review.records.slice(1).map((r) => byId.get(r.contactId)!);
  const guards: Guard[] = [];
  const notices: Notice[] = [];
  const guard = (code: GuardCode, severity: Guard['severity'], message: string, short: string) => {
    if (!guards.some((g) => g.code === code && g.message === message))
      guards.push({ code, severity, message, short });
  };

  if (review.lane === 'maybe_two_people') {
    const why = review.identityConflicts.length
      ? review.identityConflicts.join('; ')
      : 'detection put this group in "Maybe two people"';
    guard(
      'two_people',
      'confirm',
      `These may be two different people (${why}). Merge only if you know they are one person.`,
      'these may be two different people',
    );
  }

  const patch: Record<string, unknown> = {};
  const fieldSources: Record<string, string> = {};
  for (const field of SINGLE_FIELDS) {
    const explicit = choices.fields?.[field];
    let value: string | null;
    let source: string;
    if (explicit && 'value' in explicit) {
      value = clean(explicit.value);
      source = 'typed by the reviewer';
    } else {
      const from = explicit && 'from' in explicit ? explicit.from : undefined;
      const row = review.rows.find((r) => r.kind === 'single' && r.field === field);
      const contactId = from ?? (row?.kind === 'single' ? row.choice.contactId : null);
      if (contactId !== null && !byId.has(contactId)) {
        throw new AppError('INVALID_INPUT', `Contact ${contactId} is not in this group.`);
      }
      value = contactId === null ? null : clean(byId.get(contactId)!.fields[field]);
      source = contactId === null ? 'empty everywhere' : personLabel(byId.get(contactId)!);
    }
    if (value !== clean(survivor.fields[field])) {
      patch[field] = value;
      fieldSources[field] = source;
    }
  }
  const multi = buildMulti(data.records, review, choices, survivorship.optOutWins, input.slots);
  if (!sameEmails(multi.emails, survivor.emails)) patch.emails = multi.emails;
  if (!samePhones(multi.phones, survivor.phones)) patch.phones = multi.phones;
  if (!sameAddresses(multi.addresses, survivor.addresses)) patch.addresses = multi.addresses;
  for (const l of multi.limits) {
    if (l.n > l.max)
      guard(
        'too_many_values',
        'block',
        `${l.n} ${l.field} chosen; the CRM holds at most ${l.max}.`,
        `too many ${l.field} for the CRM`,
      );
  }

  const skip = new Set(choices.skipTagIds ?? []);
  const union = [...new Set(data.records.flatMap((r) => r.tagIds))].sort();
  const finalTagIds = union.filter((t) => !skip.has(t));
  const survivorTags = new Set(survivor.tagIds);
  const tagsToApply = finalTagIds.filter((t) => !survivorTags.has(t));
  const tagNames: Record<string, string> = {};
  const accessTagIds: string[] = [];
  for (const t of union) {
    const info = data.tags.get(t) ?? { id: t, name: `Tag ${t}`, category: null };
    tagNames[t] = info.name;
    if (classifyTag(info, access).access) accessTagIds.push(t);
  }
  // A dropped tag is removed from the survivor after the CRM merge, wherever it came from: every member who
  // had an unticked access tag loses it.
  const lostAccess = accessTagIds.filter((t) => skip.has(t));
  if (lostAccess.length > 0) {
    const holders = (t: string) =>
      data.records
        .filter((r) => r.tagIds.includes(t))
        .map(recordLabel)
        .join(' and ');
    guard(
      'access_loss',
      'confirm',
      `${lostAccess.map((t) => `"${tagNames[t]}" (on ${holders(t)})`).join(', ')} is unticked: it is removed from the survivor after the merge, so the member loses that access.`,
      'an access tag is unticked',
    );
  }
  const keepWpId = choices.keepWpId === undefined ? review.wordpress.keepWpId : choices.keepWpId;
  const wpRelinks: PlanWpRelink[] = [];
  const wpLeftLinked: PlanWpRelink[] = [];
  for (const r of data.records) {
    for (const u of r.wpUsers) {
      const item = {
        connectionId: u.connectionId,
        wpId: u.wpId,
        login: u.login,
        fromContactId: r.contactId,
        keep: u.wpId === keepWpId,
      };
      if (r.contactId === survivor.contactId) continue;
      if (item.keep || (choices.otherWpUsers ?? 'relink') === 'relink') wpRelinks.push(item);
      else {
        wpLeftLinked.push(item);
        if (u.hasProgress || u.accessTagNames.length > 0) {
          guard(
            'access_loss',
            'confirm',
            `WordPress login ${u.login} stays linked to ${recordLabel(r)}, which the merge removes: that login loses its access.`,
            'a login would lose its access',
          );
        }
      }
    }
  }
  if (
    keepWpId !== null &&
    keepWpId !== undefined &&
    !data.records.some((r) => r.wpUsers.some((u) => u.wpId === keepWpId))
  ) {
    throw new AppError('INVALID_INPUT', `WordPress user ${keepWpId} is not linked to this group.`);
  }
  const classes = new Map<string, TagClass>();
  for (const [id, t] of data.tags) classes.set(id, classifyTag(t, access));
  for (const f of judgeMerge({
    records: data.records,
    survivorId: survivor.contactId,
    tags: data.tags,
    classes,
    finalTagIds,
    finalEmails: multi.emails,
    wpOnSurvivor: [...survivor.wpUsers.map((u) => u.wpId), ...wpRelinks.map((u) => u.wpId)],
  })) {
    if (f.severity === 'info') notices.push({ code: f.code, message: f.message, short: f.short });
    else guard(f.code, f.severity, f.message, f.short);
  }
  const wpOrdersToRekey = losers.flatMap((l) =>
    l.wpOrders.map((o) => ({ id: o.id, kind: o.kind, fromContactId: l.contactId })),
  );
  const touchesWp = data.records.some((r) => r.wpUsers.length > 0) || wpOrdersToRekey.length > 0;
  if (touchesWp && data.wpConnectionId === null) {
    guard(
      'no_wordpress_client',
      'block',
      'WordPress users or AccessAlly orders are involved but no WordPress connection is configured.',
      'no WordPress connection',
    );
  }

  const loserAction: MergePlan['loserAction'] =
    strategy === 'native' ? 'merge' : (choices.loserAction ?? survivorship.manualLoserAction);
  if (loserAction === 'archive' && !survivorship.archiveTagId) {
    guard(
      'archive_tag_missing',
      'block',
      'Archiving a duplicate needs an archive tag set in Settings → Survivorship.',
      'no archive tag set',
    );
  }

  const plan: MergePlan = {
    version: PLAN_VERSION,
    contactNames: Object.fromEntries(
      data.records.flatMap((r) => {
        const name = personName(r);
        return name ? [[r.contactId, name] as const] : [];
      }),
    ),
    connectionId: data.connectionId,
    wpConnectionId: data.wpConnectionId,
    groupId: data.groupId,
    groupKey: data.groupKey,
    strategy,
    survivorId: survivor.contactId,
    loserIds: losers.map((l) => l.contactId),
    patch: patch as ContactPatch,
    fieldSources,
    finalTagIds,
    tagsToApply,
    skippedTagIds: [...skip].filter((t) => union.includes(t)),
    tagsToRemove: [...skip].filter((t) => (strategy === 'native' ? union.includes(t) : survivorTags.has(t))),
    tagNames,
    accessTagIds,
    crmOrders: losers.flatMap((l) => l.orders.map((o) => ({ id: o.id, fromContactId: l.contactId }))),
    crmSubscriptions: losers.flatMap((l) =>
      l.subscriptions.map((s) => ({ id: s.id, fromContactId: l.contactId })),
    ),
    wpRelinks,
    wpLeftLinked,
    wpOrdersToRekey,
    sequences: choices.sequences ?? [],
    loserAction,
    archiveTagId: loserAction === 'archive' ? survivorship.archiveTagId : null,
    seen: Object.fromEntries(
      data.records.map((r) => [r.contactId, { updatedAt: r.updatedAt, tagIds: [...r.tagIds].sort() }]),
    ),
    guards,
    notices,
    createdAt: input.now,
  };
  return { plan, review };
}

/** The journal's step names in execution order for a plan. Preview and executor share this list. */
export function stepsFor(plan: MergePlan): { name: string; target: string | null }[] {
  const steps: { name: string; target: string | null }[] = [
    { name: 'snapshotted', target: null },
    { name: 'fields_written', target: plan.survivorId },
    { name: 'tags_unioned', target: plan.survivorId },
  ];
  if (plan.strategy === 'native') {
    for (const l of plan.loserIds) steps.push({ name: 'crm_merged', target: l });
  }
  // After the CRM merge, which brings the duplicate's tags back: the tags the reviewer dropped come off last.
  if ((plan.tagsToRemove ?? []).length > 0) steps.push({ name: 'tags_dropped', target: plan.survivorId });
  // What a CRM without a merge keeps apart from the contact, carried over by hand (ActiveCampaign).
  if (plan.extras?.customFields) steps.push({ name: 'custom_fields_written', target: plan.survivorId });
  if (plan.extras && plan.extras.lists.length > 0)
    steps.push({ name: 'lists_merged', target: plan.survivorId });
  for (const a of plan.extras?.automations ?? []) steps.push({ name: 'automation_added', target: a.id });
  // A CRM merge does not carry the duplicate's sequence membership (Keap, per AccessAlly's guidance): both
  // strategies re-add the survivor to the sequences the reviewer chose.
  for (const s of plan.sequences) steps.push({ name: 'sequence_added', target: s.sequenceId });
  steps.push(
    { name: 'wp_relinked', target: null },
    { name: 'orders_rekeyed', target: null },
    { name: 'resynced', target: null },
    { name: 'verified', target: null },
  );
  // The manual strategy retires the duplicates only once everything was read back on the survivor: deletion is
  // the last change to the CRM.
  if (plan.strategy === 'manual') {
    for (const l of plan.loserIds)
      steps.push({ name: plan.loserAction === 'archive' ? 'loser_archived' : 'loser_deleted', target: l });
  }
  steps.push({ name: 'cache_updated', target: null });
  return steps;
}

const fmt = (v: unknown): string => {
  if (v === null || v === undefined) return '(empty)';
  if (Array.isArray(v)) {
    return v
      .map((x: Record<string, unknown>) =>
        'email' in x
          ? String(x.email) + (x.optIn === false ? ' (opted out)' : '')
          : 'number' in x
            ? String(x.number)
            : addressDisplay(x as unknown as CrmAddress),
      )
      .join('; ');
  }
  return `"${String(v)}"`;
};

const LIST_STATUS_WORDS: Readonly<Record<string, string>> = {
  active: 'subscribed',
  unsubscribed: 'unsubscribed',
  unconfirmed: 'unconfirmed',
  bounced: 'bounced',
};

/** A sequence by its name and campaign when the plan was named live; by its ids otherwise (an older plan). */
function sequenceWords(q: MergePlan['sequences'][number]): string {
  if (q.name) return `"${q.name}"${q.campaignName ? ` (campaign "${q.campaignName}")` : ''}`;
  return `${q.sequenceId}${q.campaignId ? ` of campaign ${q.campaignId}` : ''}`;
}

/** Every change in execution order, in words, and what cannot be undone. */
export function previewPlan(plan: MergePlan): PlanPreview {
  const lines: PreviewLine[] = [];
  const add = (step: string, text: string, reversible: boolean) =>
    lines.push({ seq: lines.length + 1, step, text, reversible });
  const who = (id: string) => contactLabel(plan, id);
  const s = who(plan.survivorId);
  const all = [plan.survivorId, ...plan.loserIds].map(who).join(', ');
  add(
    'snapshotted',
    `Re-read ${all} from the CRM${plan.wpConnectionId ? ' and WordPress' : ''}; if anything changed since review, stop and return the group to the queue. Save before-snapshots.`,
    true,
  );
  const fields = Object.entries(plan.patch);
  if (fields.length === 0)
    add('fields_written', `Survivor ${s} already has every chosen value: nothing to write.`, true);
  for (const [k, v] of fields)
    add(
      'fields_written',
      `Write ${fieldLabel(k)} on ${s} = ${fmt(v)} (from ${plan.fieldSources[k] ?? 'every record'})`,
      true,
    );
  const names = (ids: readonly string[]) => ids.map((t) => `"${plan.tagNames[t] ?? t}"`).join(', ');
  if (plan.tagsToApply.length === 0) add('tags_unioned', `Survivor ${s} already carries every tag.`, true);
  else
    add(
      'tags_unioned',
      `Apply ${plural(plan.tagsToApply.length, 'tag')} to ${s}: ${names(plan.tagsToApply)}`,
      true,
    );
  if (plan.skippedTagIds.length > 0)
    add('tags_unioned', `Not applied (unticked by the reviewer): ${names(plan.skippedTagIds)}`, true);
  if (plan.strategy === 'native') {
    plan.loserIds.forEach((l, i) =>
      add(
        'crm_merged',
        `CRM merge ${i + 1}/${plan.loserIds.length}: merge ${who(l)} into ${s} (the CRM moves its tags, orders and subscriptions, then deletes ${who(l)})`,
        false,
      ),
    );
  }
  if ((plan.tagsToRemove ?? []).length > 0)
    add(
      'tags_dropped',
      `Remove the unticked ${(plan.tagsToRemove ?? []).length === 1 ? 'tag' : 'tags'} ${names(plan.tagsToRemove ?? [])} from ${s}${plan.strategy === 'native' ? " (the CRM merge brings the duplicate's tags back, so they come off afterwards)" : ''}`,
      true,
    );
  for (const q of plan.sequences)
    add(
      'sequence_added',
      `Add ${s} to the sequence ${sequenceWords(q)} (a CRM merge does not carry sequences)${q.sendsEmail === false ? '' : ' — it may send emails at once'}`,
      false,
    );
  if (plan.extras?.customFields)
    add(
      'custom_fields_written',
      `Fill ${s}'s empty custom fields from the duplicates (read again when the merge starts)`,
      true,
    );
  for (const l of plan.extras?.lists ?? [])
    add(
      'lists_merged',
      l.status === 'unsubscribed'
        ? `Keep ${s} unsubscribed from the list "${l.name}" (${l.reason})`
        : `Subscribe ${s} to the list "${l.name}" (${l.reason})`,
      true,
    );
  const endsOn = [
    ...(plan.extras?.keptLists ?? []).map((l) => ({ name: l.name, status: l.status })),
    ...(plan.extras?.lists ?? []).map((l) => ({ name: l.name, status: l.status })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  if (plan.extras && endsOn.length > 0)
    add(
      'lists_merged',
      `${s} ends on ${plural(endsOn.length, 'list')}: ${endsOn.map((l) => `"${l.name}" (${LIST_STATUS_WORDS[l.status] ?? l.status})`).join(', ')}`,
      true,
    );
  for (const a of plan.extras?.automations ?? [])
    add(
      'automation_added',
      `Add ${s} to the automation "${a.name}"${a.active ? '' : ' (switched off: it will do nothing)'}${a.sendsEmail === false ? '' : ' — it may send emails at once'}`,
      false,
    );
  for (const u of plan.wpRelinks)
    add(
      'wp_relinked',
      `Relink WordPress user ${u.login} (#${u.wpId}) from ${who(u.fromContactId)} to ${s}${u.keep ? ' — the login that stays the main account' : ''}`,
      true,
    );
  for (const u of plan.wpLeftLinked)
    add(
      'wp_relinked',
      `Leave WordPress user ${u.login} linked to ${who(u.fromContactId)} (that contact is removed)`,
      true,
    );
  if (plan.wpRelinks.length === 0 && plan.wpLeftLinked.length === 0)
    add('wp_relinked', 'No WordPress user to relink.', true);
  const byLoser = new Map<string, string[]>();
  for (const o of plan.wpOrdersToRekey)
    byLoser.set(o.fromContactId, [...(byLoser.get(o.fromContactId) ?? []), `${o.kind} ${o.id}`]);
  for (const [l, list] of byLoser)
    add('orders_rekeyed', `Re-key AccessAlly ${list.join(', ')} from ${who(l)} to ${s}`, true);
  if (byLoser.size === 0) add('orders_rekeyed', 'No AccessAlly order or subscription to re-key.', true);
  if (plan.strategy === 'native' && (plan.crmOrders.length > 0 || plan.crmSubscriptions.length > 0)) {
    add(
      'orders_rekeyed',
      `CRM orders ${plan.crmOrders.map((o) => o.id).join(', ') || '—'} and subscriptions ${plan.crmSubscriptions.map((o) => o.id).join(', ') || '—'} move to ${s} with the CRM merge`,
      false,
    );
  }
  if (plan.strategy === 'manual') {
    const stranded = [...plan.crmOrders, ...plan.crmSubscriptions];
    if (stranded.length > 0)
      add(
        'orders_rekeyed',
        `The CRM API cannot move orders/subscriptions ${stranded.map((o) => o.id).join(', ')}: they stay on the duplicate's id`,
        false,
      );
  }
  const kept = plan.wpRelinks.filter((u) => u.keep);
  add(
    'resynced',
    kept.length > 0
      ? `Ask AccessAlly to refresh ${kept.map((u) => u.login).join(', ')} from the CRM`
      : 'No WordPress user to resync.',
    true,
  );
  add(
    'verified',
    `Read back ${s}, ${plan.loserIds.map(who).join(', ')}, the WordPress users and AccessAlly orders; check every tag, order and link landed.`,
    true,
  );
  if (plan.strategy === 'manual') {
    for (const l of plan.loserIds) {
      if (plan.loserAction === 'archive')
        add(
          'loser_archived',
          `Tag ${who(l)} with the archive tag "${plan.tagNames[plan.archiveTagId ?? ''] ?? 'set in Settings'}" (kept in the CRM)`,
          true,
        );
      else
        add(
          'loser_deleted',
          `Only now, with everything verified on ${s}: delete ${who(l)} from the CRM. This cannot be undone beyond the before-snapshot.`,
          false,
        );
    }
  }
  add('cache_updated', 'Update the local cache and mark the group merged.', true);

  const irreversible: string[] = [];
  if (plan.strategy === 'native' || plan.loserAction === 'delete') {
    irreversible.push(
      `The ${plan.loserIds.length === 1 ? 'contact id' : 'contact ids'} of ${plan.loserIds.map(who).join(', ')} cannot come back: a restore creates new contacts with new ids.`,
    );
    irreversible.push(
      'Email engagement history and notes of the removed contacts do not come back with a restore.',
    );
  }
  if (plan.strategy === 'native' && (plan.crmOrders.length > 0 || plan.crmSubscriptions.length > 0)) {
    irreversible.push('Orders and subscriptions the CRM moves to the survivor stay there after a restore.');
  }
  if (plan.tagsToApply.length > 0)
    irreversible.push('Automations started by applying tags cannot be undone.');
  const emailing = (plan.extras?.automations ?? []).filter((a) => a.active && a.sendsEmail !== false);
  if (emailing.length > 0)
    irreversible.push(
      `Emails the ${emailing.length === 1 ? 'automation' : 'automations'} ${emailing.map((a) => `"${a.name}"`).join(', ')} send after ${s} is added cannot be unsent.`,
    );
  const emailingSequences = plan.sequences.filter((q) => q.sendsEmail !== false);
  if (emailingSequences.length > 0)
    irreversible.push(
      `Emails the ${emailingSequences.length === 1 ? 'sequence' : 'sequences'} ${emailingSequences.map(sequenceWords).join(', ')} send after ${s} is added cannot be unsent.`,
    );
  return { lines, irreversible, guards: plan.guards, notices: plan.notices ?? [], steps: stepsFor(plan) };
}

/** Throws GUARD_REFUSED when a blocking guard stands or a confirmable one was not confirmed. */
export function assertGuards(plan: MergePlan, confirmed: readonly GuardCode[]): void {
  const blocking = plan.guards.filter((g) => g.severity === 'block');
  const unconfirmed = plan.guards.filter((g) => g.severity === 'confirm' && !confirmed.includes(g.code));
  if (blocking.length > 0 || unconfirmed.length > 0) {
    throw new AppError(
      'GUARD_REFUSED',
      blocking.length > 0
        ? `This merge cannot run: ${blocking.map((g) => g.message).join(' ')}`
        : `This merge needs explicit confirmation: ${unconfirmed.map((g) => g.message).join(' ')}`,
      { guards: [...blocking, ...unconfirmed] },
    );
  }
}
