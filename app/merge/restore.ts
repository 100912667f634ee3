import type { CoreContext } from '../context/context';
import { AppError, isAppError, toErrorShape } from '../domain/errors';
import { isoNow } from '../ports/clock';
import type { ContactPatch, CrmClient, CrmContact } from '../ports/crm';
import type { WordPressClient, WpMember } from '../ports/wordpress';
import { ContactsRepo } from '../store/contacts-repo';
import { WpUsersRepo } from '../store/wp-users-repo';
import { ClaimStore, isClaimLost, type Claim } from '../workspace/claims';
import { CacheReader } from './cache-reader';
import { crmClientFor, wordPressClientFor } from './clients';
import { customFieldFill, patchApplied, runBusyMessage, runResource, type RecordSnapshot } from './executor';
import type { MergeJournal, RunRow, StepRow } from './journal';
import { journalFor } from './service';

export interface RestorePreview {
  readonly runId: string;
  readonly possible: boolean;
  readonly reason: string | null;
  readonly willDo: readonly string[];
  readonly cannotReturn: readonly string[];
}

/** One WordPress member after the restore, read back from both sides: what access they have now. */
export interface MemberAccess {
  readonly wpId: number;
  readonly login: string;
  readonly displayName: string | null;
  /** The contact the member is linked to now, as WordPress reports it. */
  readonly contactId: string | null;
  readonly contactName: string | null;
  /** AccessAlly's tags on the member now, by name. */
  readonly accessTags: readonly string[];
  /** The same tags before the merge (from the snapshot). */
  readonly accessBefore: readonly string[];
  /** Tags the linked CRM contact carries now, by name. */
  readonly crmTags: readonly string[];
  /** Access the member had before the merge and does not have now. */
  readonly missing: readonly string[];
  readonly ok: boolean;
}

