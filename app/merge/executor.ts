import type { Db } from '../store/database';
import type { Clock } from '../ports/clock';
import type {
  ContactPatch,
  CrmAutomationMembership,
  CrmClient,
  CrmContact,
  CrmListMembership,
  CrmOrder,
  CrmSubscription,
  Page,
} from '../ports/crm';
import type { WordPressClient, WpMember, WpOrder } from '../ports/wordpress';
import type { EventMap } from '../context/events';
import { AppError, isAppError, toErrorShape } from '../domain/errors';
import { ContactsRepo } from '../store/contacts-repo';
import { relinkMembersToSurvivor } from '../store/wp-users-repo';
import { setGroupStatus } from '../detect/group-store';
import { markReviewedPlanStale } from '../detect/decisions';
import { cachedCrmOrders } from './cache-reader';
import { ClaimStore, describeHolder, isClaimLost, type Claim } from '../workspace/claims';
import { MergeJournal, type RunRow, type StepRow } from './journal';
import { assertGuards, contactLabel, stepsFor } from './plan';
import { addressKey, emailKey, phoneKey } from './review';
import type { MergePlan } from './types';

export interface RecordSnapshot {
  readonly contact: CrmContact;
  readonly tagIds: readonly string[];
  readonly orders: readonly CrmOrder[];
  readonly subscriptions: readonly CrmSubscription[];
  readonly wpMembers: readonly WpMember[];
  readonly wpOrders: readonly WpOrder[];
  /** CRMs that keep them apart from the contact (ActiveCampaign): list statuses, automations, custom fields. */
  readonly lists?: readonly CrmListMembership[];
  readonly automations?: readonly CrmAutomationMembership[];
  readonly customFields?: Readonly<Record<string, string>>;
}

export interface ExecutorDeps {
  readonly db: Db;
  readonly crm: CrmClient;
  readonly wp: WordPressClient | null;
  readonly clock: Clock;
  readonly emit?: <E extends 'merge/step' | 'merge/finished'>(name: E, payload: EventMap[E]) => void;
  /** Retries of a step on transient failures (network, timeout, 429, 5xx) on top of the HTTP layer's own. */
  readonly retry?: { readonly attempts: number; readonly baseDelayMs: number };
  readonly signal?: AbortSignal;
  /** Which host runs the merge, for the message another process gets while this one holds the run. */
  readonly host?: string;
  /** How long to wait for another process to finish the run before refusing (default: refuse at once). */
  readonly waitMs?: number;
}

export interface RunOutcome {
  readonly runId: string;
  readonly status: RunRow['status'];
  readonly error: RunRow['error'];
}

type StepResult = { readonly response: unknown; readonly commit?: () => void };
type Known = { readonly contact: CrmContact | null; readonly tagIds: string[] };

const TRANSIENT = new Set(['CONNECTION_FAILED', 'TIMEOUT', 'RATE_LIMITED']);

export function isTransient(error: unknown): boolean {
  if (!isAppError(error)) return false;
  if (TRANSIENT.has(error.code)) return true;
  if (error.code !== 'REMOTE_ERROR') return false;
  const status = (error.details as { status?: unknown } | undefined)?.status;
  return typeof status !== 'number' || status >= 500;
}

async function all<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10_000; i++) {
    const page: Page<T> = await fetch(cursor);
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new AppError('REMOTE_ERROR', 'The CRM kept returning pages; stopped after 10,000.');
}

const norm = (v: string | null | undefined) =>
  v === null || v === undefined || v.trim() === '' ? null : v.trim();

/** Whether the contact already carries what the patch writes: the check before writing fields again. */
export function patchApplied(c: CrmContact, patch: ContactPatch): boolean {
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'emails') {
      const want = (v as ContactPatch['emails'])!.map((e) => `${emailKey(e)}|${e.optIn ?? ''}`).sort();
      const have = c.emails.map((e) => `${emailKey(e)}|${e.optIn ?? ''}`).sort();
      if (JSON.stringify(want) !== JSON.stringify(have)) return false;
    } else if (k === 'phones') {
      const want = (v as ContactPatch['phones'])!.map(phoneKey).sort();
      if (JSON.stringify(want) !== JSON.stringify(c.phones.map(phoneKey).sort())) return false;
    } else if (k === 'addresses') {
      const want = (v as ContactPatch['addresses'])!.map(addressKey).sort();
      if (JSON.stringify(want) !== JSON.stringify(c.addresses.map(addressKey).sort())) return false;
    } else if (norm(v as string | null) !== norm((c as unknown as Record<string, string | null>)[k])) {
      return false;
    }
  }
  return true;
}

