import type { GroupMemberships } from '../../merge/crm-extras';
import type { CrmSequence } from '../../ports/crm';
import { z } from 'zod';
import { method } from '../define';
import { accessSettingsSchema, survivorshipSettingsSchema, SINGLE_FIELDS } from '../../merge/settings';
import type { AccessSettings, SurvivorshipSettings } from '../../merge/settings';
import type { MergePlan, PlanPreview, ReviewModel } from '../../merge/types';
import type { RunDetail, RunSummary } from '../../merge/service';
import type { RestorePreview, RestoreResult } from '../../merge/restore';
import type { AuditExport } from '../../merge/audit-export';
import type { BatchSummaryPage } from '../../merge/batch-summary';
import type { MergeBatchPayload } from '../../context/events';
import type { BatchQuotaPlan } from '../../merge/types';

export type { GroupMemberships, CrmSequence };
export type {
  ReviewModel,
  MergePlan,
  PlanPreview,
  RunDetail,
  RunSummary,
  RestorePreview,
  RestoreResult,
  AuditExport,
  AccessSettings,
  SurvivorshipSettings,
};
export type {
  FieldRow,
  SingleFieldRow,
  MultiFieldRow,
  TagGroup,
  TagView,
  ReviewRecord,
  ReviewWarning,
  Guard,
  GuardCode,
  PreviewLine,
} from '../../merge/types';

const crmId = z.string().trim().min(1).max(64);
const groupRef = {
  groupId: z.number().int().positive().optional(),
  connectionId: z.string().min(1).max(100).optional(),
  crmIds: z.array(crmId).min(2).max(25).optional(),
};
const refine = <
  T extends {
    groupId?: number | undefined;
    connectionId?: string | undefined;
    crmIds?: string[] | undefined;
  },
>(
  v: T,
) => v.groupId !== undefined || (v.connectionId !== undefined && v.crmIds !== undefined);
const refMessage = { message: 'Give a groupId, or a connectionId with at least two crmIds.' };

const guardCode = z.enum([
  'two_people',
  'access_loss',
  'access_conflict',
  'consent_conflict',
  'two_active_subscriptions',
  'two_wp_users_with_progress',
  'too_many_values',
  'no_wordpress_client',
  'archive_tag_missing',
]);
/** Each guard is confirmed at most once; a longer list is a mistake or an attack, refused before it is read. */
const MAX_CONFIRM = 32;

/** Settings as a caller may send them: the stored shapes, strict, with every list and text capped. */
const tagPattern = z.string().min(1).max(200);
const patternList = (fallback: string[]) => z.array(tagPattern).max(100).default(fallback);
const accessDefaults = accessSettingsSchema.parse({});
const accessInput = accessSettingsSchema
  .extend({
    accessCategories: patternList(accessDefaults.accessCategories),
    accessNamePatterns: patternList(accessDefaults.accessNamePatterns),
    revokeNamePatterns: patternList(accessDefaults.revokeNamePatterns),
    automationCategories: patternList(accessDefaults.automationCategories),
    automationNamePatterns: patternList(accessDefaults.automationNamePatterns),
  })
  .strict();
const survivorshipInput = survivorshipSettingsSchema
  .extend({ archiveTagId: z.string().min(1).max(64).nullable().default(null) })
  .strict();

export const choicesSchema = z
  .object({
    survivorId: crmId.optional(),
    fields: z
      .partialRecord(
        z.enum(SINGLE_FIELDS),
        z.union([
          z.object({ from: crmId }).strict(),
          z.object({ value: z.string().max(500).nullable() }).strict(),
        ]),
      )
      .optional(),
    multi: z
      .object({
        emails: z.array(z.string().max(500)).max(20).optional(),
        phones: z.array(z.string().max(100)).max(20).optional(),
        addresses: z.array(z.string().max(2000)).max(20).optional(),
      })
      .strict()
      .optional(),
    skipTagIds: z.array(crmId).max(500).optional(),
    keepWpId: z.number().int().positive().nullable().optional(),
    otherWpUsers: z.enum(['relink', 'leave']).optional(),
    sequences: z
      .array(
        z
          .object({ campaignId: z.string().max(64).optional(), sequenceId: z.string().min(1).max(64) })
          .strict(),
      )
      .max(20)
      .optional(),
    loserAction: z.enum(['delete', 'archive']).optional(),
    automationIds: z.array(crmId).max(100).optional(),
  })
  .strict();

const planInput = z
  .object({ ...groupRef, choices: choicesSchema.default({}) })
  .strict()
  .refine(refine, refMessage);

const runStatus = z.enum([
  'planned',
  'dry_run',
  'running',
  'completed',
  'failed',
  'interrupted',
  'stale',
  'restored',
]);

export interface MergeSettings {
  readonly survivorship: SurvivorshipSettings;
  readonly access: AccessSettings;
}