export interface RestoreResult {
  readonly runId: string;
  readonly recreated: readonly { readonly oldId: string; readonly newId: string }[];
  readonly unarchived: readonly string[];
  readonly survivorFieldsRestored: readonly string[];
  readonly tagsRemovedFromSurvivor: readonly string[];
  /** List subscriptions set again on recreated contacts, with their status. */
  readonly listsRestored: readonly {
    readonly contactId: string;
    readonly listId: string;
    readonly status: string;
  }[];
  readonly relinked: readonly { readonly wpId: number; readonly contactId: string }[];
  /** Every member the merge touched, with the access they have now. */
  readonly members: readonly MemberAccess[];
  /** What the read-back found wrong; empty when both sides agree with the snapshots. */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

const RESTORABLE = new Set(['completed', 'failed', 'interrupted']);

function load(ctx: CoreContext, runId: string) {
  const journal = journalFor(ctx);
  const run = journal.run(runId);
  if (!run) throw new AppError('NOT_FOUND', `Merge run ${runId} does not exist.`);
  const snaps = new Map(
    journal
      .snapshots(runId)
      .filter((s) => s.kind === 'record')
      .map((s) => [s.ref, s.data as RecordSnapshot] as const),
  );
  return { journal, run, snaps };
}

/** What a restore will do and, up front, what it cannot bring back. */
export function restorePreview(ctx: CoreContext, runId: string): RestorePreview {
  const { run, snaps } = load(ctx, runId);
  const plan = run.plan;
  const cannotReturn: string[] = [];
  const willDo: string[] = [];
  let reason: string | null = null;
  if (!RESTORABLE.has(run.status))
    reason = `The run is ${run.status}; only a finished or stopped merge can be restored.`;
  else if (snaps.size === 0)
    reason = 'The run stopped before its before-snapshots were taken: nothing changed.';
  if (plan.loserAction === 'archive') {
    for (const l of plan.loserIds) willDo.push(`Remove the archive tag from #${l}`);
  } else {
    for (const l of plan.loserIds) {
      const snap = snaps.get(l);
      const fields = Object.keys(snap?.customFields ?? {}).length;
      const lists = restorableLists(snap);
      willDo.push(
        `Create a new contact from the snapshot of #${l}${fields ? ` with its ${fields} custom field value(s)` : ''}, re-apply its ${snap?.tagIds.length ?? 0} tag(s)${lists.length ? ` and its ${lists.length} list subscription(s) with their status` : ''}`,
      );
      for (const m of snap?.wpMembers ?? [])
        willDo.push(
          `Relink WordPress user ${m.login} to the new contact and refresh their access (${m.accessTags.map((t) => t.name).join(', ') || 'no access tags'} before the merge)`,
        );
      const lost = unrestorableLists(snap);
      if (lost.length)
        cannotReturn.push(
          `The ${lost.map((m) => `${m.status} status on list ${listName(plan, m.listId)}`).join(', ')} of #${l}: the API only subscribes or unsubscribes.`,
        );
      const automations = snap?.automations ?? [];
      if (automations.length)
        cannotReturn.push(
          `The automation history of #${l} (${automations.map((a) => `${automationName(plan, a.automationId)}, ${a.status}`).join('; ')}): the new contact is not put back in them, since adding it would start them again.`,
        );
    }
    cannotReturn.push(
      `The original contact id(s) ${plan.loserIds.map((l) => `#${l}`).join(', ')}: new contacts get new ids.`,
    );
    cannotReturn.push('Email engagement history, notes and automation progress of the removed contacts.');
  }
  const patched = Object.keys(plan.patch);
  if (patched.length) willDo.push(`Put back the survivor's previous ${patched.join(', ')}`);
  if (plan.extras?.customFields)
    willDo.push('Empty the survivor custom fields the merge filled from the duplicates');
  if (plan.extras?.lists.length)
    cannotReturn.push(
      `The survivor's list subscriptions from the merge (${plan.extras.lists.map((l) => `${l.name}: ${l.status}`).join(', ')}) stay as they are.`,
    );
  if (plan.extras?.automations.length)
    cannotReturn.push(
      `The survivor stays in the automation(s) the merge added it to (${plan.extras.automations.map((a) => a.name).join(', ')}); what they sent is sent.`,
    );
  willDo.push('Remove from the survivor the tags it gained from the merge');
  willDo.push('Read both sides back and report the access every member has now');
  if (plan.crmOrders.length || plan.crmSubscriptions.length) {
    cannotReturn.push(
      `CRM orders/subscriptions ${[...plan.crmOrders, ...plan.crmSubscriptions].map((o) => o.id).join(', ')} stay on #${plan.survivorId}.`,
    );
  }
  if (plan.wpOrdersToRekey.length) {
    cannotReturn.push(
      `AccessAlly orders ${plan.wpOrdersToRekey.map((o) => o.id).join(', ')} stay on #${plan.survivorId}.`,
    );
  }
  cannotReturn.push('Automations that tags started during the merge.');
  return { runId, possible: reason === null, reason, willDo, cannotReturn };
}

interface Step {
  readonly name: string;
  readonly target: string | null;
}

/** The restore's steps, in order; each is journaled like a merge step so a killed restore resumes. */
function restoreSteps(run: RunRow, snaps: ReadonlyMap<string, RecordSnapshot>): Step[] {
  const plan = run.plan;
  const steps: Step[] = [];
  // A CRM with unique emails (ActiveCampaign) refuses to recreate a duplicate whose address the survivor took in
  // the merge: without a CRM merge, the survivor gets its own values back first.
  const survivorFirst = plan.strategy === 'manual';
  if (survivorFirst) steps.push({ name: 'survivor_fields_restored', target: plan.survivorId });
  for (const l of plan.loserIds) {
    if (!snaps.has(l)) continue;
    if (plan.loserAction === 'archive') steps.push({ name: 'unarchived', target: l });
    else {
      steps.push({ name: 'contact_recreated', target: l });
      steps.push({ name: 'tags_reapplied', target: l });
      if (restorableLists(snaps.get(l)).length > 0) steps.push({ name: 'lists_restored', target: l });
      if ((snaps.get(l)?.wpMembers.length ?? 0) > 0) steps.push({ name: 'members_relinked', target: l });
    }
  }
  if (!survivorFirst) steps.push({ name: 'survivor_fields_restored', target: plan.survivorId });
  if (plan.extras?.customFields)
    steps.push({ name: 'survivor_custom_fields_restored', target: plan.survivorId });
  steps.push({ name: 'survivor_tags_removed', target: plan.survivorId });
  steps.push({ name: 'members_resynced', target: null });
  steps.push({ name: 'verified', target: null });
  steps.push({ name: 'cache_updated', target: null });
  return steps;
}

const fullName = (c: CrmContact | null | undefined) =>
  c ? [c.givenName, c.familyName].filter(Boolean).join(' ').trim() || null : null;

class RestoreRun {
  private readonly plan: RunRow['plan'];
  private readonly wpOptional: WordPressClient | null;

