import type { CoreContext } from '../context/context';
import { AppError } from '../domain/errors';
import { isoNow } from '../ports/clock';
import type { ContactPatch } from '../ports/crm';
import { ContactsRepo } from '../store/contacts-repo';
import { crmClientFor, wordPressClientFor } from './clients';
import type { RecordSnapshot } from './executor';
import { journalFor } from './service';

export interface RestorePreview {
  readonly runId: string;
  readonly possible: boolean;
  readonly reason: string | null;
  readonly willDo: readonly string[];
  readonly cannotReturn: readonly string[];
}

export interface RestoreResult {
  readonly runId: string;
  readonly recreated: readonly { readonly oldId: string; readonly newId: string }[];
  readonly unarchived: readonly string[];
  readonly survivorFieldsRestored: readonly string[];
  readonly tagsRemovedFromSurvivor: readonly string[];
  readonly relinked: readonly { readonly wpId: number; readonly contactId: string }[];
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
      willDo.push(
        `Create a new contact from the snapshot of #${l}, re-apply its ${snaps.get(l)?.tagIds.length ?? 0} tag(s)`,
      );
      for (const m of snaps.get(l)?.wpMembers ?? [])
        willDo.push(`Relink WordPress user ${m.login} to the new contact`);
    }
    cannotReturn.push(
      `The original contact id(s) ${plan.loserIds.map((l) => `#${l}`).join(', ')}: new contacts get new ids.`,
    );
    cannotReturn.push('Email engagement history, notes and automation progress of the removed contacts.');
  }
  const patched = Object.keys(plan.patch);
  if (patched.length) willDo.push(`Put back the survivor's previous ${patched.join(', ')}`);
  willDo.push('Remove from the survivor the tags it gained from the merge');
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

/** Best-effort restore from the before-snapshots; every action is written to the audit log. */
export async function restoreRun(
  ctx: CoreContext,
  runId: string,
  signal?: AbortSignal,
): Promise<RestoreResult> {
  const preview = restorePreview(ctx, runId);
  if (!preview.possible) throw new AppError('CONFLICT', preview.reason ?? 'This run cannot be restored.');
  const { journal, run, snaps } = load(ctx, runId);
  const plan = run.plan;
  const crm = crmClientFor(ctx, plan.connectionId);
  const wp = plan.wpConnectionId ? wordPressClientFor(ctx, plan.wpConnectionId) : null;
  const s = plan.survivorId;
  const recreated: { oldId: string; newId: string }[] = [];
  const unarchived: string[] = [];
  const relinked: { wpId: number; contactId: string }[] = [];
  const notes: string[] = [];
  journal.audit('restore.started', plan.connectionId, runId, s, { willDo: preview.willDo });

  for (const l of plan.loserIds) {
    const snap = snaps.get(l);
    if (!snap) continue;
    if (plan.loserAction === 'archive') {
      if (plan.archiveTagId) await crm.removeTags(l, [plan.archiveTagId], signal);
      unarchived.push(l);
      continue;
    }
    if ((await crm.getContact(l, signal)) !== null) {
      notes.push(`#${l} still exists; nothing to recreate.`);
      continue;
    }
    if (!crm.createContact)
      throw new AppError(
        'UNSUPPORTED',
        'This CRM connector cannot create contacts, so a restore is not possible.',
      );
    const c = snap.contact;
    const patch: ContactPatch = {
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
    };
    const created = await crm.createContact(patch, signal);
    recreated.push({ oldId: l, newId: created.id });
    journal.audit('restore.recreated', plan.connectionId, runId, l, { newId: created.id });
    if (snap.tagIds.length) await crm.applyTags(created.id, snap.tagIds, signal);
    if (wp) {
      for (const m of snap.wpMembers) {
        await wp.relinkMember(m.wpId, created.id, signal);
        relinked.push({ wpId: m.wpId, contactId: created.id });
      }
    }
  }

  const before = snaps.get(s)?.contact;
  const restoredFields: string[] = [];
  if (before && Object.keys(plan.patch).length) {
    const back: Record<string, unknown> = {};
    for (const k of Object.keys(plan.patch))
      back[k] = (before as unknown as Record<string, unknown>)[k] ?? null;
    await crm.updateContact(s, back as ContactPatch, signal);
    restoredFields.push(...Object.keys(back));
  }
  const survivorBefore = new Set(snaps.get(s)?.tagIds ?? []);
  const gained = plan.finalTagIds.filter((t) => !survivorBefore.has(t));
  if (gained.length) await crm.removeTags(s, gained, signal);
  if (wp) {
    for (const m of snaps.get(s)?.wpMembers ?? []) await wp.resyncMember(m.wpId, signal);
    for (const r of relinked) await wp.resyncMember(r.wpId, signal);
  }

  // Refresh the cache with what the CRM now says.
  const now = isoNow(ctx.clock);
  const repo = new ContactsRepo(ctx.workspace.db, plan.connectionId);
  const fresh = await Promise.all(
    [s, ...recreated.map((r) => r.newId), ...unarchived].map((id) => crm.getContact(id, signal)),
  );
  repo.saveContacts(
    fresh.filter((c): c is NonNullable<typeof c> => c !== null),
    now,
  );
  if (plan.wpConnectionId) {
    const upd = ctx.workspace.db.prepare(
      'UPDATE wp_users SET linked_contact_id = ? WHERE connection_id = ? AND wp_id = ?',
    );
    for (const r of relinked) upd.run(r.contactId, plan.wpConnectionId, r.wpId);
  }
  const result: RestoreResult = {
    runId,
    recreated,
    unarchived,
    survivorFieldsRestored: restoredFields,
    tagsRemovedFromSurvivor: gained,
    relinked,
    notes: [...notes, ...preview.cannotReturn.map((c) => `Not restored: ${c}`)],
  };
  journal.setRestored(runId, result);
  journal.audit('restore.completed', plan.connectionId, runId, s, result);
  return result;
}
