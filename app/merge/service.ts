import type { CoreContext } from '../context/context';
import { fieldLabel, plural } from '../domain/words';
import { contactDisplayNames } from '../store/contacts-repo';
import type { CrmContact } from '../ports/crm';
import { AppError, isAppError } from '../domain/errors';
import { isoNow } from '../ports/clock';
import type { WordPressClient } from '../ports/wordpress';
import { CacheReader, type GroupData } from './cache-reader';
import { capabilitiesFor, crmClientFor, strategyFor, wordPressClientFor } from './clients';
import { MergeExecutor, type RunOutcome } from './executor';
import {
  nameSequences,
  planExtras,
  readGroupMemberships,
  readSequences,
  type GroupMemberships,
} from './crm-extras';
import { MergeJournal, stepCounter, type RunRow, type RunStatus, type StepRow } from './journal';
import { catalogFor, forgetCatalog } from './crm-catalog';
import { assertGuards, buildPlan, contactLabel, previewPlan } from './plan';
import { buildReview } from './review';
import { readAccess, readSurvivorship, withCapacity, type MergeRules } from './settings';
import { recordReviewedPlan } from '../detect/decisions';
import { findConnection } from '../store/connections-repo';
import type { GuardCode, MergePlan, PlanPreview, ReviewChoices, ReviewModel } from './types';

export interface GroupRef {
  readonly groupId?: number | undefined;
  readonly connectionId?: string | undefined;
  readonly crmIds?: readonly string[] | undefined;
}

export function loadGroup(ctx: CoreContext, ref: GroupRef): GroupData {
  const reader = new CacheReader(ctx.workspace.db);
  if (ref.groupId !== undefined) {
    const g = reader.groupMembers(ref.groupId);
    return reader.load({
      connectionId: g.connectionId,
      crmIds: g.crmIds,
      groupId: ref.groupId,
      groupKey: g.groupKey,
      lane: g.lane,
    });
  }
  if (!ref.connectionId || !ref.crmIds || ref.crmIds.length < 2) {
    throw new AppError(
      'INVALID_INPUT',
      'Give a group id, or a connection id and at least two CRM contact ids.',
    );
  }
  return reader.load({ connectionId: ref.connectionId, crmIds: [...new Set(ref.crmIds)] });
}

/** The user's survivorship settings with the slot capacity of the connection's CRM. */
function rulesFor(ctx: CoreContext, connectionId: string): MergeRules {
  const slots = capabilitiesFor(ctx, connectionId)?.slots ?? UNKNOWN_SLOTS;
  return withCapacity(readSurvivorship(ctx.workspace.db), slots);
}

/** Without a connector for the connection (an offline review of a cache from another build): one of each. */
const UNKNOWN_SLOTS = { emails: [''], phones: [''], addresses: [''] } as const;

export function reviewGroup(
  ctx: CoreContext,
  ref: GroupRef & { survivorId?: string | undefined; skipTagIds?: readonly string[] | undefined },
): ReviewModel {
  const data = loadGroup(ctx, ref);
  const db = ctx.workspace.db;
  return buildReview(data, rulesFor(ctx, data.connectionId), readAccess(db), {
    ...(ref.survivorId ? { survivorId: ref.survivorId } : {}),
    ...(ref.skipTagIds ? { skipTagIds: ref.skipTagIds } : {}),
    strategy: strategyFor(ctx, data.connectionId),
  });
}

function resolveStrategy(ctx: CoreContext, connectionId: string): 'native' | 'manual' {
  // Without a connector for the kind nothing can run anyway; the manual plan is the one that assumes least.
  const s = strategyFor(ctx, connectionId);
  return s === 'unknown' ? 'manual' : s;
}

export function planMerge(
  ctx: CoreContext,
  ref: GroupRef,
  choices: ReviewChoices,
): { plan: MergePlan; preview: PlanPreview; review: ReviewModel } {
  const data = loadGroup(ctx, ref);
  const db = ctx.workspace.db;
  const { plan, review } = buildPlan({
    data,
    survivorship: rulesFor(ctx, data.connectionId),
    access: readAccess(db),
    strategy: resolveStrategy(ctx, data.connectionId),
    slots: capabilitiesFor(ctx, data.connectionId)?.slots ?? null,
    choices,
    now: isoNow(ctx.clock),
  });
  return { plan, preview: previewPlan(plan), review };
}

/**
 * The plan with what the cache cannot know: for a CRM that keeps lists, automations and custom fields apart from
 * the contact (no merge endpoint), the group's memberships are read live so the plan names every list and
 * automation it will change. Offline (no connector, a Keap-like CRM) it is the cached plan as is.
 */