  constructor(
    private readonly ctx: CoreContext,
    private readonly journal: MergeJournal,
    private readonly run: RunRow,
    private readonly snaps: ReadonlyMap<string, RecordSnapshot>,
    private readonly crm: CrmClient,
    wp: WordPressClient | null,
    private readonly claim: Claim,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.plan = run.plan;
    this.wpOptional = wp;
  }

  private get wp(): WordPressClient {
    if (!this.wpOptional) throw new AppError('UNSUPPORTED', 'No WordPress connector is available.');
    return this.wpOptional;
  }

  private done(name: string, target: string | null = null): StepRow | undefined {
    return this.journal
      .restoreSteps(this.run.id)
      .find((s) => s.name === name && s.target === target && s.status === 'done');
  }

  /** The new id of a recreated loser, from the journal. */
  newIdOf(loser: string): string | null {
    const r = this.done('contact_recreated', loser)?.response as { newId?: string } | undefined;
    return r?.newId ?? null;
  }

  async execute(): Promise<void> {
    for (const step of this.journal.restoreSteps(this.run.id)) {
      if (step.status === 'done') continue;
      this.signal?.throwIfAborted();
      this.claim.assertHeld('this restore');
      this.journal.restoreStepIntent(this.run.id, step.seq, { step: step.name, target: step.target });
      try {
        const result = await this.act(step);
        this.claim.assertHeld('this restore');
        this.journal.restoreStepDone(this.run.id, step.seq, result.response, () => {
          result.commit?.();
          this.journal.audit(
            `restore.step.${step.name}`,
            this.plan.connectionId,
            this.run.id,
            step.target ?? this.plan.survivorId,
            step.name === 'verified' ? { ok: true } : result.response,
          );
        });
      } catch (error) {
        if (isClaimLost(error)) throw error;
        try {
          this.claim.assertHeld('this restore');
          this.journal.restoreStepFailed(this.run.id, step.seq, toErrorShape(error));
        } catch {
          // The database went away with the process; the journal still says 'running'.
        }
        throw error;
      }
    }
  }