export const mergeMethods = {
  'merge/review': method(
    z
      .object({ ...groupRef, survivorId: crmId.optional(), skipTagIds: z.array(crmId).max(500).optional() })
      .strict()
      .refine(refine, refMessage),
    'Side-by-side review of a group (by group id or CRM ids) from the cache, with defaults from the survivorship rules.',
  ).returns<ReviewModel>(),
  'merge/memberships': method(
    z.object(groupRef).strict().refine(refine, refMessage),
    "Each record's mailing lists (with status) and automations, read live from a CRM that has them; null otherwise.",
  ).returns<{ memberships: GroupMemberships | null }>(),
  'merge/sequences': method(
    z.object({ connectionId: z.string().min(1).max(100) }).strict(),
    "The CRM's campaign sequences by campaign and name, read live, for the review to offer; null for a CRM without sequences.",
  ).returns<{ sequences: readonly CrmSequence[] | null }>(),
  'merge/plan': method(
    planInput,
    "Build the merge plan and its step-by-step preview from the reviewer's choices; changes nothing.",
  ).returns<{
    plan: MergePlan;
    preview: PlanPreview;
  }>(),
  'merge/dry-run': method(
    planInput,
    'Record a dry run in the history: the plan and preview, with nothing touched.',
  ).returns<{
    runId: string;
    plan: MergePlan;
    preview: PlanPreview;
  }>(),
  'merge/queue': method(
    z
      .object({
        ...groupRef,
        choices: choicesSchema.default({}),
        confirm: z.array(guardCode).max(MAX_CONFIRM).default([]),
      })
      .strict()
      .refine(refine, refMessage),
    'Save a reviewed plan to run later (works offline); it is re-checked against the live records before it runs.',
  ).returns<{ runId: string; plan: MergePlan; preview: PlanPreview }>(),
  'merge/execute': method(
    z
      .object({
        runId: z.string().min(1).max(64).optional(),
        ...groupRef,
        choices: choicesSchema.default({}),
        confirm: z.array(guardCode).max(MAX_CONFIRM).default([]),
      })
      .strict()
      .refine((v) => v.runId !== undefined || refine(v), {
        message: 'Give a runId, a groupId, or a connectionId with crmIds.',
      }),
    'Run a queued plan (runId) or plan-and-run a group now; progress arrives as merge/step events.',
  ).returns<RunDetail>(),
  'merge/resume': method(
    z.object({ runId: z.string().min(1).max(64).optional() }).strict(),
    'Resume one run, or every run a crash, sleep or lost connection left unfinished.',
  ).returns<RunSummary[]>(),
  'merge/restore-preview': method(
    z.object({ runId: z.string().min(1).max(64) }).strict(),
    'What a restore from the before-snapshots will do, and what cannot come back.',
  ).returns<RestorePreview>(),
  'merge/restore': method(
    z.object({ runId: z.string().min(1).max(64), confirm: z.literal(true) }).strict(),
    'Best-effort restore of a merge from its before-snapshots.',
  ).returns<RestoreResult>(),
  'merge/runs': method(
    z
      .object({
        status: z.array(runStatus).max(20).optional(),
        groupId: z.number().int().positive().optional(),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    'Merge runs, newest first, a page at a time (offset, limit); those of one group with groupId.',
  ).returns<RunSummary[]>(),
  'merge/run': method(
    z.object({ runId: z.string().min(1).max(64) }).strict(),
    'One run with its steps, plan and snapshots.',
  ).returns<RunDetail>(),
  'merge/audit-export': method(
    z.object({ format: z.enum(['csv', 'json']).default('csv') }).strict(),
    'The append-only audit log as CSV or JSON.',
  ).returns<AuditExport>(),
  'merge/batch-start': method(
    z
      .object({
        groupIds: z.array(z.number().int().positive()).min(1).max(100_000).optional(),
        lane: z.literal('safe').optional(),
        dryRun: z.boolean().default(false),
      })
      .strict()
      .refine((v) => v.groupIds !== undefined || v.lane === 'safe', {
        message: "Give groupIds or lane: 'safe'.",
      }),
    'Merge a selection of safe-lane groups or the whole safe lane; progress arrives as merge/batch events.',
  ).returns<MergeBatchPayload>(),
  'merge/batch-plan': method(
    z
      .object({
        groupIds: z.array(z.number().int().positive()).min(1).max(100_000).optional(),
        lane: z.literal('safe').optional(),
      })
      .strict()
      .refine((v) => v.groupIds !== undefined || v.lane === 'safe', {
        message: "Give groupIds or lane: 'safe'.",
      }),
    "How a batch fits the CRM's daily quota: requests per merge, groups that fit today, when the rest continue, ETA.",
  ).returns<BatchQuotaPlan>(),
  'merge/batch-status': method(z.object({}).strict(), 'The current or last batch.').returns<{
    batch: MergeBatchPayload | null;
  }>(),
  'merge/batch-summary': method(
    z
      .object({
        offset: z.number().int().min(0).max(1_000_000).default(0),
        limit: z.number().int().min(1).max(200).default(100),
      })
      .strict(),
    'A page of the last batch: each group merged, skipped, failed or stopped part-way, with names and what happened.',
  ).returns<BatchSummaryPage>(),
  'merge/batch-pause': method(
    z.object({ paused: z.boolean() }).strict(),
    'Pause or continue the batch.',
  ).returns<MergeBatchPayload>(),
  'merge/batch-stop': method(
    z.object({}).strict(),
    'Stop the batch after the current step.',
  ).returns<MergeBatchPayload>(),
  'merge/settings-get': method(
    z.object({}).strict(),
    'Survivorship and access settings.',
  ).returns<MergeSettings>(),
  'merge/settings-set': method(
    z
      .object({
        survivorship: survivorshipInput.optional(),
        access: accessInput.optional(),
      })
      .strict(),
    'Save survivorship and/or access settings.',
  ).returns<MergeSettings>(),
};