const RUNNABLE = new Set<RunRow['status']>(['planned', 'running', 'interrupted', 'failed']);

/** The claim resource of a run: a merge and a restore of the same run exclude each other. */
export const runResource = (runId: string) => `run:${runId}`;

export function runBusyMessage(holder: Parameters<typeof describeHolder>[0]): string {
  const doing = holder.purpose === 'restore' ? 'restored' : 'run';
  return `This merge is being ${doing} by ${describeHolder(holder)}. It continues there; try again when it has finished, or wait for it.`;
}

/**
 * Runs a plan's steps from the journal. Each step checks the remote state before acting, commits its intent
 * before the side effect and its result after, so a crash or a lost connection at any point resumes without
 * repeating a side effect. The same executor serves the native (CRM merge) and the manual strategy.
 */
export class MergeExecutor {
  private readonly journal: MergeJournal;
  private readonly now: () => string;
  /**
   * What this invocation has read from the CRM or been told by a write's answer, per contact (null: gone). Each
   * step's check before act uses it instead of reading again; it is dropped whenever a step fails (an answer may
   * have been lost) and is empty at the start of every run or resume, so a crash or a retry always re-reads.
   */
  private readonly knownContact = new Map<string, CrmContact | null>();
  private readonly knownTags = new Map<string, ReadonlySet<string>>();
  /** The WordPress users and AccessAlly orders of each record as this invocation's snapshot read them. */
  private readonly knownWp = new Map<string, Pick<RecordSnapshot, 'wpMembers' | 'wpOrders'>>();

  constructor(private readonly deps: ExecutorDeps) {
    this.now = () => new Date(deps.clock.now()).toISOString();
    this.journal = new MergeJournal(deps.db, this.now);
  }

  async run(runId: string, confirmed?: readonly string[]): Promise<RunOutcome> {
    this.runnable(runId);
    const claim = await new ClaimStore(this.deps.db, this.deps.clock, this.deps.host ?? 'process').acquire(
      runResource(runId),
      'merge',
      runBusyMessage,
      {
        ...(this.deps.waitMs ? { waitMs: this.deps.waitMs } : {}),
        ...(this.deps.signal ? { signal: this.deps.signal } : {}),
      },
    );
    try {
      // Read again under the claim: another process may have finished the run while this one waited.
      return await this.runClaimed(this.runnable(runId), confirmed, claim);
    } finally {
      claim.release();
    }
  }

  private runnable(runId: string): RunRow {
    const run = this.journal.run(runId);
    if (!run) throw new AppError('NOT_FOUND', `Merge run ${runId} does not exist.`);
    if (run.dryRun)
      throw new AppError('INVALID_INPUT', 'A dry run is never executed; plan the merge again to run it.');
    if (!RUNNABLE.has(run.status)) {
      throw new AppError('CONFLICT', `Merge run ${runId} is ${run.status} and cannot run.`, {
        status: run.status,
      });
    }
    return run;
  }

  private async runClaimed(
    run: RunRow,
    confirmed: readonly string[] | undefined,
    claim: Claim,
  ): Promise<RunOutcome> {
    const runId = run.id;
    const plan = run.plan;
    const confirmations = [...new Set([...run.confirmed, ...((confirmed ?? []) as RunRow['confirmed'])])];
    assertGuards(plan, confirmations);
    if (plan.strategy === 'native' && !this.deps.crm.capabilities.nativeMerge) {
      throw new AppError(
        'UNSUPPORTED',
        'This plan uses the CRM merge, which this connection does not offer.',
      );
    }
    if (plan.wpConnectionId !== null && this.deps.wp === null && touchesWordPress(plan)) {
      throw new AppError(
        'UNSUPPORTED',
        'This plan changes WordPress but no WordPress connector is available.',
      );
    }
    this.forget();
    try {
      this.journal.setConfirmed(runId, confirmations);
      const steps = stepsFor(plan);
      this.journal.ensureSteps(runId, steps);
      if (run.status === 'planned')
        this.journal.audit('merge.started', plan.connectionId, runId, plan.survivorId, {});
      else
        this.journal.audit('merge.resumed', plan.connectionId, runId, plan.survivorId, {
          from: run.status,
        });
      this.journal.setRunStatus(runId, 'running', { started: true });
      for (const step of this.journal.steps(runId)) {
        if (step.seq === 0 || step.status === 'done') continue;
        if (this.deps.signal?.aborted) {
          throw new AppError('CANCELLED', 'Stopped before the next step; resume to continue.');
        }
        claim.assertHeld('this merge');
        await this.runStep(run, step, claim);
      }
      claim.assertHeld('this merge');
      this.journal.setRunStatus(runId, 'completed', { finished: true });
      this.journal.audit('merge.completed', plan.connectionId, runId, plan.survivorId, {
        losers: plan.loserIds,
      });
      this.deps.emit?.('merge/finished', { runId, status: 'completed' });
      return { runId, status: 'completed', error: null };
    } catch (error) {
      // The process that took the run over owns its journal now: write nothing more.
      if (isClaimLost(error)) throw error;
      const shape = toErrorShape(error);
      const status: RunRow['status'] = isAppError(error, 'STALE')
        ? 'stale'
        : isTransient(error) || isAppError(error, 'CANCELLED') || isAppError(error, 'QUOTA_EXHAUSTED')
          ? 'interrupted'
          : 'failed';
      try {
        claim.assertHeld('this merge');
        this.journal.setRunStatus(runId, status, { error: shape, finished: status === 'stale' });
        this.journal.audit(`merge.${status}`, plan.connectionId, runId, plan.survivorId, shape);
        if (status === 'stale') this.returnToQueue(plan, runId, shape.details);
      } catch {
        // The database went away with the process (a crash): the journal still says 'running' and a resume
        // picks the run up from its last committed step. Surface the original failure, not the journal's.
        throw error;
      }
      this.deps.emit?.('merge/finished', { runId, status });
      return { runId, status, error: shape };
    }
  }