  private async act(step: StepRow): Promise<{ response: unknown; commit?: () => void }> {
    const { crm, signal, plan } = this;
    const s = plan.survivorId;
    switch (step.name) {
      case 'unarchived': {
        const l = step.target!;
        if (plan.archiveTagId && (await crm.getContactTagIds(l, signal)).includes(plan.archiveTagId))
          await crm.removeTags(l, [plan.archiveTagId], signal);
        return { response: { unarchived: l } };
      }
      case 'contact_recreated':
        return this.recreate(step);
      case 'tags_reapplied': {
        const l = step.target!;
        const id = this.newIdOf(l) ?? l;
        const want = this.snaps.get(l)?.tagIds ?? [];
        const have = new Set(await crm.getContactTagIds(id, signal));
        const missing = want.filter((t) => !have.has(t));
        if (missing.length) await crm.applyTags(id, missing, signal);
        return { response: { contactId: id, applied: missing } };
      }
      case 'lists_restored': {
        const l = step.target!;
        const id = this.newIdOf(l) ?? l;
        if (!crm.getContactLists || !crm.setListStatus)
          throw new AppError('UNSUPPORTED', 'This CRM connector has no mailing lists to restore.');
        const have = new Map(
          (await crm.getContactLists(id, signal)).map((m) => [m.listId, m.status] as const),
        );
        const set: { listId: string; status: string }[] = [];
        for (const m of restorableLists(this.snaps.get(l))) {
          if (have.get(m.listId) === m.status) continue;
          await crm.setListStatus(id, m.listId, m.status, signal);
          set.push({ listId: m.listId, status: m.status });
        }
        return { response: { contactId: id, lists: set } };
      }
      case 'survivor_custom_fields_restored': {
        const before = this.snaps.get(s)?.customFields ?? {};
        const current = await crm.getContact(s, signal);
        if (!current) throw new AppError('NOT_FOUND', `The survivor #${s} no longer exists in the CRM.`);
        // Only the values the merge filled (empty before it) are emptied again; anything set since stays.
        const filled = filledByMerge(this.snaps, plan, before);
        const clear = Object.fromEntries(
          Object.entries(filled)
            .filter(([field, value]) => current.customFields?.[field] === value)
            .map(([field]) => [field, null]),
        );
        if (Object.keys(clear).length === 0) return { response: { already: true, customFields: [] } };
        await crm.updateContact(s, { customFields: clear }, signal);
        return { response: { customFields: Object.keys(clear) } };
      }
      case 'members_relinked': {
        const l = step.target!;
        const id = this.newIdOf(l) ?? l;
        const out: { wpId: number; contactId: string; already?: boolean }[] = [];
        for (const m of this.snaps.get(l)?.wpMembers ?? []) {
          const now = await this.wp.getMember(m.wpId, signal);
          if (!now) throw new AppError('NOT_FOUND', `WordPress user ${m.login} no longer exists.`);
          if (now.linkedContactId === id) out.push({ wpId: m.wpId, contactId: id, already: true });
          else {
            await this.wp.relinkMember(m.wpId, id, signal);
            out.push({ wpId: m.wpId, contactId: id });
          }
        }
        return { response: { relinked: out } };
      }
      case 'survivor_fields_restored': {
        const before = this.snaps.get(s)?.contact;
        const fields = Object.keys(plan.patch);
        if (!before || fields.length === 0) return { response: { skipped: 'no field was changed' } };
        const back: Record<string, unknown> = {};
        for (const k of fields) back[k] = (before as unknown as Record<string, unknown>)[k] ?? null;
        const current = await crm.getContact(s, signal);
        if (current && patchApplied(current, back as ContactPatch))
          return { response: { already: true, fields } };
        await crm.updateContact(s, back as ContactPatch, signal);
        return { response: { written: fields } };
      }
      case 'survivor_tags_removed': {
        const before = new Set(this.snaps.get(s)?.tagIds ?? []);
        const gained = plan.finalTagIds.filter((t) => !before.has(t));
        const have = new Set(await crm.getContactTagIds(s, signal));
        const present = gained.filter((t) => have.has(t));
        if (present.length) await crm.removeTags(s, present, signal);
        return { response: { removed: gained } };
      }
      case 'members_resynced': {
        if (!this.wpOptional) return { response: { skipped: 'no WordPress connection' } };
        const ids = this.memberIds();
        // A resync re-reads the CRM into AccessAlly, so repeating it after a crash changes nothing.
        for (const id of ids) await this.wp.resyncMember(id, signal);
        return { response: { resynced: ids } };
      }
      case 'verified':
        return { response: await this.verify() };
      case 'cache_updated':
        return this.cache();
      default:
        throw new AppError('INTERNAL', `Unknown restore step ${step.name}.`);
    }
  }

  private memberIds(): number[] {
    const ids = new Set<number>();
    for (const snap of this.snaps.values()) for (const m of snap.wpMembers) ids.add(m.wpId);
    return [...ids];
  }