export async function planMergeLive(
  ctx: CoreContext,
  ref: GroupRef,
  choices: ReviewChoices,
  signal?: AbortSignal,
): Promise<{ plan: MergePlan; preview: PlanPreview; review: ReviewModel }> {
  const result = await withNamedSequences(ctx, planMerge(ctx, ref, choices), signal);
  const caps = capabilitiesFor(ctx, result.plan.connectionId);
  if (!caps || result.plan.strategy !== 'manual' || !(caps.lists || caps.automations || caps.customFields))
    return result;
  const { plan } = result;
  const catalog = catalogFor(ctx, plan.connectionId);
  const ids = [plan.survivorId, ...plan.loserIds];
  // What the review read of these records a moment ago stands in for a second read; the run reads them again.
  const memberships = await readGroupMemberships(catalog, ids, signal, catalog.freshMemberships(ids));
  if (!memberships) return result;
  const customFieldNames = caps.customFields
    ? Object.fromEntries((await catalog.customFields(signal)).map((f) => [f.id, f.name]))
    : {};
  const extras = planExtras(
    memberships,
    plan.survivorId,
    plan.loserIds,
    choices.automationIds,
    caps.customFields,
    (id) => contactLabel(plan, id),
  );
  const withExtras: MergePlan = { ...plan, extras: { ...extras, customFieldNames } };
  return { plan: withExtras, preview: previewPlan(withExtras), review: result.review };
}

/**
 * Picked sequences named from the CRM's own list (and refused when it does not offer them). When the CRM cannot
 * be reached (or its client cannot list sequences) the plan keeps the ids it was given: a queued plan still works
 * offline, and the CRM refuses an unknown sequence when the merge runs.
 */
async function withNamedSequences(
  ctx: CoreContext,
  result: { plan: MergePlan; preview: PlanPreview; review: ReviewModel },
  signal?: AbortSignal,
): Promise<{ plan: MergePlan; preview: PlanPreview; review: ReviewModel }> {
  if (result.plan.sequences.length === 0) return result;
  let offered: Awaited<ReturnType<typeof readSequences>>;
  try {
    offered = await offeredSequences(ctx, result.plan.connectionId, signal);
  } catch (error) {
    if (
      isAppError(error) &&
      ['CONNECTION_FAILED', 'TIMEOUT', 'RATE_LIMITED', 'QUOTA_EXHAUSTED', 'UNSUPPORTED'].includes(error.code)
    )
      return result;
    throw error;
  }
  const plan: MergePlan = { ...result.plan, sequences: nameSequences(result.plan.sequences, offered) };
  return { ...result, plan, preview: previewPlan(plan) };
}

/** The CRM's campaign sequences by name, from the connection's catalog (read at most once in a few minutes). */
export async function offeredSequences(
  ctx: CoreContext,
  connectionId: string,
  signal?: AbortSignal,
): Promise<Awaited<ReturnType<typeof readSequences>>> {
  const catalog = catalogFor(ctx, connectionId);
  return catalog.sequences(() => readSequences(catalog.crm, signal));
}

/**
 * Each record's lists and automations, by name, for the review (CRMs that have them; null otherwise). The
 * records' memberships are kept a minute so the plan that follows need not read them again.
 */
export async function groupMemberships(ctx: CoreContext, ref: GroupRef): Promise<GroupMemberships | null> {
  const data = loadGroup(ctx, ref);
  const caps = capabilitiesFor(ctx, data.connectionId);
  if (!caps || !(caps.lists || caps.automations)) return null;
  const catalog = catalogFor(ctx, data.connectionId);
  const memberships = await readGroupMemberships(
    catalog,
    data.records.map((r) => r.contactId),
  );
  if (memberships) catalog.rememberMemberships(memberships.records);
  return memberships;
}

const journalFor = (ctx: CoreContext) => new MergeJournal(ctx.workspace.db, () => isoNow(ctx.clock));

export async function saveDryRun(ctx: CoreContext, ref: GroupRef, choices: ReviewChoices) {
  const { plan, preview } = await planMergeLive(ctx, ref, choices);
  const runId = journalFor(ctx).createRun(plan, { status: 'dry_run' });
  return { runId, plan, preview };
}

/**
 * Saves a reviewed plan as a queued run, with the record versions the reviewer saw (a 'reviewed_plan'
 * decision), so it can run later — after a flight, say — and be re-checked against the live records first.
 */
