import { z } from 'zod';
import { method } from '../define';
import { boundedRecord } from '../limits';
import { UPLOAD_TOKEN_PATTERN, type UploadRef } from '../../uploads/types';
import type { CsvBytesAnalysis, CsvRecordView } from '../../detect/csv-view';

const uploadToken = z.string().regex(UPLOAD_TOKEN_PATTERN, 'not an upload token').max(64);
import { detectSettingsPatchSchema, type DetectSettings } from '../../detect/settings';

export type DetectLane = 'safe' | 'needs_choice' | 'maybe_two_people';
export type GroupStatus = 'open' | 'merged' | 'dismissed' | 'stale';

export type { DetectRuleReport, DetectScanSummary, DetectScanStatus } from '../../detect/status';
import type { DetectScanStatus } from '../../detect/status';

export interface GroupSummary {
  readonly id: number;
  readonly connectionId: string;
  readonly lane: DetectLane;
  readonly score: number;
  readonly reason: string;
  readonly size: number;
  readonly status: GroupStatus;
  readonly lastActivity: string | null;
  /** First members' display names, for the list. */
  readonly names: string;
}

export interface GroupList {
  readonly total: number;
  readonly offset: number;
  readonly items: readonly GroupSummary[];
  readonly lanes: Record<DetectLane, number>;
}

export interface GroupMember {
  readonly pk: number;
  readonly crmId: string;
  readonly givenName: string | null;
  readonly middleName: string | null;
  readonly familyName: string | null;
  readonly suffix: string | null;
  readonly company: string | null;
  readonly birthday: string | null;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly addresses: readonly string[];
  readonly tags: readonly string[];
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

export interface PairContribution {
  readonly field: string;
  readonly label: string;
  readonly level: string;
  readonly weight: number;
}

export interface GroupPairEvidence {
  readonly aPk: number;
  readonly bPk: number;
  readonly score: number;
  readonly weight: number;
  readonly rule: string;
  readonly identityConflict: boolean;
  readonly valueConflict: boolean;
  readonly contributions: readonly PairContribution[];
}

export interface GroupDetail extends GroupSummary {
  readonly members: readonly GroupMember[];
  readonly pairs: readonly GroupPairEvidence[];
}

export interface DetectDecision {
  readonly id: number;
  readonly connectionId: string;
  readonly crmIds: readonly string[];
  /** Set when one record was taken out of a group rather than the whole group dismissed. */
  readonly separated: string | null;
  readonly note: string | null;
  readonly createdAt: string;
  readonly undoneAt: string | null;
}

export interface DetectPreview {
  readonly groups: number;
  readonly pairs: number;
  readonly lanes: Record<DetectLane, number>;
}

/** A CSV analysis as the screen shows it: how the file was read, the columns used, the best pairs with both records. */
export interface CsvAnalysis extends CsvBytesAnalysis {
  readonly fileName: string;
}

export type { CsvRecordView, UploadRef };

const lane = z.enum(['safe', 'needs_choice', 'maybe_two_people']);

export const detectMethods = {
  'detect/scan/start': method(
    z.object({ mode: z.enum(['full', 'incremental']).default('incremental') }).strict(),
    'Start a duplicate scan of the cache in the background (incremental re-scans only what changed since the last scan).',
  ).returns<{ jobId: string }>(),
  'detect/scan/cancel': method(z.object({}).strict(), 'Cancel the running scan.').returns<{
    cancelled: boolean;
  }>(),
  'detect/scan/status': method(
    z.object({}).strict(),
    'Progress of the running scan and the last result.',
  ).returns<DetectScanStatus>(),
  'groups/list': method(
    z
      .object({
        lane: lane.optional(),
        status: z.enum(['open', 'merged', 'dismissed', 'stale']).default('open'),
        minScore: z.number().min(0).max(1).optional(),
        maxScore: z.number().min(0).max(1).optional(),
        tag: z.string().max(200).optional(),
        search: z.string().max(200).optional(),
        sort: z.enum(['score_desc', 'score_asc', 'size_desc', 'activity_desc']).default('score_desc'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        after: z.number().int().positive().optional(),
      })
      .strict(),
    'Duplicate groups with filters, sorting and paging; with `after`, only those after that group in the order (which need not be in the list any more).',
  ).returns<GroupList>(),
  'groups/get': method(
    z.object({ id: z.number().int().positive() }).strict(),
    'One group: its members with their fields, and the per-field evidence of each pair.',
  ).returns<GroupDetail>(),
  'groups/dismiss': method(
    z.object({ id: z.number().int().positive(), note: z.string().max(500).optional() }).strict(),
    'Not a duplicate: remembered by CRM ids, so the group does not come back after a re-sync or re-scan.',
  ).returns<{ decisionId: number }>(),
  'groups/remove-member': method(
    z.object({ id: z.number().int().positive(), crmId: z.string().min(1).max(64) }).strict(),
    'Take one record out of a group (it is not the same person as the others); the rest stays grouped.',
  ).returns<{ decisionId: number; groupId: number; remaining: number; status: string }>(),
  'detect/decisions/list': method(
    z.object({ includeUndone: z.boolean().default(false) }).strict(),
    'Remembered "not a duplicate" decisions.',
  ).returns<{ items: DetectDecision[] }>(),
  'detect/decisions/undo': method(
    z.object({ id: z.number().int().positive() }).strict(),
    'Forget a "not a duplicate" decision; its records are compared again.',
  ).returns<{ undone: boolean }>(),
  'detect/settings/get': method(z.object({}).strict(), 'Detection settings.').returns<DetectSettings>(),
  'detect/settings/set': method(
    detectSettingsPatchSchema,
    'Change detection settings (threshold, field weights, phone region…); applies to the next scan.',
  ).returns<DetectSettings>(),
  'detect/preview': method(
    detectSettingsPatchSchema,
    'How many groups each lane would hold at these settings, re-clustering the stored pair scores (no re-scan).',
  ).returns<DetectPreview>(),
  'detect/csv/analyse': method(
    z
      .object({
        upload: uploadToken,
        map: boundedRecord(z.string().max(200), 40, 40).optional(),
        linkage: z.boolean().default(false),
        /** Names the analysis's `detect/progress` events (their jobId), so the screen that asked can follow them. */
        progressKey: z
          .string()
          .regex(/^[A-Za-z0-9-]{1,64}$/)
          .optional(),
      })
      .strict(),
    'Find duplicates in a CSV export the user handed over (an upload or a file chosen in the system dialog), named by its upload token; progress arrives as detect/progress events (kind csv).',
  ).returns<CsvAnalysis>(),
  'detect/csv/pick': method(
    z.object({}).strict(),
    'Desktop app: let the user choose a CSV file in the system dialog; the core reads that file only and returns its upload token (none when the user cancelled).',
  ).returns<{ picked: UploadRef | null }>(),
};

export type { DetectSettings };
