import type { CrmEmail } from '../ports/crm';
import type { CachedRecord } from './cache-reader';
import type { TagClass, TagInfo } from './tag-rules';
import type { GuardCode } from './types';

/**
 * What a merge changes for the people involved, judged before vs after: a guard ('confirm' or 'block') when the
 * merge itself changes what someone ends with, information ('info') when the state already existed on the record
 * that stays. The review, the plan preview, the lane reason and the batch summary all show these same words.
 */
export interface Finding {
  readonly code: GuardCode;
  readonly severity: 'block' | 'confirm' | 'info';
  /** The full sentence, with tag names and contact names. */
  readonly message: string;
  /** A few words for a one-line reason: "opt-out on one record". */
  readonly short: string;
}

export interface JudgeInput {
  readonly records: readonly CachedRecord[];
  readonly survivorId: string;
  readonly tags: ReadonlyMap<string, TagInfo>;
  readonly classes: ReadonlyMap<string, TagClass>;
  /** The survivor's tags once every step has run (union minus the tags the reviewer dropped). */
  readonly finalTagIds: readonly string[];
  /** The survivor's email addresses once the merge has run, with their consent. */
  readonly finalEmails: readonly CrmEmail[];
  /** WordPress logins that end linked to the survivor (by id). */
  readonly wpOnSurvivor: readonly number[];
}

/** "Jane Doe (#1002)": the name a person knows, with the id beside it. */
export function recordLabel(r: CachedRecord): string {
  const name = [r.fields.givenName, r.fields.familyName]
    .map((v) => (v ?? '').trim())
    .filter(Boolean)
    .join(' ');
  return name ? `${name} (#${r.contactId})` : `#${r.contactId}`;
}

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
const emailKeyOf = (e: CrmEmail) => e.email.trim().toLowerCase();

function isActive(status: string | null): boolean {
  return /^(active|trial|trialing|current|paid)$/i.test((status ?? '').trim());
}

/**
 * Access against revoke, per member: a member is a WordPress login linked to a record of the group, or — when no
 * login is linked — the record that stays (the contact a future login reads). The member's "before" is the tags
 * of the record it is linked to; its "after" is the survivor's final tags. An access/revoke pair in the after that
 * the member's record already carried is information; any other pair is a change the merge makes.
 */
function judgeAccess(input: JudgeInput, out: Finding[]): void {
  const { records, classes, tags } = input;
  const name = (t: string) => tags.get(t)?.name ?? `Tag ${t}`;
  const after = [...new Set(input.finalTagIds)];
  const accessAfter = after.filter((t) => classes.get(t)?.access);
  const revokeAfter = after.filter((t) => classes.get(t)?.revoke);
  if (accessAfter.length === 0 || revokeAfter.length === 0) return;
  const byId = new Map(records.map((r) => [r.contactId, r] as const));
  const survivor = byId.get(input.survivorId)!;
  const onSurvivor = new Set(input.wpOnSurvivor);
  const members: { who: string; record: CachedRecord }[] = [];
  for (const r of records)
    for (const u of r.wpUsers)
      if (onSurvivor.has(u.wpId)) members.push({ who: `${recordLabel(r)}'s login ${u.login}`, record: r });
  if (members.length === 0)
    members.push({ who: `${recordLabel(survivor)}, the record that stays,`, record: survivor });
  const holders = (t: string) =>
    records
      .filter((r) => r.tagIds.includes(t))
      .map(recordLabel)
      .join(' and ');

  for (const m of members) {
    const had = new Set(m.record.tagIds);
    const hadAccess = accessAfter.filter((t) => had.has(t));
    const hadRevoke = revokeAfter.filter((t) => had.has(t));
    const newRevoke = revokeAfter.filter((t) => !had.has(t));
    const newAccess = accessAfter.filter((t) => !had.has(t));
    if (hadAccess.length > 0 && hadRevoke.length === 0 && newRevoke.length > 0) {
      out.push({
        code: 'access_conflict',
        severity: 'confirm',
        short: `revoke tag ${quoted(newRevoke.map(name))} would land on a member's access`,
        message: `${m.who} has ${quoted(hadAccess.map(name))} and no revoke tag today; after the merge it also carries ${newRevoke.map((t) => `"${name(t)}" (from ${holders(t)})`).join(', ')}: check which one the site honours.`,
      });
    } else if (hadRevoke.length > 0 && newAccess.length > 0) {
      out.push({
        code: 'access_conflict',
        severity: 'confirm',
        short: `access tag ${quoted(newAccess.map(name))} would meet a revoke tag`,
        message: `${m.who} carries ${quoted(hadRevoke.map(name))} today; the merge adds ${newAccess.map((t) => `"${name(t)}" (from ${holders(t)})`).join(', ')} next to it: check which one the site honours.`,
      });
    } else if (hadAccess.length > 0 && hadRevoke.length > 0) {
      out.push({
        code: 'access_conflict',
        severity: 'info',
        short: 'access and revoke tags already on the kept record',
        message: `${m.who} already carries ${quoted(hadAccess.map(name))} and ${quoted(hadRevoke.map(name))}; the merge does not change that.`,
      });
    } else if (newRevoke.length > 0 && hadAccess.length === 0 && newAccess.length > 0) {
      // Neither tag was on this member's record: both come from elsewhere, which is still a change for it.
      out.push({
        code: 'access_conflict',
        severity: 'confirm',
        short: `access and revoke tags would meet on one member`,
        message: `${m.who} gains ${quoted(newAccess.map(name))} and ${quoted(newRevoke.map(name))} from the other records: check which one the site honours.`,
      });
    }
  }
}