export function queuePlan(ctx: CoreContext, plan: MergePlan, confirmed: readonly GuardCode[]): string {
  assertGuards(plan, confirmed);
  const db = ctx.workspace.db;
  const journal = journalFor(ctx);
  const open =
    plan.groupId === null
      ? []
      : journal.runs({ groupId: plan.groupId, status: ['planned', 'running', 'interrupted'] });
  if (open.length > 0) {
    throw new AppError(
      'CONFLICT',
      `Group ${plan.groupId} already has a merge waiting (${open[0]!.id}); run or resume it first.`,
      {
        runId: open[0]!.id,
      },
    );
  }
  const runId = journal.createRun(plan, { status: 'planned', confirmed });
  recordReviewedPlan(db, {
    connectionId: plan.connectionId,
    crmIds: [plan.survivorId, ...plan.loserIds],
    payload: { runId, groupId: plan.groupId, seen: plan.seen },
    at: isoNow(ctx.clock),
  });
  return runId;
}

/** Accepts an exported plan JSON back, checking it is one this version understands. */
export function importPlan(ctx: CoreContext, plan: MergePlan): MergePlan {
  if (plan.version !== 1)
    throw new AppError('INVALID_INPUT', `Plan version ${String(plan.version)} is not supported.`);
  const known = findConnection(ctx.workspace.db, plan.connectionId);
  if (!known)
    throw new AppError('NOT_FOUND', `Connection ${plan.connectionId} does not exist in this workspace.`);
  return plan;
}

function wpClientOrNull(ctx: CoreContext, wpConnectionId: string | null): WordPressClient | null {
  if (wpConnectionId === null) return null;
  try {
    return wordPressClientFor(ctx, wpConnectionId);
  } catch {
    return null;
  }
}

export function executorFor(ctx: CoreContext, plan: MergePlan, signal?: AbortSignal): MergeExecutor {
  return new MergeExecutor({
    db: ctx.workspace.db,
    crm: crmClientFor(ctx, plan.connectionId),
    wp: wpClientOrNull(ctx, plan.wpConnectionId),
    clock: ctx.clock,
    emit: (name, payload) => ctx.events.emit(name, payload),
    host: ctx.host,
    ...(signal ? { signal } : {}),
  });
}

export async function executeRun(
  ctx: CoreContext,
  runId: string,
  confirmed: readonly GuardCode[] = [],
  signal?: AbortSignal,
): Promise<RunOutcome> {
  const run = journalFor(ctx).run(runId);
  if (!run) throw new AppError('NOT_FOUND', `Merge run ${runId} does not exist.`);
  try {
    return await executorFor(ctx, run.plan, signal).run(runId, confirmed);
  } finally {
    // A merge changes what the account holds (memberships, a deleted contact): the next review reads afresh.
    forgetCatalog(ctx, run.plan.connectionId);
  }
}

/**
 * Resumes one run, or every run a crash, a sleep or a lost connection left unfinished. A run another process holds
 * is left to it; when every unfinished run is held elsewhere the call refuses with who holds it.
 */
export async function resumeRuns(
  ctx: CoreContext,
  runId?: string,
  signal?: AbortSignal,
): Promise<RunOutcome[]> {
  const journal = journalFor(ctx);
  const runs = runId
    ? [journal.run(runId)].filter((r): r is RunRow => r !== null)
    : journal.runs({ status: ['running', 'interrupted'] }).reverse();
  if (runId && runs.length === 0) throw new AppError('NOT_FOUND', `Merge run ${runId} does not exist.`);
  const out: RunOutcome[] = [];
  let busy: unknown = null;
  for (const r of runs) {
    if (signal?.aborted) break;
    try {
      out.push(await executorFor(ctx, r.plan, signal).run(r.id));
    } catch (error) {
      if (runId) throw error;
      // Held by another process (a batch, another window, a second `resume`) or finished by it meanwhile.
      if (isAppError(error, 'BUSY')) busy ??= error;
      else if (!isAppError(error, 'CONFLICT')) throw error;
    } finally {
      // A resumed run changed the account too: the next review reads afresh.
      forgetCatalog(ctx, r.plan.connectionId);
    }
  }
  if (busy && out.length === 0) throw busy;
  return out;
}

export interface RunSummary {
  readonly id: string;
  readonly connectionId: string;
  readonly groupId: number | null;
  readonly survivorId: string;
  readonly loserIds: readonly string[];
  readonly strategy: 'native' | 'manual';
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: RunRow['error'];
  readonly restoredAt: string | null;
  readonly stepsDone: number;
  readonly stepsTotal: number;
  /** Contact names by id, from the before-snapshots or the cache, so History shows names beside ids. */
  readonly names: Readonly<Record<string, string>>;
}