  /**
   * Creates the contact again, unless an earlier attempt already did (the process died after the CRM answered):
   * a contact with the snapshot's email that did not exist before the attempt is that contact.
   */
  private async recreate(step: StepRow): Promise<{ response: unknown }> {
    const l = step.target!;
    const snap = this.snaps.get(l)!;
    const c = snap.contact;
    if ((await this.crm.getContact(l, this.signal)) !== null)
      return { response: { oldId: l, newId: l, note: `#${l} still exists; nothing to recreate.` } };
    if (step.attempts > 0 && step.startedAt) {
      const found = await this.findCreatedSince(snap, step.startedAt);
      if (found) return { response: { oldId: l, newId: found, found: true } };
    }
    if (!this.crm.createContact)
      throw new AppError(
        'UNSUPPORTED',
        'This CRM connector cannot create contacts, so a restore is not possible.',
      );
    const created = await this.crm.createContact(
      {
        givenName: c.givenName ?? null,
        middleName: c.middleName ?? null,
        familyName: c.familyName ?? null,
        prefix: c.prefix ?? null,
        suffix: c.suffix ?? null,
        company: c.company ?? null,
        jobTitle: c.jobTitle ?? null,
        birthday: c.birthday ?? null,
        emails: c.emails,
        phones: c.phones,
        addresses: c.addresses,
        ...(snap.customFields && Object.keys(snap.customFields).length
          ? { customFields: snap.customFields }
          : {}),
      },
      this.signal,
    );
    return { response: { oldId: l, newId: created.id } };
  }

  private async findCreatedSince(snap: RecordSnapshot, since: string): Promise<string | null> {
    const email = snap.contact.emails[0]?.email.trim().toLowerCase();
    if (!email) return null;
    const known = new Set([this.plan.survivorId, ...this.plan.loserIds]);
    const from = new Date(Date.parse(since) - 60_000).toISOString();
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await this.crm.listContacts({
        cursor,
        updatedSince: from,
        ...(this.signal ? { signal: this.signal } : {}),
      });
      for (const x of res.items) {
        if (known.has(x.id)) continue;
        if (x.emails.some((e) => e.email.trim().toLowerCase() === email)) return x.id;
      }
      if (!res.nextCursor) return null;
      cursor = res.nextCursor;
    }
    return null;
  }

  /** Reads both sides back: the recreated contacts' tags in the CRM, each member's link and tags on WordPress. */
  private async verify(): Promise<{ members: MemberAccess[]; problems: string[] }> {
    const { crm, signal, plan } = this;
    const problems: string[] = [];
    const reader = new CacheReader(this.ctx.workspace.db);
    const names = (ids: readonly string[]) =>
      [...reader.tagInfo(plan.connectionId, ids).values()].map((t) => t.name);
    for (const l of plan.loserIds) {
      const snap = this.snaps.get(l);
      if (!snap || plan.loserAction === 'archive') continue;
      const id = this.newIdOf(l);
      if (!id) continue;
      const have = new Set(await crm.getContactTagIds(id, signal));
      const missing = snap.tagIds.filter((t) => !have.has(t));
      if (missing.length) problems.push(`#${id} (recreated #${l}) lacks ${names(missing).join(', ')}`);
      if (id === l) continue;
      const now = await crm.getContact(id, signal);
      if (!now) {
        problems.push(`#${id} (recreated #${l}) cannot be read back`);
        continue;
      }
      const c = snap.contact;
      if (
        !patchApplied(now, {
          givenName: c.givenName,
          familyName: c.familyName,
          emails: c.emails,
          phones: c.phones,
        })
      )
        problems.push(`#${id} (recreated #${l}) has other names, email or phone than the snapshot`);
      const lostFields = Object.entries(snap.customFields ?? {}).filter(
        ([field, value]) => (now.customFields?.[field] ?? '') !== value,
      );
      if (lostFields.length)
        problems.push(
          `#${id} (recreated #${l}) lacks custom field value(s) ${lostFields.map(([f]) => f).join(', ')}`,
        );
      const lists = restorableLists(snap);
      if (lists.length && crm.getContactLists) {
        const on = new Map((await crm.getContactLists(id, signal)).map((m) => [m.listId, m.status] as const));
        for (const m of lists)
          if (on.get(m.listId) !== m.status)
            problems.push(
              `#${id} (recreated #${l}) is ${on.get(m.listId) ?? 'not'} on list ${listName(plan, m.listId)}, not ${m.status}`,
            );
      }
    }
    const members: MemberAccess[] = [];
    if (this.wpOptional) {
      for (const [owner, snap] of this.snaps) {
        for (const before of snap.wpMembers) {
          const expected =
            owner === plan.survivorId || plan.loserAction === 'archive'
              ? owner
              : (this.newIdOf(owner) ?? owner);
          const now: WpMember | null = await this.wp.getMember(before.wpId, signal);
          const contactId = now?.linkedContactId ?? null;
          const contact = contactId ? await crm.getContact(contactId, signal) : null;
          const crmTagIds = contactId && contact ? await crm.getContactTagIds(contactId, signal) : [];
          const nowTags = new Set((now?.accessTags ?? []).map((t) => t.id));
          const missing = before.accessTags.filter((t) => !nowTags.has(t.id)).map((t) => t.name);
          const label = before.displayName ? `${before.displayName} (${before.login})` : before.login;
          if (!now) problems.push(`WordPress user ${label} no longer exists`);
          else if (contactId !== expected)
            problems.push(
              `WordPress user ${label} is linked to ${contactId ? `#${contactId}` : 'no contact'}, not #${expected}`,
            );
          if (missing.length) problems.push(`WordPress user ${label} lacks ${missing.join(', ')}`);
          members.push({
            wpId: before.wpId,
            login: before.login,
            displayName: before.displayName,
            contactId,
            contactName: fullName(contact),
            accessTags: (now?.accessTags ?? []).map((t) => t.name),
            accessBefore: before.accessTags.map((t) => t.name),
            crmTags: names(crmTagIds),
            missing,
            ok: Boolean(now) && contactId === expected && missing.length === 0,
          });
        }
      }
    }
    return { members, problems };
  }