  private async runStep(run: RunRow, step: StepRow, claim: Claim): Promise<void> {
    const attempts = this.deps.retry?.attempts ?? 4;
    const base = this.deps.retry?.baseDelayMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      const request = { step: step.name, target: step.target, attempt };
      claim.assertHeld('this merge');
      this.journal.stepIntent(run.id, step.seq, request);
      this.deps.emit?.('merge/step', { runId: run.id, seq: step.seq, name: step.name, status: 'running' });
      try {
        const result = await this.act(run, step);
        claim.assertHeld('this merge');
        this.journal.stepDone(run.id, step.seq, result.response, () => {
          result.commit?.();
          this.journal.audit(
            `merge.step.${step.name}`,
            run.plan.connectionId,
            run.id,
            step.target ? step.target : `#${run.plan.survivorId}`,
            {
              attempt,
              response: step.name === 'verified' ? { ok: true } : result.response,
            },
          );
        });
        this.deps.emit?.('merge/step', {
          runId: run.id,
          seq: step.seq,
          name: step.name,
          status: 'done',
          message: summarise(result.response),
        });
        return;
      } catch (error) {
        this.forget();
        if (!(error instanceof AppError) || isClaimLost(error)) throw error;
        claim.assertHeld('this merge');
        const shape = { code: error.code, message: error.message };
        if (isTransient(error) && attempt < attempts) {
          this.journal.stepError(run.id, step.seq, 'retrying', shape);
          this.deps.emit?.('merge/step', {
            runId: run.id,
            seq: step.seq,
            name: step.name,
            status: 'retrying',
            message: error.message,
          });
          const delay = base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
          await this.deps.clock.sleep(delay, this.deps.signal);
          claim.assertHeld('this merge');
          continue;
        }
        this.journal.stepError(run.id, step.seq, 'failed', shape);
        this.deps.emit?.('merge/step', {
          runId: run.id,
          seq: step.seq,
          name: step.name,
          status: 'failed',
          message: error.message,
        });
        throw error;
      }
    }
  }

  private forget(): void {
    this.knownContact.clear();
    this.knownTags.clear();
    this.knownWp.clear();
  }

  private remember(id: string, contact: CrmContact | null, tagIds?: Iterable<string>): void {
    this.knownContact.set(id, contact);
    if (contact === null) this.knownTags.set(id, new Set());
    else if (tagIds) this.knownTags.set(id, new Set(tagIds));
    else if (this.deps.crm.capabilities.tagsOnContact) this.knownTags.set(id, new Set(contact.tagIds));
    else this.knownTags.delete(id);
  }

  /**
   * Reads contacts (with their tags) fresh from the CRM: one request for the whole group where the CRM can
   * (`getContacts`, tags on the contact), else one or two per record.
   */
  private async readRecords(ids: readonly string[]): Promise<Map<string, Known>> {
    const { crm } = this.deps;
    const signal = this.deps.signal;
    const out = new Map<string, Known>();
    let contacts: ReadonlyMap<string, CrmContact>;
    if (crm.getContacts) contacts = await crm.getContacts(ids, signal);
    else {
      const one = new Map<string, CrmContact>();
      for (const id of ids) {
        const c = await crm.getContact(id, signal);
        if (c) one.set(id, c);
      }
      contacts = one;
    }
    for (const id of ids) {
      const contact = contacts.get(id) ?? null;
      const tagIds =
        contact === null
          ? []
          : crm.capabilities.tagsOnContact
            ? [...contact.tagIds]
            : [...(await crm.getContactTagIds(id, signal))];
      tagIds.sort();
      out.set(id, { contact, tagIds });
      this.remember(id, contact, tagIds);
    }
    return out;
  }

  private async currentTags(id: string): Promise<ReadonlySet<string>> {
    const known = this.knownTags.get(id);
    if (known) return known;
    const tags = new Set(await this.deps.crm.getContactTagIds(id, this.deps.signal));
    this.knownTags.set(id, tags);
    return tags;
  }

  private snapshot(runId: string, contactId: string): RecordSnapshot {
    const hit = this.journal.snapshots(runId).find((s) => s.kind === 'record' && s.ref === contactId);
    if (!hit)
      throw new AppError('INTERNAL', `The before-snapshot of #${contactId} is missing from the journal.`);
    return hit.data as RecordSnapshot;
  }

  private wp(): WordPressClient {
    if (!this.deps.wp) throw new AppError('UNSUPPORTED', 'No WordPress connector is available.');
    return this.deps.wp;
  }

  private async act(run: RunRow, step: StepRow): Promise<StepResult> {
    const plan = run.plan;
    const { crm } = this.deps;
    const signal = this.deps.signal;
    const s = plan.survivorId;
    switch (step.name) {
      case 'snapshotted':
        return this.snapshotStep(run);
      case 'fields_written': {
        if (Object.keys(plan.patch).length === 0) return { response: { skipped: 'nothing to write' } };
        const known = this.knownContact.get(s);
        const current = known !== undefined ? known : await crm.getContact(s, signal);
        if (!current) throw new AppError('NOT_FOUND', `The survivor #${s} no longer exists in the CRM.`);
        if (patchApplied(current, plan.patch))
          return { response: { already: true, fields: Object.keys(plan.patch) } };
        const tagsBefore = this.knownTags.get(s);
        const updated = await crm.updateContact(s, plan.patch, signal);
        // A PATCH changes no tags: what was known about them still holds.
        this.remember(s, updated, crm.capabilities.tagsOnContact ? updated.tagIds : tagsBefore);
        return { response: { written: Object.keys(plan.patch) } };
      }
      case 'tags_unioned': {
        if (plan.tagsToApply.length === 0) return { response: { skipped: 'survivor carries every tag' } };
        const have = await this.currentTags(s);
        const missing = plan.tagsToApply.filter((t) => !have.has(t));
        if (missing.length === 0) return { response: { already: true, tags: plan.tagsToApply } };
        await crm.applyTags(s, missing, signal);
        this.knownTags.set(s, new Set([...have, ...missing]));
        return { response: { applied: missing } };
      }
      case 'crm_merged': {
        const loser = step.target!;
        if (!crm.mergeContacts) throw new AppError('UNSUPPORTED', 'This CRM client has no merge.');
        const known = this.knownContact.get(loser);
        const current = known !== undefined ? known : await crm.getContact(loser, signal);
        if (current === null) return this.alreadyMerged(run, loser);
        let merged: CrmContact;
        try {
          merged = await crm.mergeContacts(s, loser, signal);
        } catch (error) {
          // Known to exist a moment ago but not found now: find out whether it is the loser that went away.
          if (known === undefined || !isAppError(error, 'NOT_FOUND')) throw error;
          this.forget();
          if ((await crm.getContact(loser, signal)) !== null) throw error;
          return this.alreadyMerged(run, loser);
        }
        this.remember(loser, null);
        // The merge answers with the survivor as it now is (tags included where the CRM sends them).
        this.remember(s, merged);
        return { response: { merged: loser, into: merged.id } };
      }
      case 'tags_dropped': {
        // Check before act on the survivor's tags as this run knows them (the CRM merge's answer, or a fresh read
        // on resume): only the dropped tags still there are removed, so a resumed step sends nothing twice.
        const drop = plan.tagsToRemove ?? [];
        const have = await this.currentTags(s);
        const still = drop.filter((t) => have.has(t));
        if (still.length === 0) return { response: { already: true, tags: drop } };
        await crm.removeTags(s, still, signal);
        this.knownTags.set(s, new Set([...have].filter((t) => !still.includes(t))));
        return { response: { removedTags: still } };
      }
      case 'custom_fields_written': {
        // Check before act: the survivor's current values decide what is still empty; a resumed step whose write
        // landed finds nothing to fill.
        const current = await crm.getContact(s, signal);
        if (!current) throw new AppError('NOT_FOUND', `The survivor #${s} no longer exists in the CRM.`);
        const fill = customFieldFill(
          current.customFields ?? {},
          plan.loserIds.map((l) => this.snapshot(run.id, l)),
        );
        if (Object.keys(fill).length === 0) return { response: { already: true, customFields: [] } };
        const updated = await crm.updateContact(s, { customFields: fill }, signal);
        this.remember(s, updated);
        return { response: { customFields: Object.keys(fill) } };
      }
      case 'lists_merged': {
        if (!crm.getContactLists || !crm.setListStatus)
          throw new AppError('UNSUPPORTED', 'This CRM client has no mailing lists.');
        const want = listTargets(plan, (id) => this.snapshot(run.id, id));
        const have = new Map(
          (await crm.getContactLists(s, signal)).map((m) => [m.listId, m.status] as const),
        );
        const changed: { listId: string; status: string }[] = [];
        for (const [listId, status] of want) {
          if (have.get(listId) === status) continue;
          await crm.setListStatus(s, listId, status, signal);
          changed.push({ listId, status });
        }
        return { response: changed.length ? { lists: changed } : { already: true, lists: [...want.keys()] } };
      }
      case 'automation_added': {
        const id = step.target!;
        if (!crm.getContactAutomations || !crm.addToAutomation)
          throw new AppError('UNSUPPORTED', 'This CRM client has no automations.');
        // Adding twice may start the automation twice: only add when the survivor is not in it yet.
        const inIt = (await crm.getContactAutomations(s, signal)).some((a) => a.automationId === id);
        if (inIt) return { response: { already: true, automation: id } };
        await crm.addToAutomation(s, id, signal);
        return { response: { automation: id } };
      }
      case 'sequence_added': {
        const seq = plan.sequences.find((q) => q.sequenceId === step.target);
        if (!seq || !crm.addToSequence)
          throw new AppError('UNSUPPORTED', 'This CRM client cannot add to sequences.');
        // The CRM reports ALREADY_IN_SEQUENCE for a repeat, so a resumed add is harmless.
        await crm.addToSequence(s, seq, signal);
        return { response: { added: seq } };
      }
      case 'wp_relinked': {
        if (plan.wpRelinks.length === 0) return { response: { skipped: 'no WordPress user to relink' } };
        const wp = this.wp();
        const done: unknown[] = [];
        for (const u of plan.wpRelinks) {
          const seen = this.knownWp.get(u.fromContactId)?.wpMembers.find((m) => m.wpId === u.wpId);
          const member = seen ?? (await wp.getMember(u.wpId, signal));
          if (!member)
            throw new AppError('NOT_FOUND', `WordPress user ${u.login} (#${u.wpId}) no longer exists.`);
          if (member.linkedContactId === s) {
            done.push({ wpId: u.wpId, already: true });
            continue;
          }
          const r = await wp.relinkMember(u.wpId, s, signal);
          done.push({ wpId: u.wpId, before: r.before, after: r.after });
        }
        return { response: { relinked: done } };
      }
      case 'orders_rekeyed': {
        if (!this.deps.wp || plan.wpConnectionId === null)
          return { response: { skipped: 'no WordPress connection' } };
        const wp = this.deps.wp;
        const moved: unknown[] = [];
        for (const loser of plan.loserIds) {
          const left =
            this.knownWp.get(loser)?.wpOrders ??
            (await wp.listOrders({ contactId: loser, ...(signal ? { signal } : {}) }));
          if (left.length === 0) continue;
          const r = await wp.rekeyOrders(loser, s, signal);
          this.knownWp.set(loser, { wpMembers: this.knownWp.get(loser)?.wpMembers ?? [], wpOrders: [] });
          moved.push({ from: loser, moved: r.moved, ids: r.orders.map((o) => o.id) });
        }
        return { response: moved.length ? { moved } : { skipped: 'nothing left on the duplicates' } };
      }
      case 'loser_deleted': {
        const loser = step.target!;
        const known = this.knownContact.get(loser);
        const current = known !== undefined ? known : await crm.getContact(loser, signal);
        if (current === null) return { response: { already: true, deleted: loser } };
        await crm.deleteContact(loser, signal);
        this.remember(loser, null);
        return { response: { deleted: loser } };
      }
      case 'loser_archived': {
        const loser = step.target!;
        const tag = plan.archiveTagId!;
        const have = await this.currentTags(loser);
        if (have.has(tag)) return { response: { already: true, archived: loser } };
        await crm.applyTags(loser, [tag], signal);
        this.knownTags.set(loser, new Set([...have, tag]));
        return { response: { archived: loser, tag } };
      }
      case 'resynced': {
        const users = plan.wpRelinks.map((u) => u.wpId);
        const survivorUsers = this.snapshot(run.id, s).wpMembers.map((m) => m.wpId);
        const ids = [...new Set([...survivorUsers, ...users])];
        if (ids.length === 0 || !this.deps.wp) return { response: { skipped: 'no WordPress user' } };
        // A resync only re-reads the CRM into AccessAlly, so repeating it after a crash changes nothing.
        for (const id of ids) await this.deps.wp.resyncMember(id, signal);
        return { response: { resynced: ids } };
      }
      case 'verified':
        return this.verifyStep(run);
      case 'cache_updated':
        return this.cacheStep(run);
      default:
        throw new AppError('INTERNAL', `Unknown merge step ${step.name}.`);
    }
  }

  /** The CRM merged the loser already (a crash after it answered): make sure nothing it carried was lost. */
  private async alreadyMerged(run: RunRow, loser: string): Promise<StepResult> {
    const plan = run.plan;
    const have = await this.currentTags(plan.survivorId);
    const snap = this.snapshot(run.id, loser);
    const missing = snap.tagIds.filter((t) => !have.has(t) && !plan.skippedTagIds.includes(t));
    if (missing.length > 0) {
      await this.deps.crm.applyTags(plan.survivorId, missing, this.deps.signal);
      this.knownTags.set(plan.survivorId, new Set([...have, ...missing]));
    }
    return { response: { already: true, repairedTags: missing } };
  }

  private async snapshotStep(run: RunRow): Promise<StepResult> {
    const plan = run.plan;
    const { crm } = this.deps;
    const signal = this.deps.signal;
    const wp = plan.wpConnectionId !== null ? this.deps.wp : null;
    const changes: string[] = [];
    const snaps: [string, RecordSnapshot][] = [];
    const ids = [plan.survivorId, ...plan.loserIds];
    // Staleness is decided by each record's update_time and tags, read for the whole group at once. A native merge
    // moves orders and subscriptions with the contact, so their snapshot comes from the cache, not the CRM.
    const read = await this.readRecords(ids);
    const who = (id: string) => contactLabel(plan, id);
    const tagList = (tagIds: readonly string[]) =>
      tagIds.map((t) => (plan.tagNames[t] ? `"${plan.tagNames[t]}"` : `tag #${t}`)).join(', ') || 'none';
    for (const id of ids) {
      const { contact, tagIds } = read.get(id)!;
      if (!contact) {
        changes.push(`${who(id)} no longer exists in the CRM`);
        continue;
      }
      const seen = plan.seen[id];
      if (seen && (seen.updatedAt ?? null) !== (contact.updatedAt ?? null)) {
        changes.push(
          `${who(id)} was updated in the CRM since the review (${when(seen.updatedAt)} → ${when(contact.updatedAt)})`,
        );
      }
      if (seen && JSON.stringify(seen.tagIds) !== JSON.stringify(tagIds)) {
        const added = tagIds.filter((t) => !seen.tagIds.includes(t));
        const removed = seen.tagIds.filter((t) => !tagIds.includes(t));
        changes.push(`${who(id)}'s tags changed (added ${tagList(added)}; removed ${tagList(removed)})`);
      }
      const { orders, subscriptions } =
        plan.strategy === 'native'
          ? cachedCrmOrders(this.deps.db, plan.connectionId, id)
          : {
              orders: await all((cursor) =>
                crm.listOrders({ contactId: id, cursor, ...(signal ? { signal } : {}) }),
              ),
              subscriptions: await all((cursor) =>
                crm.listSubscriptions({ contactId: id, cursor, ...(signal ? { signal } : {}) }),
              ),
            };
      const wpMembers = wp ? await wp.membersForContact(id, signal) : [];
      const wpOrders = wp ? await wp.listOrders({ contactId: id, ...(signal ? { signal } : {}) }) : [];
      if (id !== plan.survivorId) {
        const planned = new Set(
          [...plan.wpRelinks, ...plan.wpLeftLinked].filter((u) => u.fromContactId === id).map((u) => u.wpId),
        );
        const extra = wpMembers.filter((m) => !planned.has(m.wpId));
        if (extra.length > 0)
          changes.push(
            `${who(id)} has ${extra.length === 1 ? 'a WordPress user' : 'WordPress users'} ${extra.map((m) => m.login).join(', ')} the review did not show`,
          );
      }
      const extras: Pick<RecordSnapshot, 'lists' | 'automations' | 'customFields'> = {
        ...(crm.getContactLists ? { lists: await crm.getContactLists(id, signal) } : {}),
        ...(crm.getContactAutomations ? { automations: await crm.getContactAutomations(id, signal) } : {}),
        ...(contact.customFields ? { customFields: contact.customFields } : {}),
      };
      snaps.push([id, { contact, tagIds, orders, subscriptions, wpMembers, wpOrders, ...extras }]);
    }
    if (changes.length > 0) {
      throw new AppError(
        'STALE',
        `The records changed since review; the group is back in the queue: ${changes.join('; ')}.`,
        {
          changes,
        },
      );
    }
    return {
      response: {
        records: snaps.map(([id, s]) => ({
          id,
          tags: s.tagIds.length,
          orders: s.orders.length,
          wpUsers: s.wpMembers.length,
        })),
      },
      commit: () => {
        for (const [id, snap] of snaps) {
          this.journal.saveSnapshot(run.id, 'record', id, snap);
          if (wp) this.knownWp.set(id, { wpMembers: snap.wpMembers, wpOrders: snap.wpOrders });
        }
      },
    };
  }

  private async verifyStep(run: RunRow): Promise<StepResult> {
    const plan = run.plan;
    const { crm } = this.deps;
    const signal = this.deps.signal;
    const s = plan.survivorId;
    const problems: string[] = [];
    // One fresh read of the whole group (never what this invocation believes): the survivor's fields and tags,
    // and each loser gone or archived.
    const read = await this.readRecords([s, ...plan.loserIds]);
    const survivor = read.get(s)!.contact;
    if (!survivor) throw new AppError('CONFLICT', `Verification failed: the survivor #${s} is missing.`);
    const tags = new Set(read.get(s)!.tagIds);
    const missingTags = plan.finalTagIds.filter((t) => !tags.has(t));
    if (missingTags.length) problems.push(`survivor lacks tag(s) ${missingTags.join(', ')}`);
    const keptDropped = (plan.tagsToRemove ?? []).filter((t) => tags.has(t));
    if (keptDropped.length)
      problems.push(
        `survivor still carries the unticked tag(s) ${keptDropped.map((t) => `"${plan.tagNames[t] ?? t}"`).join(', ')}`,
      );
    const nonNullPatch = Object.fromEntries(Object.entries(plan.patch).filter(([, v]) => v !== null));
    if (!patchApplied(survivor, nonNullPatch)) problems.push('survivor fields differ from the chosen values');
    // The manual strategy verifies before it retires the duplicates; its retire steps check their own work.
    for (const l of plan.strategy === 'native' ? plan.loserIds : []) {
      const left = read.get(l)!;
      if (plan.loserAction === 'archive') {
        if (!left.contact || !left.tagIds.includes(plan.archiveTagId!))
          problems.push(`#${l} is not archived`);
      } else if (left.contact) problems.push(`#${l} still exists`);
    }
    if (plan.extras && crm.getContactLists && plan.extras.lists.length > 0) {
      const have = new Map((await crm.getContactLists(s, signal)).map((m) => [m.listId, m.status] as const));
      for (const [listId, status] of listTargets(plan, (id) => this.snapshot(run.id, id)))
        if (have.get(listId) !== status)
          problems.push(`survivor is ${have.get(listId) ?? 'not'} on list ${listId}, not ${status}`);
    }
    if (plan.extras && crm.getContactAutomations && plan.extras.automations.length > 0) {
      const inIt = new Set((await crm.getContactAutomations(s, signal)).map((a) => a.automationId));
      const missing = plan.extras.automations.filter((a) => !inIt.has(a.id));
      if (missing.length)
        problems.push(`survivor is not in automation(s) ${missing.map((a) => `"${a.name}"`).join(', ')}`);
    }
    if (plan.extras?.customFields) {
      const left = customFieldFill(
        survivor.customFields ?? {},
        plan.loserIds.map((l) => this.snapshot(run.id, l)),
      );
      if (Object.keys(left).length)
        problems.push(`survivor lacks custom field value(s) ${Object.keys(left).join(', ')}`);
    }
    // The CRM merge moves orders and subscriptions with the contact (its answer was the survivor); the cache
    // follows from the snapshots. The manual strategy moves none, so it lists what the survivor has.
    const orders: CrmOrder[] = [];
    const subscriptions: CrmSubscription[] = [];
    if (plan.strategy === 'native') {
      for (const id of [s, ...plan.loserIds]) {
        const snap = this.snapshot(run.id, id);
        orders.push(...snap.orders.map((o) => ({ ...o, contactId: s })));
        subscriptions.push(...snap.subscriptions.map((o) => ({ ...o, contactId: s })));
      }
    } else {
      orders.push(
        ...(await all((cursor) => crm.listOrders({ contactId: s, cursor, ...(signal ? { signal } : {}) }))),
      );
      subscriptions.push(
        ...(await all((cursor) =>
          crm.listSubscriptions({ contactId: s, cursor, ...(signal ? { signal } : {}) }),
        )),
      );
    }
    const wpState: { wpId: number; linkedContactId: string | null }[] = [];
    if (this.deps.wp && plan.wpConnectionId !== null) {
      for (const u of plan.wpRelinks) {
        const m = await this.deps.wp.getMember(u.wpId, signal);
        wpState.push({ wpId: u.wpId, linkedContactId: m?.linkedContactId ?? null });
        if (m?.linkedContactId !== s)
          problems.push(`WordPress user ${u.login} is linked to ${m?.linkedContactId ?? 'nothing'}`);
      }
      for (const l of plan.loserIds) {
        const left = await this.deps.wp.listOrders({ contactId: l, ...(signal ? { signal } : {}) });
        if (left.length) problems.push(`AccessAlly still keys ${left.map((o) => o.id).join(', ')} to #${l}`);
      }
    }
    if (problems.length > 0) {
      throw new AppError('CONFLICT', `Verification failed: ${problems.join('; ')}.`, { problems });
    }
    return {
      response: {
        ok: true,
        survivor: { contact: survivor, tagIds: [...tags].sort(), orders, subscriptions },
        wpUsers: wpState,
      },
    };
  }

  private cacheStep(run: RunRow): StepResult {
    const plan = run.plan;
    const verified = this.journal.steps(run.id).find((x) => x.name === 'verified')?.response as
      | {
          survivor: {
            contact: CrmContact;
            tagIds: string[];
            orders: CrmOrder[];
            subscriptions: CrmSubscription[];
          };
        }
      | undefined;
    if (!verified) throw new AppError('INTERNAL', 'The verified state is missing from the journal.');
    const db = this.deps.db;
    const now = this.now();
    return {
      response: { survivor: plan.survivorId, removed: plan.loserAction === 'archive' ? [] : plan.loserIds },
      commit: () => {
        const repo = new ContactsRepo(db, plan.connectionId);
        const { contact, tagIds, orders, subscriptions } = verified.survivor;
        repo.saveContacts([{ ...contact, tagIds }], now);
        repo.saveOrders(orders, now);
        repo.saveSubscriptions(subscriptions, now);
        if (plan.loserAction !== 'archive') repo.deleteContacts(plan.loserIds);
        if (plan.wpConnectionId !== null) {
          relinkMembersToSurvivor(db, {
            survivorId: plan.survivorId,
            members: plan.wpRelinks,
            siteConnectionId: plan.wpConnectionId,
            loserIds: plan.loserIds,
          });
        }
        if (plan.groupId !== null) setGroupStatus(db, plan.groupId, 'merged', now);
      },
    };
  }

  /** A stale decision goes back to the review queue with what changed. */
  private returnToQueue(plan: MergePlan, runId: string, details: unknown): void {
    const now = this.now();
    const db = this.deps.db;
    db.transaction(() => {
      if (plan.groupId !== null) setGroupStatus(db, plan.groupId, 'open', now);
      markReviewedPlanStale(db, runId, (details as { changes?: unknown })?.changes ?? [], now);
    })();
  }
}