/** Contact names of one run's records, from the cache or its before-snapshots, as History shows them beside the ids. */
export function runNames(ctx: CoreContext, r: RunRow): Record<string, string> {
  const ids = [r.survivorId, ...r.loserIds];
  const names = contactDisplayNames(ctx.workspace.db, r.connectionId, ids);
  if (ids.every((id) => names[id])) return names;
  for (const s of journalFor(ctx).snapshots(r.id)) {
    const c = s.kind === 'record' ? (s.data as { contact?: CrmContact }).contact : undefined;
    const name = c ? [c.givenName, c.familyName].filter(Boolean).join(' ') : '';
    if (name && !names[s.ref]) names[s.ref] = name;
  }
  return names;
}

const summarise = (
  r: RunRow,
  counts: { total: number; done: number | null },
  names: Readonly<Record<string, string>>,
): RunSummary => ({
  id: r.id,
  connectionId: r.connectionId,
  groupId: r.groupId,
  survivorId: r.survivorId,
  loserIds: r.loserIds,
  strategy: r.strategy,
  status: r.status,
  dryRun: r.dryRun,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  error: r.error,
  restoredAt: r.restoredAt,
  stepsDone: counts.done ?? 0,
  stepsTotal: counts.total,
  names,
});

export function listRuns(
  ctx: CoreContext,
  filter: { status?: readonly RunStatus[]; limit?: number; offset?: number; groupId?: number },
): RunSummary[] {
  const counts = stepCounter(ctx.workspace.db);
  return journalFor(ctx)
    .runs(filter)
    .map((r) => summarise(r, counts(r.id), runNames(ctx, r)));
}

/** The completed runs among `ids`, in that order, as rows (names are read only for the ones shown). */
export function completedRunsAmong(ctx: CoreContext, ids: readonly string[]): RunRow[] {
  return journalFor(ctx).runsWithIds(ids, ['completed']);
}

export interface RunDetail {
  readonly run: RunSummary;
  readonly plan: MergePlan;
  readonly preview: PlanPreview;
  readonly confirmed: readonly GuardCode[];
  readonly steps: readonly (Omit<StepRow, 'response' | 'request'> & { readonly summary: string | null })[];
  readonly snapshots: readonly { readonly kind: string; readonly ref: string; readonly takenAt: string }[];
  readonly restoreResult: unknown;
}

const ids = (v: unknown): string =>
  Array.isArray(v)
    ? v.length > 8
      ? `${v.slice(0, 8).join(', ')} and ${v.length - 8} more`
      : v.join(', ')
    : String(v);

/** Names of the contacts, lists, automations and custom fields a plan touches, for its steps' summaries. */
interface StepNames {
  readonly contacts: Readonly<Record<string, string>>;
  readonly lists: Readonly<Record<string, string>>;
  readonly automations: Readonly<Record<string, string>>;
  readonly customFields: Readonly<Record<string, string>>;
  /** WordPress logins by user id. */
  readonly logins: Readonly<Record<string, string>>;
}

const NO_NAMES: StepNames = { contacts: {}, lists: {}, automations: {}, customFields: {}, logins: {} };

function stepNames(plan: MergePlan, contacts: Readonly<Record<string, string>>): StepNames {
  const e = plan.extras;
  return {
    contacts: { ...contacts, ...(plan.contactNames ?? {}) },
    lists: Object.fromEntries([...(e?.lists ?? []), ...(e?.keptLists ?? [])].map((l) => [l.listId, l.name])),
    automations: Object.fromEntries((e?.automations ?? []).map((a) => [a.id, a.name])),
    customFields: e?.customFieldNames ?? {},
    logins: Object.fromEntries(
      [...plan.wpRelinks, ...plan.wpLeftLinked].map((u) => [String(u.wpId), u.login]),
    ),
  };
}