  private async cache(): Promise<{ response: unknown; commit: () => void }> {
    const { crm, signal, plan } = this;
    const ids = [plan.survivorId];
    for (const l of plan.loserIds) ids.push(this.newIdOf(l) ?? l);
    const fresh: CrmContact[] = [];
    for (const id of ids) {
      const c = await crm.getContact(id, signal);
      if (c) fresh.push({ ...c, tagIds: await crm.getContactTagIds(id, signal) });
    }
    const members: WpMember[] = [];
    if (this.wpOptional)
      for (const id of this.memberIds()) {
        const m = await this.wp.getMember(id, signal);
        if (m) members.push(m);
      }
    const now = isoNow(this.ctx.clock);
    const db = this.ctx.workspace.db;
    return {
      response: { contacts: fresh.map((c) => c.id), members: members.map((m) => m.wpId) },
      commit: () => {
        new ContactsRepo(db, plan.connectionId).saveContacts(fresh, now);
        if (plan.wpConnectionId && members.length)
          new WpUsersRepo(db).upsertMembers(plan.wpConnectionId, members, now);
      },
    };
  }

  result(notes: readonly string[]): RestoreResult {
    const steps = this.journal.restoreSteps(this.run.id);
    const resp = (name: string) =>
      steps
        .filter((s) => s.name === name && s.status === 'done')
        .map((s) => s.response as Record<string, unknown>);
    const recreated = resp('contact_recreated')
      .filter((r) => r.oldId !== r.newId)
      .map((r) => ({ oldId: String(r.oldId), newId: String(r.newId) }));
    const verified = (resp('verified')[0] ?? { members: [], problems: [] }) as {
      members: MemberAccess[];
      problems: string[];
    };
    return {
      runId: this.run.id,
      recreated,
      unarchived: resp('unarchived').map((r) => String(r.unarchived)),
      survivorFieldsRestored: (resp('survivor_fields_restored')[0]?.written as string[] | undefined) ?? [],
      tagsRemovedFromSurvivor: (resp('survivor_tags_removed')[0]?.removed as string[] | undefined) ?? [],
      listsRestored: resp('lists_restored').flatMap((r) =>
        (r.lists as { listId: string; status: string }[]).map((m) => ({
          contactId: String(r.contactId),
          ...m,
        })),
      ),
      relinked: resp('members_relinked').flatMap((r) =>
        (r.relinked as { wpId: number; contactId: string }[]).map(({ wpId, contactId }) => ({
          wpId,
          contactId,
        })),
      ),
      members: verified.members,
      problems: verified.problems,
      notes: [
        ...resp('contact_recreated')
          .map((r) => r.note)
          .filter((n): n is string => typeof n === 'string'),
        ...notes,
      ],
    };
  }
}

