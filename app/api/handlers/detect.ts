import { randomUUID } from 'node:crypto';
import type { HandlerSubset } from './types';
import type { Db } from '../../store/database';
import { AppError } from '../../domain/errors';
import { readSetting, writeSetting } from '../../store/settings';
import { detectSettingsSchema, type DetectSettings } from '../../detect/settings';
import {
  analyseCsvBytes,
  cancelScan,
  emitDetectProgress,
  previewSettings,
  scanStatus,
  startScan,
} from '../../detect/service';
import { decodeContributions } from '../../detect/store';
import { loadRecordsByPk } from '../../detect/record-reads';
import { dismissGroup, listDecisions, separateMember, undoDecision } from '../../detect/decisions';
import { IDENTITY_CONFLICT, VALUE_CONFLICT } from '../../detect/lanes';
import {
  findGroup,
  groupLaneCounts,
  groupMemberPks,
  listGroups,
  pairsAmong,
  type GroupRow,
} from '../../detect/group-reads';
import { contactCreatedAt, contactTagNames } from '../../store/contacts-reads';
import { filePickerOf, readChosenFile, uploadsOf } from '../../uploads/store';
import type { DetectDecision, GroupDetail, GroupList, GroupMember, GroupSummary } from '../methods/detect';

const settingsOf = (db: Db): DetectSettings => readSetting(db, 'detect', detectSettingsSchema);

function summary(r: GroupRow): GroupSummary {
  return {
    id: r.id,
    connectionId: r.connection_id,
    lane: r.lane,
    score: r.score,
    reason: r.reason,
    size: r.size,
    status: r.status,
    lastActivity: r.last_activity,
    names: r.names ?? '',
  };
}

function getGroup(db: Db, id: number): GroupRow {
  const row = findGroup(db, id);
  if (!row)
    throw new AppError(
      'NOT_FOUND',
      `Duplicate group ${id} no longer exists: it was merged, dismissed or re-formed by a scan.`,
      { groupId: id },
    );
  return row;
}

function members(db: Db, groupId: number): GroupMember[] {
  const records = loadRecordsByPk(db, groupMemberPks(db, groupId));
  return records.map((r) => ({
    pk: r.pk,
    crmId: r.id,
    givenName: r.givenName ?? null,
    middleName: r.middleName ?? null,
    familyName: r.familyName ?? null,
    suffix: r.suffix ?? null,
    company: r.company ?? null,
    birthday: r.birthday ?? null,
    emails: r.emails ?? [],
    phones: r.phones ?? [],
    addresses: (r.addresses ?? []).map((a) =>
      [a.line1, a.line2, a.locality, a.region, a.postcode].filter(Boolean).join(', '),
    ),
    tags: contactTagNames(db, r.pk),
    createdAt: contactCreatedAt(db, r.pk),
    updatedAt: r.updatedAt,
  }));
}

export const detectHandlers: HandlerSubset<
  | 'detect/scan/start'
  | 'detect/scan/cancel'
  | 'detect/scan/status'
  | 'groups/list'
  | 'groups/get'
  | 'groups/dismiss'
  | 'groups/remove-member'
  | 'detect/decisions/list'
  | 'detect/decisions/undo'
  | 'detect/settings/get'
  | 'detect/settings/set'
  | 'detect/preview'
  | 'detect/csv/analyse'
  | 'detect/csv/pick'
> = {
  'detect/scan/start': (input, ctx) => ({ jobId: startScan(ctx, input.mode).jobId }),
  'detect/scan/cancel': (_input, ctx) => ({ cancelled: cancelScan(ctx) }),
  'detect/scan/status': (_input, ctx) => scanStatus(ctx),

  'groups/list': (input, ctx): GroupList => {
    const db = ctx.workspace.db;
    const filter = {
      status: input.status,
      minScore: input.minScore,
      maxScore: input.maxScore,
      search: input.search,
      tag: input.tag,
    };
    const lanes = groupLaneCounts(db, filter);
    const total = input.lane ? lanes[input.lane] : Object.values(lanes).reduce((a, b) => a + b, 0);
    const rows = listGroups(db, filter, {
      lane: input.lane,
      order: input.sort,
      limit: input.limit,
      offset: input.offset,
      after: input.after,
    });
    return { total, offset: input.offset, items: rows.map(summary), lanes };
  },

  'groups/get': (input, ctx): GroupDetail => {
    const db = ctx.workspace.db;
    const g = getGroup(db, input.id);
    const list = members(db, input.id);
    const pairs = pairsAmong(
      db,
      list.map((m) => m.pk),
    );
    return {
      ...summary(g),
      members: list,
      pairs: pairs.map((p) => ({
        aPk: p.a_pk,
        bPk: p.b_pk,
        score: p.score,
        weight: p.weight,
        rule: p.rule,
        identityConflict: (p.flags & IDENTITY_CONFLICT) !== 0,
        valueConflict: (p.flags & VALUE_CONFLICT) !== 0,
        contributions: decodeContributions(p.contributions),
      })),
    };
  },

  'groups/dismiss': (input, ctx) => ({
    decisionId: dismissGroup(ctx, input.id, input.note ?? null).decisionId,
  }),
  'groups/remove-member': (input, ctx) => separateMember(ctx, input.id, input.crmId),
  'detect/decisions/list': (input, ctx) => ({
    items: listDecisions(ctx, input.includeUndone ?? false) satisfies DetectDecision[],
  }),
  'detect/decisions/undo': (input, ctx) => undoDecision(ctx, input.id),

  'detect/settings/get': (_input, ctx) => settingsOf(ctx.workspace.db),
  'detect/settings/set': (input, ctx) => {
    const current = settingsOf(ctx.workspace.db);
    return writeSetting(ctx.workspace.db, 'detect', detectSettingsSchema, {
      ...current,
      ...input,
      fieldWeights: { ...current.fieldWeights, ...(input.fieldWeights ?? {}) },
    });
  },
  'detect/preview': async (input, ctx) => {
    const current = settingsOf(ctx.workspace.db);
    const settings = detectSettingsSchema.parse({
      ...current,
      ...input,
      fieldWeights: { ...current.fieldWeights, ...(input.fieldWeights ?? {}) },
    });
    return previewSettings(ctx, settings);
  },

  'detect/csv/analyse': async (input, ctx) => {
    const file = uploadsOf(ctx).get(input.upload);
    // A copy: the analysis may move its bytes to a worker, and the held file stays for a re-run with a mapping.
    const jobId = input.progressKey ?? `csv-${randomUUID()}`;
    const a = await analyseCsvBytes(new Uint8Array(file.bytes), {
      settings: settingsOf(ctx.workspace.db),
      map: input.map ?? {},
      linkage: input.linkage,
      maxBytes: uploadsOf(ctx).maxBytes,
      onProgress: (phase, done, total) =>
        emitDetectProgress(ctx, { jobId, kind: 'csv', phase, done, total }, null),
    });
    return { ...a, fileName: file.name };
  },
  'detect/csv/pick': async (_input, ctx) => {
    const pick = filePickerOf(ctx);
    if (!pick) {
      throw new AppError(
        'UNSUPPORTED',
        'Choosing a file this way needs the desktop app; upload the file instead.',
      );
    }
    const path = await pick({ title: 'Choose a CSV export', extensions: ['csv', 'txt', 'tsv'] });
    if (path === null) return { picked: null };
    const file = await readChosenFile(path);
    return { picked: uploadsOf(ctx).put(file.name, file.bytes) };
  },
};