/** The usual step answers in words; anything else falls back to compact JSON. */
function describeResponse(
  r: Record<string, unknown>,
  tagNames: Readonly<Record<string, string>>,
  names: StepNames,
): string | null {
  const who = (id: unknown) => contactLabel({ contactNames: names.contacts }, String(id));
  const login = (wpId: unknown) =>
    names.logins[String(wpId)] ? `${names.logins[String(wpId)]} (#${String(wpId)})` : `#${String(wpId)}`;
  if (Array.isArray(r.written)) return `Wrote ${ids(r.written.map((f) => fieldLabel(String(f))))}`;
  if (Array.isArray(r.applied))
    return `Applied ${r.applied.length === 1 ? 'tag' : 'tags'} ${ids(r.applied.map((t) => `"${tagNames[String(t)] ?? `tag ${String(t)}`}"`))}`;
  if (typeof r.merged === 'string' && typeof r.into === 'string')
    return `Merged ${who(r.merged)} into ${who(r.into)}`;
  if (Array.isArray(r.relinked)) {
    const rows = r.relinked as { wpId?: unknown; before?: unknown; after?: unknown }[];
    return `Relinked ${rows.map((u) => `WordPress user ${login(u.wpId)} from ${who(u.before)} to ${who(u.after)}`).join('; ')}`;
  }
  if (Array.isArray(r.moved)) {
    const rows = r.moved as { from?: unknown; ids?: unknown }[];
    return `Re-keyed ${rows.map((m) => `AccessAlly ${Array.isArray(m.ids) && m.ids.length === 1 ? 'order' : 'orders'} ${ids(m.ids)} from ${who(m.from)}`).join('; ')}`;
  }
  if (Array.isArray(r.resynced))
    return `Refreshed ${r.resynced.length === 1 ? 'WordPress user' : 'WordPress users'} ${ids(r.resynced.map(login))}`;
  if (Array.isArray(r.lists))
    return `Lists: ${(r.lists as { listId?: unknown; status?: unknown }[]).map((l) => `${l.status === 'unsubscribed' ? 'unsubscribed from' : 'subscribed to'} "${names.lists[String(l.listId)] ?? `list ${String(l.listId)}`}"`).join('; ')}`;
  if (typeof r.automation === 'string')
    return `Added to the automation "${names.automations[r.automation] ?? `automation ${r.automation}`}"`;
  if (Array.isArray(r.customFields))
    return `Filled the ${r.customFields.length === 1 ? 'custom field' : 'custom fields'} ${ids(r.customFields.map((f) => `"${names.customFields[String(f)] ?? `custom field ${String(f)}`}"`))}`;
  if (typeof r.deleted === 'string') return `Deleted ${who(r.deleted)}`;
  if (typeof r.survivor === 'string' && Array.isArray(r.removed))
    return `Cache: ${who(r.survivor)} kept, ${r.removed.map(who).join(', ')} removed`;
  if (Array.isArray(r.records)) {
    const rows = r.records as { id?: unknown; tags?: unknown; orders?: unknown; wpUsers?: unknown }[];
    return `Snapshotted ${rows.map((x) => `${who(x.id)} (${plural(Number(x.tags), 'tag')}, ${plural(Number(x.orders), 'order')}, ${plural(Number(x.wpUsers), 'WordPress user')})`).join('; ')}`;
  }
  return null;
}

/** Step responses summarised for people; the full JSON stays in the journal and in the audit export. */
export function summariseResponse(
  response: unknown,
  tagNames: Readonly<Record<string, string>> = {},
  names: StepNames = NO_NAMES,
): string | null {
  if (response === null || response === undefined) return null;
  if (typeof response !== 'object') return String(response);
  const r = response as Record<string, unknown>;
  if (typeof r.skipped === 'string') return `Skipped: ${r.skipped}`;
  if (r.already) return 'Already done (found on resume; not repeated)';
  if (r.ok && r.survivor) return 'Verified: every tag, order and link is in place';
  const known = describeResponse(r, tagNames, names);
  if (known) return known;
  const text = JSON.stringify(r, (_k, v: unknown) =>
    Array.isArray(v) && v.length > 8 ? [...v.slice(0, 8), `…${v.length - 8} more`] : v,
  );
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

export function runDetail(ctx: CoreContext, runId: string): RunDetail {
  const journal = journalFor(ctx);
  const run = journal.run(runId);
  if (!run) throw new AppError('NOT_FOUND', `Merge run ${runId} does not exist.`);
  const names = runNames(ctx, run);
  const summary = summarise(run, stepCounter(ctx.workspace.db)(runId), names);
  return {
    run: summary,
    plan: run.plan,
    preview: previewPlan(run.plan),
    confirmed: run.confirmed,
    steps: journal.steps(runId).map(({ request: _req, response, ...s }) => ({
      ...s,
      summary: summariseResponse(response, run.plan.tagNames, stepNames(run.plan, names)),
    })),
    snapshots: journal.snapshots(runId).map((s) => ({ kind: s.kind, ref: s.ref, takenAt: s.takenAt })),
    restoreResult: run.restoreResult,
  };
}

export { journalFor };