/**
 * Consent per email address: each record's consent for an address before, against the survivor's after. An
 * address opted in on one record that ends opted out, or an opt-out that ends opted in or disappears with a
 * removed duplicate, is a change. Records that differ only because they opted in or out on different addresses
 * keep each address's own consent: information.
 */
function judgeConsent(input: JudgeInput, out: Finding[]): void {
  const after = new Map(input.finalEmails.map((e) => [emailKeyOf(e), e] as const));
  let changed = false;
  for (const key of new Set(input.records.flatMap((r) => r.emails.map(emailKeyOf)))) {
    const holders = input.records.flatMap((r) =>
      r.emails
        .filter((e) => emailKeyOf(e) === key)
        .map((e) => ({ r, optIn: e.optIn ?? null, email: e.email })),
    );
    const optedIn = holders.filter((h) => h.optIn === true);
    const optedOut = holders.filter((h) => h.optIn === false);
    const end = after.get(key);
    const address = holders[0]!.email.trim();
    const names = (list: typeof holders) => [...new Set(list.map((h) => recordLabel(h.r)))].join(' and ');
    if (optedOut.length > 0 && (!end || end.optIn !== false)) {
      changed = true;
      out.push({
        code: 'consent_conflict',
        severity: 'confirm',
        short: 'an opt-out would be lost',
        message: end
          ? `${address} is opted out on ${names(optedOut)}, but the survivor would keep it opted in: that opt-out would be lost.`
          : `${address} is opted out on ${names(optedOut)} and is not kept on the survivor: that opt-out would be lost with the duplicate.`,
      });
    } else if (optedIn.length > 0 && end && end.optIn === false) {
      changed = true;
      out.push({
        code: 'consent_conflict',
        severity: 'confirm',
        short: 'opt-out on one record',
        message: `${address} is opted in on ${names(optedIn)} but opted out on ${names(optedOut)}: the opt-out wins, so the survivor stops receiving marketing email at that address.`,
      });
    }
  }
  const levels = input.records.map((r) => r.emailOptIn).filter((v): v is boolean => v !== null);
  if (!changed && levels.includes(true) && levels.includes(false)) {
    const ins = input.records.filter((r) => r.emailOptIn === true).map(recordLabel);
    const outs = input.records.filter((r) => r.emailOptIn === false).map(recordLabel);
    out.push({
      code: 'consent_conflict',
      severity: 'info',
      short: 'consent differs by address',
      message: `${ins.join(' and ')} opted in and ${outs.join(' and ')} opted out, on different addresses: each address keeps its own consent.`,
    });
  }
}

/** Billing: active subscriptions that sat on different records end on one person. */
function judgeBilling(input: JudgeInput, out: Finding[]): void {
  const active = input.records.map((r) => {
    const crm = r.subscriptions.filter((s) => s.active).map((s) => s.title ?? `subscription ${s.id}`);
    // AccessAlly mirrors the CRM's subscriptions; count its own only when the CRM shows none for the record.
    const wp =
      crm.length > 0
        ? []
        : r.wpOrders
            .filter((o) => o.kind === 'subscription' && isActive(o.status))
            .map((o) => o.title ?? `subscription ${o.id}`);
    return { r, titles: [...crm, ...wp] };
  });
  const holders = active.filter((a) => a.titles.length > 0);
  if (holders.length >= 2) {
    out.push({
      code: 'two_active_subscriptions',
      severity: 'confirm',
      short: 'two active subscriptions',
      message: `${holders.map((h) => `${recordLabel(h.r)} pays for ${quoted(h.titles)}`).join(' and ')}, all active: after the merge one person holds them all and may be billed twice.`,
    });
  } else if (holders.length === 1 && holders[0]!.titles.length >= 2) {
    out.push({
      code: 'two_active_subscriptions',
      severity: 'info',
      short: 'several subscriptions already on one record',
      message: `${recordLabel(holders[0]!.r)} already has ${holders[0]!.titles.length} active subscriptions (${quoted(holders[0]!.titles)}); the merge does not add one.`,
    });
  }
}

/** Two WordPress logins with course progress: only one stays the member's main account. */
function judgeLogins(input: JudgeInput, out: Finding[]): void {
  const withProgress = input.records.flatMap((r) =>
    r.wpUsers.filter((u) => u.hasProgress).map((u) => `${u.login} (${recordLabel(r)})`),
  );
  if (withProgress.length >= 2) {
    out.push({
      code: 'two_wp_users_with_progress',
      severity: 'confirm',
      short: 'two logins with course progress',
      message: `${withProgress.length} WordPress logins hold course progress (${withProgress.join(', ')}); only one can stay the member's main account.`,
    });
  }
}

/** Every finding about what the merge changes for access, consent, billing and logins. Pure. */
export function judgeMerge(input: JudgeInput): Finding[] {
  const out: Finding[] = [];
  judgeAccess(input, out);
  judgeConsent(input, out);
  judgeBilling(input, out);
  judgeLogins(input, out);
  return out;
}

/** The one-line reason a guarded group carries in the queue and the batch summary. */
export function needsChoiceReason(findings: readonly { readonly short: string }[]): string {
  return `needs a choice: ${[...new Set(findings.map((f) => f.short))].join('; ')}`;
}

/**
 * The survivor's consent for one address carried by several records: with "opt-out wins" any opt-out wins;
 * otherwise the first holder's. Unknown when no holder says.
 */
export function mergedOptIn(
  holders: readonly { readonly optIn?: boolean | null | undefined }[],
  optOutWins: boolean,
): boolean | null {
  const known = holders.map((h) => h.optIn).filter((v): v is boolean => typeof v === 'boolean');
  if (known.length === 0) return null;
  return optOutWins ? !known.includes(false) : (holders[0]!.optIn ?? null);
}
