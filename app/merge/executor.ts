import type { Db } from '../store/database';
import type { Clock } from '../ports/clock';
import type { ContactPatch, CrmClient, CrmContact, CrmOrder, CrmSubscription, Page } from '../ports/crm';
import type { WordPressClient, WpMember, WpOrder } from '../ports/wordpress';
import type { EventMap } from '../context/events';
import { AppError, isAppError, toErrorShape } from '../domain/errors';
import { ContactsRepo } from '../store/contacts-repo';
import { ClaimStore, describeHolder, isClaimLost, type Claim } from '../workspace/claims';
import { MergeJournal, type RunRow, type StepRow } from './journal';
import { assertGuards, stepsFor } from './plan';
import { addressKey, emailKey, phoneKey } from './review';
import type { MergePlan } from './types';

export interface RecordSnapshot {
  readonly contact: CrmContact;
  readonly tagIds: readonly string[];
  readonly orders: readonly CrmOrder[];
  readonly subscriptions: readonly CrmSubscription[];
  readonly wpMembers: readonly WpMember[];
  readonly wpOrders: readonly WpOrder[];
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
    try {
      this.journal.setConfirmed(runId, confirmations);
      const steps = stepsFor(plan);
      this.journal.ensureSteps(runId, steps);
      if (run.status === 'planned')
        this.journal.audit('merge.started', plan.connectionId, runId, `#${plan.survivorId}`, {});
      else
        this.journal.audit('merge.resumed', plan.connectionId, runId, `#${plan.survivorId}`, {
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
      this.journal.audit('merge.completed', plan.connectionId, runId, `#${plan.survivorId}`, {
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
        this.journal.audit(`merge.${status}`, plan.connectionId, runId, `#${plan.survivorId}`, shape);
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
            step.target ? `#${step.target}` : `#${run.plan.survivorId}`,
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
        const current = await crm.getContact(s, signal);
        if (!current) throw new AppError('NOT_FOUND', `The survivor #${s} no longer exists in the CRM.`);
        if (patchApplied(current, plan.patch))
          return { response: { already: true, fields: Object.keys(plan.patch) } };
        await crm.updateContact(s, plan.patch, signal);
        return { response: { written: Object.keys(plan.patch) } };
      }
      case 'tags_unioned': {
        if (plan.tagsToApply.length === 0) return { response: { skipped: 'survivor carries every tag' } };
        const have = new Set(await crm.getContactTagIds(s, signal));
        const missing = plan.tagsToApply.filter((t) => !have.has(t));
        if (missing.length === 0) return { response: { already: true, tags: plan.tagsToApply } };
        await crm.applyTags(s, missing, signal);
        return { response: { applied: missing } };
      }
      case 'crm_merged': {
        const loser = step.target!;
        const current = await crm.getContact(loser, signal);
        if (current === null) {
          // Already merged (a crash after the CRM answered): make sure nothing the loser carried was lost.
          const have = new Set(await crm.getContactTagIds(s, signal));
          const snap = this.snapshot(run.id, loser);
          const missing = snap.tagIds.filter((t) => !have.has(t) && !plan.skippedTagIds.includes(t));
          if (missing.length > 0) await crm.applyTags(s, missing, signal);
          return { response: { already: true, repairedTags: missing } };
        }
        if (!crm.mergeContacts) throw new AppError('UNSUPPORTED', 'This CRM client has no merge.');
        const merged = await crm.mergeContacts(s, loser, signal);
        return { response: { merged: loser, into: merged.id } };
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
          const member = await wp.getMember(u.wpId, signal);
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
          const left = await wp.listOrders({ contactId: loser, ...(signal ? { signal } : {}) });
          if (left.length === 0) continue;
          const r = await wp.rekeyOrders(loser, s, signal);
          moved.push({ from: loser, moved: r.moved, ids: r.orders.map((o) => o.id) });
        }
        return { response: moved.length ? { moved } : { skipped: 'nothing left on the duplicates' } };
      }
      case 'loser_deleted': {
        const loser = step.target!;
        const current = await crm.getContact(loser, signal);
        if (current === null) return { response: { already: true, deleted: loser } };
        await crm.deleteContact(loser, signal);
        return { response: { deleted: loser } };
      }
      case 'loser_archived': {
        const loser = step.target!;
        const tag = plan.archiveTagId!;
        const have = await crm.getContactTagIds(loser, signal);
        if (have.includes(tag)) return { response: { already: true, archived: loser } };
        await crm.applyTags(loser, [tag], signal);
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

  private async snapshotStep(run: RunRow): Promise<StepResult> {
    const plan = run.plan;
    const { crm } = this.deps;
    const signal = this.deps.signal;
    const wp = plan.wpConnectionId !== null ? this.deps.wp : null;
    const changes: string[] = [];
    const snaps: [string, RecordSnapshot][] = [];
    for (const id of [plan.survivorId, ...plan.loserIds]) {
      const contact = await crm.getContact(id, signal);
      if (!contact) {
        changes.push(`#${id} no longer exists in the CRM`);
        continue;
      }
      const tagIds = [...(await crm.getContactTagIds(id, signal))].sort();
      const seen = plan.seen[id];
      if (seen && (seen.updatedAt ?? null) !== (contact.updatedAt ?? null)) {
        changes.push(
          `#${id} was updated in the CRM (${seen.updatedAt ?? 'unknown'} → ${contact.updatedAt ?? 'unknown'})`,
        );
      }
      if (seen && JSON.stringify(seen.tagIds) !== JSON.stringify(tagIds)) {
        const added = tagIds.filter((t) => !seen.tagIds.includes(t));
        const removed = seen.tagIds.filter((t) => !tagIds.includes(t));
        changes.push(
          `#${id} tags changed (added ${added.join(', ') || 'none'}; removed ${removed.join(', ') || 'none'})`,
        );
      }
      const orders = await all((cursor) =>
        crm.listOrders({ contactId: id, cursor, ...(signal ? { signal } : {}) }),
      );
      const subscriptions = await all((cursor) =>
        crm.listSubscriptions({ contactId: id, cursor, ...(signal ? { signal } : {}) }),
      );
      const wpMembers = wp ? await wp.membersForContact(id, signal) : [];
      const wpOrders = wp ? await wp.listOrders({ contactId: id, ...(signal ? { signal } : {}) }) : [];
      if (id !== plan.survivorId) {
        const planned = new Set(
          [...plan.wpRelinks, ...plan.wpLeftLinked].filter((u) => u.fromContactId === id).map((u) => u.wpId),
        );
        const extra = wpMembers.filter((m) => !planned.has(m.wpId));
        if (extra.length > 0)
          changes.push(
            `#${id} has WordPress user(s) ${extra.map((m) => m.login).join(', ')} the review did not show`,
          );
      }
      snaps.push([id, { contact, tagIds, orders, subscriptions, wpMembers, wpOrders }]);
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
        for (const [id, snap] of snaps) this.journal.saveSnapshot(run.id, 'record', id, snap);
      },
    };
  }

  private async verifyStep(run: RunRow): Promise<StepResult> {
    const plan = run.plan;
    const { crm } = this.deps;
    const signal = this.deps.signal;
    const s = plan.survivorId;
    const problems: string[] = [];
    const survivor = await crm.getContact(s, signal);
    if (!survivor) throw new AppError('CONFLICT', `Verification failed: the survivor #${s} is missing.`);
    const tags = new Set(await crm.getContactTagIds(s, signal));
    const missingTags = plan.finalTagIds.filter((t) => !tags.has(t));
    if (missingTags.length) problems.push(`survivor lacks tag(s) ${missingTags.join(', ')}`);
    const nonNullPatch = Object.fromEntries(Object.entries(plan.patch).filter(([, v]) => v !== null));
    if (!patchApplied(survivor, nonNullPatch)) problems.push('survivor fields differ from the chosen values');
    for (const l of plan.loserIds) {
      const left = await crm.getContact(l, signal);
      if (plan.loserAction === 'archive') {
        if (!left || !(await crm.getContactTagIds(l, signal)).includes(plan.archiveTagId!))
          problems.push(`#${l} is not archived`);
      } else if (left) problems.push(`#${l} still exists`);
    }
    const orders = await all((cursor) =>
      crm.listOrders({ contactId: s, cursor, ...(signal ? { signal } : {}) }),
    );
    const subscriptions = await all((cursor) =>
      crm.listSubscriptions({ contactId: s, cursor, ...(signal ? { signal } : {}) }),
    );
    if (plan.strategy === 'native') {
      const orderIds = new Set(orders.map((o) => o.id));
      const subIds = new Set(subscriptions.map((o) => o.id));
      for (const l of plan.loserIds) {
        const snap = this.snapshot(run.id, l);
        const lostOrders = snap.orders.filter((o) => !orderIds.has(o.id)).map((o) => o.id);
        const lostSubs = snap.subscriptions.filter((o) => !subIds.has(o.id)).map((o) => o.id);
        if (lostOrders.length) problems.push(`orders ${lostOrders.join(', ')} did not move to #${s}`);
        if (lostSubs.length) problems.push(`subscriptions ${lostSubs.join(', ')} did not move to #${s}`);
      }
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
          const relink = db.prepare(
            'UPDATE wp_users SET linked_contact_id = ? WHERE connection_id = ? AND wp_id = ?',
          );
          for (const u of plan.wpRelinks) relink.run(plan.survivorId, u.connectionId, u.wpId);
          const rekey = db.prepare(
            'UPDATE wp_orders SET contact_id = ? WHERE connection_id = ? AND contact_id = ?',
          );
          for (const l of plan.loserIds) rekey.run(plan.survivorId, plan.wpConnectionId, l);
        }
        if (plan.groupId !== null) {
          db.prepare(`UPDATE dup_groups SET status = 'merged', updated_at = ? WHERE id = ?`).run(
            now,
            plan.groupId,
          );
        }
      },
    };
  }

  /** A stale decision goes back to the review queue with what changed. */
  private returnToQueue(plan: MergePlan, runId: string, details: unknown): void {
    const now = this.now();
    const db = this.deps.db;
    db.transaction(() => {
      if (plan.groupId !== null) {
        db.prepare(`UPDATE dup_groups SET status = 'open', updated_at = ? WHERE id = ?`).run(
          now,
          plan.groupId,
        );
      }
      db.prepare(
        `UPDATE decisions SET undone_at = ?, payload = json_set(payload, '$.staleRunId', ?, '$.changes', json(?))
         WHERE kind = 'reviewed_plan' AND undone_at IS NULL AND json_extract(payload, '$.runId') = ?`,
      ).run(now, runId, JSON.stringify((details as { changes?: unknown })?.changes ?? []), runId);
    })();
  }
}

function touchesWordPress(plan: MergePlan): boolean {
  return plan.wpRelinks.length > 0 || plan.wpOrdersToRekey.length > 0;
}

function summarise(response: unknown): string {
  const text = JSON.stringify(response);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