/** Custom field values a duplicate has and the survivor lacks (first duplicate in plan order wins). */
export function customFieldFill(
  survivor: Readonly<Record<string, string>>,
  losers: readonly RecordSnapshot[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of losers)
    for (const [field, value] of Object.entries(l.customFields ?? {}))
      if (!survivor[field]?.trim() && value.trim() && out[field] === undefined) out[field] = value;
  return out;
}

/**
 * Each list's status on the survivor after the merge: the plan's, made stricter by what the snapshot shows (an
 * unsubscribe on any record at merge time wins, even one made after the review).
 */
export function listTargets(
  plan: MergePlan,
  snapshot: (id: string) => RecordSnapshot,
): Map<string, 'active' | 'unsubscribed'> {
  const out = new Map<string, 'active' | 'unsubscribed'>();
  for (const l of plan.extras?.lists ?? []) out.set(l.listId, l.status);
  for (const id of [plan.survivorId, ...plan.loserIds]) {
    for (const m of snapshot(id).lists ?? [])
      if (m.status === 'unsubscribed' && out.has(m.listId)) out.set(m.listId, 'unsubscribed');
  }
  return out;
}

function touchesWordPress(plan: MergePlan): boolean {
  return plan.wpRelinks.length > 0 || plan.wpOrdersToRekey.length > 0;
}

function summarise(response: unknown): string {
  const text = JSON.stringify(response);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** A CRM timestamp as people read it; the exact instant stays in the journal. */
function when(iso: string | null | undefined): string {
  if (!iso) return 'unknown';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
