import type { HandlerSubset } from './types';
import type { Db } from '../../store/database';
import { AppError } from '../../domain/errors';
import { readSetting, writeSetting } from '../../store/settings';
import { detectSettingsSchema, type DetectSettings } from '../../detect/settings';
import { analyseCsvBytes, cancelScan, previewSettings, scanStatus, startScan } from '../../detect/service';
import { decodeContributions, loadRecordsByPk } from '../../detect/store';
import { dismissGroup, listDecisions, separateMember, undoDecision } from '../../detect/decisions';
import { IDENTITY_CONFLICT, VALUE_CONFLICT } from '../../detect/lanes';
import { filePickerOf, readChosenFile, uploadsOf } from '../../uploads/store';
import type {
  DetectDecision,
  DetectLane,
  GroupDetail,
  GroupList,
  GroupMember,
  GroupSummary,
} from '../methods/detect';

const settingsOf = (db: Db): DetectSettings => readSetting(db, 'detect', detectSettingsSchema);
const emptyLanes = (): Record<DetectLane, number> => ({ safe: 0, needs_choice: 0, maybe_two_people: 0 });

interface GroupRow {
  id: number;
  connection_id: string;
  lane: DetectLane;
  score: number;
  reason: string;
  size: number;
  status: GroupSummary['status'];
  last_activity: string | null;
  names: string | null;
  crm_ids: string;
}

const NAMES_SQL = `(SELECT group_concat(name, ', ') FROM (SELECT trim(coalesce(c.given_name, '') || ' ' ||
  coalesce(c.family_name, '')) AS name FROM dup_group_members m JOIN contacts c ON c.pk = m.contact_pk
  WHERE m.group_id = g.id ORDER BY c.pk LIMIT 3)) AS names`;

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
  const row = db.prepare(`SELECT g.*, ${NAMES_SQL} FROM dup_groups g WHERE g.id = ?`).get(id) as
    GroupRow | undefined;
  if (!row)
    throw new AppError(
      'NOT_FOUND',
      `Duplicate group ${id} no longer exists: it was merged, dismissed or re-formed by a scan.`,
      { groupId: id },
    );
  return row;
}

function members(db: Db, groupId: number): GroupMember[] {
  const pks = db
    .prepare('SELECT contact_pk FROM dup_group_members WHERE group_id = ? ORDER BY contact_pk')
    .pluck()
    .all(groupId) as number[];
  const records = loadRecordsByPk(db, pks);
  const extra = db.prepare('SELECT created_at FROM contacts WHERE pk = ?').pluck();
  const tags = db
    .prepare(
      'SELECT t.name FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk WHERE ct.contact_pk = ? ORDER BY t.name',
    )
    .pluck();
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
    tags: tags.all(r.pk) as string[],
    createdAt: (extra.get(r.pk) as string | null) ?? null,
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
    const where: string[] = ['g.status = ?'];
    const params: unknown[] = [input.status];
    if (input.minScore !== undefined) {
      where.push('g.score >= ?');
      params.push(input.minScore);
    }
    if (input.maxScore !== undefined) {
      where.push('g.score <= ?');
      params.push(input.maxScore);
    }
    if (input.search?.trim()) {
      const text = `%${input.search
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // A query made of phone characters matches a member's number in any format, by its digits (E.164).
      const digits = /^[\d\s()+.-]+$/.test(input.search.trim()) ? input.search.replace(/\D+/g, '') : '';
      if (digits.length >= 7) {
        where.push(`(g.search_text LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM dup_group_members m
          JOIN contact_phones p ON p.contact_pk = m.contact_pk
          WHERE m.group_id = g.id AND replace(p.e164, '+', '') LIKE ?))`);
        params.push(text, `%${digits}%`);
      } else {
        where.push(`g.search_text LIKE ? ESCAPE '\\'`);
        params.push(text);
      }
    }
    if (input.tag?.trim()) {
      where.push(`EXISTS (SELECT 1 FROM dup_group_members m JOIN contact_tags ct ON ct.contact_pk = m.contact_pk
        JOIN tags t ON t.pk = ct.tag_pk WHERE m.group_id = g.id AND t.name = ? COLLATE NOCASE)`);
      params.push(input.tag.trim());
    }
    const lanes = emptyLanes();
    for (const row of db
      .prepare(`SELECT g.lane, count(*) AS n FROM dup_groups g WHERE ${where.join(' AND ')} GROUP BY g.lane`)
      .all(...params) as { lane: DetectLane; n: number }[])
      lanes[row.lane] = row.n;
    if (input.lane) {
      where.push('g.lane = ?');
      params.push(input.lane);
    }
    const order = {
      score_desc: 'g.score DESC, g.id',
      score_asc: 'g.score ASC, g.id',
      size_desc: 'g.size DESC, g.score DESC, g.id',
      activity_desc: 'g.last_activity DESC, g.id',
    }[input.sort];
    const total = input.lane ? lanes[input.lane] : Object.values(lanes).reduce((a, b) => a + b, 0);
    const rows = db
      .prepare(
        `SELECT g.id, g.connection_id, g.lane, g.score, g.reason, g.size, g.status, g.last_activity, g.crm_ids,
          ${NAMES_SQL} FROM dup_groups g WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`,
      )
      .all(...params, input.limit, input.offset) as GroupRow[];
    return { total, offset: input.offset, items: rows.map(summary), lanes };
  },

  'groups/get': (input, ctx): GroupDetail => {
    const db = ctx.workspace.db;
    const g = getGroup(db, input.id);
    const list = members(db, input.id);
    const pks = list.map((m) => m.pk);
    const inList = `(${pks.map(() => '?').join(',')})`;
    const pairs = pks.length
      ? (db
          .prepare(
            `SELECT a_pk, b_pk, score, weight, flags, rule, contributions FROM candidate_pairs
             WHERE a_pk IN ${inList} AND b_pk IN ${inList} ORDER BY score DESC`,
          )
          .all(...pks, ...pks) as {
          a_pk: number;
          b_pk: number;
          score: number;
          weight: number;
          flags: number;
          rule: string;
          contributions: string;
        }[])
      : [];
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
  'groups/remove-member': (input, ctx) => ({
    decisionId: separateMember(ctx, input.id, input.crmId).decisionId,
  }),
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
    const a = await analyseCsvBytes(new Uint8Array(file.bytes), {
      settings: settingsOf(ctx.workspace.db),
      map: input.map ?? {},
      linkage: input.linkage,
      maxBytes: uploadsOf(ctx).maxBytes,
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