/**
 * Restores a merge from its before-snapshots: recreates removed contacts with their tags, relinks their WordPress
 * members and has AccessAlly resync them, puts the survivor back, then reads both sides back and reports the
 * access every member has now. The run is claimed like a merge and every step is journaled, so a restore killed
 * half-way is resumed by calling this again.
 */
export async function restoreRun(
  ctx: CoreContext,
  runId: string,
  signal?: AbortSignal,
): Promise<RestoreResult> {
  const preview = restorePreview(ctx, runId);
  if (!preview.possible) throw new AppError('CONFLICT', preview.reason ?? 'This run cannot be restored.');
  const claim = await new ClaimStore(ctx.workspace.db, ctx.clock, ctx.host).acquire(
    runResource(runId),
    'restore',
    runBusyMessage,
    signal ? { signal } : {},
  );
  try {
    // Read again under the claim: another process may have finished the restore meanwhile.
    const { journal, run, snaps } = load(ctx, runId);
    if (run.status === 'restored' && run.restoreResult) return run.restoreResult as RestoreResult;
    if (!RESTORABLE.has(run.status))
      throw new AppError(
        'CONFLICT',
        `The run is ${run.status}; only a finished or stopped merge can be restored.`,
      );
    const plan = run.plan;
    const crm = crmClientFor(ctx, plan.connectionId);
    let wp: WordPressClient | null = null;
    if (plan.wpConnectionId) {
      try {
        wp = wordPressClientFor(ctx, plan.wpConnectionId);
      } catch (error) {
        if (!isAppError(error)) throw error;
      }
    }
    const resuming = journal.restoreSteps(runId).length > 0;
    journal.ensureRestoreSteps(runId, restoreSteps(run, snaps));
    journal.audit(
      resuming ? 'restore.resumed' : 'restore.started',
      plan.connectionId,
      runId,
      plan.survivorId,
      {
        willDo: preview.willDo,
      },
    );
    const restore = new RestoreRun(ctx, journal, run, snaps, crm, wp, claim, signal);
    await restore.execute();
    const result = restore.result(preview.cannotReturn.map((c) => `Not restored: ${c}`));
    claim.assertHeld('this restore');
    journal.setRestored(runId, result);
    journal.audit('restore.completed', plan.connectionId, runId, plan.survivorId, result);
    ctx.events.emit('workspace/changed', { reason: 'merge restored' });
    return result;
  } finally {
    claim.release();
  }
}

/** The list statuses the API can set again: a subscription or an unsubscribe. */
function restorableLists(
  snap: RecordSnapshot | undefined,
): { listId: string; status: 'active' | 'unsubscribed' }[] {
  return (snap?.lists ?? []).flatMap((m) =>
    m.status === 'active' || m.status === 'unsubscribed' ? [{ listId: m.listId, status: m.status }] : [],
  );
}

/** Unconfirmed and bounced: states only the person or their mail server can bring about. */
function unrestorableLists(snap: RecordSnapshot | undefined) {
  return (snap?.lists ?? []).filter((m) => m.status !== 'active' && m.status !== 'unsubscribed');
}

const listName = (plan: RunRow['plan'], id: string) =>
  `"${plan.extras?.lists.find((l) => l.listId === id)?.name ?? `number ${id}`}"`;
const automationName = (plan: RunRow['plan'], id: string) =>
  `"${plan.extras?.automations.find((a) => a.id === id)?.name ?? `automation number ${id}`}"`;

/** The custom field values the merge filled on the survivor: empty in its snapshot, taken from a duplicate's. */
function filledByMerge(
  snaps: ReadonlyMap<string, RecordSnapshot>,
  plan: RunRow['plan'],
  before: Readonly<Record<string, string>>,
): Record<string, string> {
  return customFieldFill(
    before,
    plan.loserIds.flatMap((l) => (snaps.has(l) ? [snaps.get(l)!] : [])),
  );
}
